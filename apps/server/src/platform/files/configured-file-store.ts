import path from 'node:path';
import type { Config } from '../config/index.ts';
import { createLocalFileStore, type FileStore } from './file-store.ts';
import { createS3FileStore } from './s3-file-store.ts';

/**
 * The store the configuration names: the S3 bucket when S3_BUCKET is set, else local disk under
 * DATA_DIR/files. Either way uploads are received under DATA_DIR/files/incoming first.
 */
export function createConfiguredFileStore(config: Pick<Config, 'filesDir' | 's3'>): FileStore {
  if (!config.s3) return createLocalFileStore(config.filesDir);
  return createS3FileStore({ ...config.s3, incomingDir: path.join(config.filesDir, 'incoming') });
}
