import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import type { S3FileStoreOptions } from '../platform/files/index.ts';

export type TestS3Server = Omit<S3FileStoreOptions, 'incomingDir'> & {
  endpoint: string;
  /** Every request the server got, as `METHOD /path?query`, oldest first. */
  requests: string[];
  /** The S3_* variables that point Parta's configuration at this server (for startTestApp's `env`). */
  env: Record<string, string>;
  close(): Promise<void>;
};

/**
 * An S3-compatible server for one test file: s3rver, keeping its objects in a temporary
 * directory, on a free loopback port, with one empty bucket. `close` stops it and removes the
 * directory.
 */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'parta-s3-'));
  const bucket = 'parta-test';
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  // Served from an http.Server of our own rather than s3rver.run(), to see the requests.
  const requests: string[] = [];
  const handle = s3rver.callback();
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handle(request, response);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The credentials s3rver checks request signatures with.
  const [accessKeyId, secretAccessKey] = ['S3RVER', 'S3RVER'];
  return {
    endpoint,
    region: 'us-east-1',
    bucket,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: true,
    requests,
    env: { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
