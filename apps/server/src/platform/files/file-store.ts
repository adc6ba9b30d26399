import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where file bytes live. Local disk under DATA_DIR/files now; an S3-compatible store implements
 * the same interface later. Keys are generated here, never taken from a file's name.
 */
export type FileStore = {
  put(content: Uint8Array): Promise<{ key: string }>;
  /**
   * Takes a finished file from `incomingDir` into the store (the file is gone from there after).
   * Uploads arrive on disk first, so that a large video is never held in memory whole.
   */
  putFile(localPath: string): Promise<{ key: string }>;
  get(key: string): Promise<Buffer>;
  /** The bytes from `start` to `end` inclusive (all of them without a range), as a stream. */
  stream(key: string, range?: { start: number; end: number }): Readable;
  delete(key: string): Promise<void>;
  /** A local directory for files being received, on the same disk as the store when it is local. */
  incomingDir: string;
  /** Removes files left in `incomingDir` by uploads that never finished (a crash), older than `before`. */
  sweepIncoming(before: Date): Promise<number>;
};

const keyPattern = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

export function createLocalFileStore(root: string): FileStore {
  const incomingDir = path.join(root, 'incoming');
  const fullPath = (key: string) => {
    if (!keyPattern.test(key)) throw new Error(`invalid file key ${key}`);
    return path.join(root, key);
  };
  const newKey = async () => {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    await mkdir(path.dirname(fullPath(key)), { recursive: true });
    return key;
  };
  return {
    async put(content) {
      const key = await newKey();
      const target = fullPath(key);
      // Written under a temporary name and renamed: a crash never leaves half a file under its key.
      const temporary = `${target}.partial`;
      await writeFile(temporary, content, { flag: 'wx' });
      await rename(temporary, target);
      return { key };
    },
    async putFile(localPath) {
      const key = await newKey();
      await rename(localPath, fullPath(key));
      return { key };
    },
    get: (key) => readFile(fullPath(key)),
    stream: (key, range) => createReadStream(fullPath(key), range ? { start: range.start, end: range.end } : {}),
    async delete(key) {
      await rm(fullPath(key), { force: true });
    },
    incomingDir,
    async sweepIncoming(before) {
      let removed = 0;
      const names = await readdir(incomingDir).catch(() => [] as string[]);
      for (const name of names) {
        const file = path.join(incomingDir, name);
        const info = await stat(file).catch(() => null);
        if (info && info.mtime < before) {
          await rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}
