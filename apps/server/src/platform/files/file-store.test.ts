import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server } from '../../test/s3-server.ts';
import { createLocalFileStore, createS3FileStore, type FileStore } from './index.ts';

/** One store under test, with what the contract needs to look behind it. */
type StoreUnderTest = {
  store: FileStore;
  /** Whether the backing storage holds an object for `key`, seen without the store. */
  holds(key: string): Promise<boolean>;
  /** How many parts the last multipart upload sent, or null for a store that has none. */
  uploadedParts(): number | null;
  close(): Promise<void>;
};

async function localStore(): Promise<StoreUnderTest> {
  const root = await mkdtemp(path.join(tmpdir(), 'parta-files-'));
  return {
    store: createLocalFileStore(root),
    holds: async (key) => existsSync(path.join(root, key)),
    uploadedParts: () => null,
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Store(): Promise<StoreUnderTest> {
  const server = await startS3Server();
  const incomingDir = await mkdtemp(path.join(tmpdir(), 'parta-incoming-'));
  const prefix = 'school-5';
  const client = new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  return {
    store: createS3FileStore({ ...server, prefix, incomingDir }),
    async holds(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${key}` }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw error;
      }
    },
    uploadedParts: () => server.requests.filter((request) => /^PUT .*[?&]partNumber=/.test(request)).length,
    async close() {
      client.destroy();
      await server.close();
      await rm(incomingDir, { recursive: true, force: true });
    },
  };
}

const read = async (stream: Readable) => Buffer.concat(await stream.toArray());

/** Writes `content` where uploads are received, as the uploads module does. */
async function incomingFile(store: FileStore, content: Uint8Array): Promise<string> {
  await mkdir(store.incomingDir, { recursive: true });
  const file = path.join(store.incomingDir, `${randomBytes(8).toString('hex')}.upload`);
  await writeFile(file, content);
  return file;
}

describe.each([
  ['on local disk', localStore],
  ['in an S3-compatible bucket (s3rver)', s3Store],
])('FileStore %s', (_name, start) => {
  let t: StoreUnderTest;
  let store: FileStore;
  beforeAll(async () => {
    t = await start();
    store = t.store;
  });
  afterAll(async () => {
    await t?.close();
  });

  const content = randomBytes(100_000);

  it('keeps bytes under a generated key of the form ab/<uuid> and gives them back', async () => {
    const { key } = await store.put(content);
    expect(key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(key.slice(0, 2)).toBe(key.slice(3, 5));
    expect((await store.get(key)).equals(content)).toBe(true);
    expect(await t.holds(key)).toBe(true);
    // The same bytes again are another file.
    expect((await store.put(content)).key).not.toBe(key);
  });

  it('keeps an empty file', async () => {
    const { key } = await store.put(new Uint8Array(0));
    expect(await store.get(key)).toHaveLength(0);
  });

  it('takes a received file of several MB from the incoming directory (in parts, for S3), leaving nothing behind there', async () => {
    const large = randomBytes(12 * 1024 * 1024 + 123);
    const file = await incomingFile(store, large);
    const partsBefore = t.uploadedParts();
    const { key } = await store.putFile(file);
    expect(existsSync(file)).toBe(false);
    const partsAfter = t.uploadedParts();
    if (partsBefore !== null && partsAfter !== null) expect(partsAfter - partsBefore).toBeGreaterThanOrEqual(2);
    expect((await store.get(key)).equals(large)).toBe(true);
    expect((await read(store.stream(key))).equals(large)).toBe(true);
    // A range across the first part's end (8 MiB) reads straight through it.
    const boundary = 8 * 1024 * 1024;
    expect((await read(store.stream(key, { start: boundary - 10, end: boundary + 9 }))).equals(large.subarray(boundary - 10, boundary + 10))).toBe(true);
  });

  it('takes a small received file too', async () => {
    const file = await incomingFile(store, Buffer.from('Сбор в 8:30'));
    const { key } = await store.putFile(file);
    expect(existsSync(file)).toBe(false);
    expect((await store.get(key)).toString()).toBe('Сбор в 8:30');
  });

  it('streams a file whole, or one byte range inclusive: from the first byte, in the middle, the last byte', async () => {
    const { key } = await store.put(content);
    expect((await read(store.stream(key))).equals(content)).toBe(true);
    const last = content.length - 1;
    // Not {0, 0}: s3rver 3.7.1 reads `bytes=0-0` as the whole object (its `end || Infinity`); S3 itself answers one byte.
    for (const [start, end] of [[0, 99], [1, 1], [40_000, 59_999], [last, last]] as const) {
      const bytes = await read(store.stream(key, { start, end }));
      expect(bytes.length, `${start}-${end}`).toBe(end - start + 1);
      expect(bytes.equals(content.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it('lets a reader stop early, before or after the first bytes, and goes on serving', async () => {
    const { key } = await store.put(content);
    store.stream(key).destroy();
    const reader = store.stream(key);
    for await (const chunk of reader) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // destroys the stream
    }
    expect((await store.get(key)).equals(content)).toBe(true);
  });

  it('deletes a file: then reading it fails with ENOENT, and deleting it again is fine', async () => {
    const { key } = await store.put(content);
    await store.delete(key);
    expect(await t.holds(key)).toBe(false);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(read(store.stream(key))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('fails with ENOENT for a key it never made, and refuses a key that is not one of its keys', async () => {
    const unknown = 'ab/ab000000-0000-4000-8000-000000000000';
    await expect(store.get(unknown)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(read(store.stream(unknown, { start: 0, end: 9 }))).rejects.toMatchObject({ code: 'ENOENT' });
    for (const invalid of ['../../etc/passwd', 'photo.jpg', 'ab/../../ab000000-0000-4000-8000-000000000000', '', `${unknown}/x`]) {
      await expect(store.get(invalid), invalid).rejects.toThrow(/invalid file key/);
      expect(() => store.stream(invalid), invalid).toThrow(/invalid file key/);
      await expect(store.delete(invalid), invalid).rejects.toThrow(/invalid file key/);
    }
  });

  it('sweeps files left in the incoming directory before a given time, and only those', async () => {
    const old = await incomingFile(store, Buffer.from('interrupted upload'));
    const recent = await incomingFile(store, Buffer.from('upload in progress'));
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    await utimes(old, dayAgo, dayAgo);
    expect(await store.sweepIncoming(new Date(Date.now() - 3600_000))).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    await rm(recent);
  });
});
