import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where file bytes live. Local disk under DATA_DIR/files now; an S3-compatible store implements
 * the same interface later. Keys are generated here, never taken from a file's name.
 */
export type FileStore = {
  put(content: Uint8Array): Promise<{ key: string }>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
};

const keyPattern = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

export function createLocalFileStore(root: string): FileStore {
  const fullPath = (key: string) => {
    if (!keyPattern.test(key)) throw new Error(`invalid file key ${key}`);
    return path.join(root, key);
  };
  return {
    async put(content) {
      const id = randomUUID();
      const key = `${id.slice(0, 2)}/${id}`;
      const target = fullPath(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Written under a temporary name and renamed: a crash never leaves half a file under its key.
      const temporary = `${target}.partial`;
      await writeFile(temporary, content, { flag: 'wx' });
      await rename(temporary, target);
      return { key };
    },
    get: (key) => readFile(fullPath(key)),
    async delete(key) {
      await rm(fullPath(key), { force: true });
    },
  };
}
