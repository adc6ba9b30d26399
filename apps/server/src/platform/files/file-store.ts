import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where file bytes live: local disk under DATA_DIR/files (`createLocalFileStore`) or an
 * S3-compatible object store (`createS3FileStore`). Keys are generated here, never taken from a
 * file's name, and have the same form in every store, so files can be moved between them.
 */
export type FileStore = {
  put(content: Uint8Array): Promise<{ key: string }>;
  /**
   * Takes a finished file from `incomingDir` into the store (the file is gone from there after).
   * Uploads arrive on disk first, so that a large video is never held in memory whole.
   */
  putFile(localPath: string): Promise<{ key: string }>;
  /** The whole file; rejects with an error whose `code` is `ENOENT` when there is none under `key`. */
  get(key: string): Promise<Buffer>;
  /**
   * The bytes from `start` to `end` inclusive (all of them without a range), as a stream that
   * errors (`ENOENT`) when there is no file under `key`. Throws at once for a malformed key.
   */
  stream(key: string, range?: { start: number; end: number }): Readable;
  /** Deletes the file; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** A local directory for files being received, on the same disk as the store when it is local. */
  incomingDir: string;
  /** Removes files left in `incomingDir` by uploads that never finished (a crash), older than `before`. */
  sweepIncoming(before: Date): Promise<number>;
};

const keyPattern = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/** A new key: `ab/<uuid>`, the first two characters of the id spreading files over 256 folders. */
export function newFileKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}

/** Returns `key` when it is one `newFileKey` could have made; throws otherwise (never a path of the caller's choosing). */
export function checkFileKey(key: string): string {
  if (!keyPattern.test(key)) throw new Error(`invalid file key ${key}`);
  return key;
}

/** The error a store gives for a key it holds no file under, alike for every store. */
export function fileNotFound(key: string, cause?: unknown): Error {
  return Object.assign(new Error(`no file under key ${key}`, { cause }), { code: 'ENOENT' });
}

/** Removes the files in `directory` last changed before `before`; returns how many. */
export async function sweepDirectory(directory: string, before: Date): Promise<number> {
  let removed = 0;
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(directory, name);
    const info = await stat(file).catch(() => null);
    if (info && info.mtime < before) {
      await rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

export function createLocalFileStore(root: string): FileStore {
  const incomingDir = path.join(root, 'incoming');
  const fullPath = (key: string) => path.join(root, checkFileKey(key));
  const newKey = async () => {
    const key = newFileKey();
    await mkdir(path.dirname(fullPath(key)), { recursive: true });
    return key;
  };
  const missing = (key: string) => (error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? fileNotFound(key, error) : error;
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
    get: async (key) => readFile(fullPath(key)).catch(missing(key)),
    stream: (key, range) => createReadStream(fullPath(key), range ? { start: range.start, end: range.end } : {}),
    async delete(key) {
      await rm(fullPath(key), { force: true });
    },
    incomingDir,
    sweepIncoming: (before) => sweepDirectory(incomingDir, before),
  };
}
