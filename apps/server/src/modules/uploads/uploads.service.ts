import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open as openLocalFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { attachmentMaxImagePixels, attachmentTypes, isAttachmentContentType, uploadLimit, uploadRules, type TUploadPurpose, type TUploadResponse } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { headLength, ImageRefused, isTextName, prepareImage, sniffContentType, sniffHead, stripIsoMediaMetadata, type ByteRange, type FileStore } from '../../platform/files/index.ts';
import { AppError, invalidField, type LocalizedText } from '../../platform/http/index.ts';

export type UploadsService = ReturnType<typeof createUploadsService>;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A stored upload as the module that claims it sees it. */
export type ClaimedFile = { id: string; name: string; contentType: string; size: number };
/** A claimed chat attachment: images also have their size as shown and a preview. */
export type ClaimedMedia = ClaimedFile & { width: number | null; height: number | null; previewFileId: string | null };

/** The purpose a server-made preview is stored under (never uploaded, never claimed by a token). */
export const previewPurpose = 'chat_attachment_preview';
const previewSize = 640;

const megabytes = (bytes: number) => Math.round(bytes / (1024 * 1024));

/** «Можно: JPEG, PNG, …» — the formats a purpose takes, for the 415 message. */
function acceptedList(purpose: TUploadPurpose): LocalizedText {
  const labels = uploadRules[purpose].contentTypes.map((type) => (isAttachmentContentType(type) ? attachmentTypes[type].label : type.split('/')[1]!.toUpperCase()));
  const list = [...new Set(labels)].join(', ');
  return { ru: `Такой файл не принимается. Можно: ${list}.`, en: `This kind of file is not accepted. Accepted: ${list}.` };
}

const unsupported = (purpose: TUploadPurpose) => new AppError(415, 'unsupported_media_type', { detail: acceptedList(purpose) });

export function tooLarge(limit: number): AppError {
  return new AppError(413, 'payload_too_large', { detail: { ru: `Файл слишком большой: можно не больше ${megabytes(limit)} МБ.`, en: `The file is too large: at most ${megabytes(limit)} MB.` } });
}

/** The limit that applies once the first bytes are known, or the refusal they already earn. */
function limitAfterHead(purpose: TUploadPurpose, head: Uint8Array, name: string): number {
  const sniffed = sniffHead(head);
  const rules = uploadRules[purpose];
  if (sniffed === 'zip') {
    // An office document, if its entries say so: the limit of the largest office type.
    const office = rules.contentTypes.filter((type) => type.startsWith('application/vnd.openxmlformats'));
    if (office.length === 0) throw unsupported(purpose);
    return Math.max(...office.map((type) => uploadLimit(purpose, type)));
  }
  if (sniffed === null) {
    if (rules.contentTypes.includes('text/plain') && isTextName(name)) return uploadLimit(purpose, 'text/plain');
    throw unsupported(purpose);
  }
  if (!rules.contentTypes.includes(sniffed)) throw unsupported(purpose);
  return uploadLimit(purpose, sniffed);
}

export function createUploadsService(deps: { db: Kysely<DB>; store: FileStore; clock: Clock }) {
  const { db, store, clock } = deps;

  /**
   * Receives the body into a file under the store's incoming directory, refusing it as soon as
   * its first bytes show a type the purpose does not take (415) or it grows past the limit for
   * that type (413). Returns the file's path and length.
   */
  async function receive(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, purpose: TUploadPurpose, name: string): Promise<{ file: string; size: number; sha256: string }> {
    await mkdir(store.incomingDir, { recursive: true });
    const file = path.join(store.incomingDir, `${randomUUID()}.upload`);
    const handle = await openLocalFile(file, 'wx');
    const hash = createHash('sha256');
    let size = 0;
    let limit = uploadRules[purpose].maxBytes;
    let head: Buffer | null = Buffer.alloc(0);
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (head) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= headLength) {
            limit = limitAfterHead(purpose, head, name);
            head = null;
          }
        }
        if (size > limit) throw tooLarge(limit);
        hash.update(chunk);
        await handle.write(chunk);
      }
      if (size === 0) throw invalidField('body', { ru: 'файл пуст', en: 'the file is empty' });
      if (head) {
        limit = limitAfterHead(purpose, head, name);
        if (size > limit) throw tooLarge(limit);
      }
      await handle.close();
      return { file, size, sha256: hash.digest('hex') };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(file, { force: true });
      throw error;
    }
  }

  /**
   * Checks the bytes against the purpose's rules, stores them, and returns a claim token. Chat
   * images are stored re-encoded without their metadata (a child's photo must not tell where it
   * was taken), with a preview; videos lose their location boxes. The body is streamed to disk.
   */
  async function upload(input: { purpose: TUploadPurpose; name: string; body: AsyncIterable<Uint8Array> | Readable | Uint8Array; userId: string | null }): Promise<TUploadResponse> {
    const received = await receive(input.body instanceof Uint8Array ? [input.body] : input.body, input.purpose, input.name);
    const keys: string[] = [];
    try {
      const head = await readHead(received.file);
      let contentType = sniffHead(head);
      let content: Buffer | null = null;
      if (contentType === 'zip' || contentType === null || contentType.startsWith('image/')) {
        // Office documents and text are judged by their whole content, images are processed whole.
        content = await readFile(received.file);
        contentType = sniffContentType(content, input.name);
      }
      if (!contentType || !uploadRules[input.purpose].contentTypes.includes(contentType)) throw unsupported(input.purpose);

      let image: { width: number; height: number; previewKey: string; previewSize: number; previewSha256: string } | null = null;
      if (input.purpose === 'chat_attachment' && contentType.startsWith('image/')) {
        const prepared = await prepareImage(content!, contentType, { maxPixels: attachmentMaxImagePixels, previewSize }).catch((error: unknown) => {
          if (error instanceof ImageRefused && error.reason === 'too_many_pixels') {
            const megapixels = Math.round(attachmentMaxImagePixels / 1_000_000);
            throw new AppError(413, 'payload_too_large', { detail: { ru: `Изображение слишком большое: можно не больше ${megapixels} мегапикселей.`, en: `The image is too large: at most ${megapixels} megapixels.` } });
          }
          if (error instanceof ImageRefused) throw new AppError(415, 'unsupported_media_type', { detail: { ru: 'Не удалось прочитать изображение: файл повреждён.', en: 'The image cannot be read: the file is damaged.' } });
          throw error;
        });
        if (prepared.content) content = prepared.content;
        const { key } = await store.put(prepared.preview.content);
        keys.push(key);
        image = { width: prepared.width, height: prepared.height, previewKey: key, previewSize: prepared.preview.content.length, previewSha256: sha256(prepared.preview.content) };
      }
      let digest = content ? sha256(content) : received.sha256;
      if (input.purpose === 'chat_attachment' && (contentType === 'video/mp4' || contentType === 'video/quicktime' || contentType === 'audio/mp4')) {
        if ((await stripIsoMediaMetadata(received.file)) > 0) digest = await sha256OfFile(received.file);
      }

      const stored = content ? await store.put(content) : await store.putFile(received.file);
      keys.push(stored.key);
      const size = content ? content.length : received.size;
      const token = randomBytes(32).toString('base64url');
      await db.transaction().execute(async (trx) => {
        const preview = image
          ? await trx
              .insertInto('files')
              .values({ purpose: previewPurpose, storage_key: image.previewKey, name: input.name, content_type: 'image/webp', size: image.previewSize, sha256: image.previewSha256, uploaded_by: input.userId, created_at: clock.now() })
              .returning('id')
              .executeTakeFirstOrThrow()
          : null;
        await trx
          .insertInto('files')
          .values({
            purpose: input.purpose,
            storage_key: stored.key,
            name: input.name,
            content_type: contentType,
            size,
            sha256: digest,
            upload_token_hash: hashToken(token),
            uploaded_by: input.userId,
            created_at: clock.now(),
            width: image?.width ?? null,
            height: image?.height ?? null,
            preview_file_id: preview?.id ?? null,
          })
          .execute();
      });
      return { uploadToken: token, name: input.name, contentType, size };
    } catch (error) {
      for (const key of keys) await store.delete(key);
      throw error;
    } finally {
      await rm(received.file, { force: true });
    }
  }

  /**
   * Inside the caller's transaction: takes the unclaimed upload of `purpose` that `token` names
   * and marks it claimed, or fails on `field` with a message the person understands.
   */
  async function claim(tx: Transaction<DB>, purpose: TUploadPurpose, token: string, field: string): Promise<ClaimedFile> {
    const row = await tx
      .updateTable('files')
      .set({ claimed_at: clock.now(), upload_token_hash: null })
      .where('upload_token_hash', '=', hashToken(token))
      .where('purpose', '=', purpose)
      .where('claimed_at', 'is', null)
      .returning(['id', 'name', 'content_type', 'size'])
      .executeTakeFirst();
    if (!row) throw invalidField(field, { ru: 'файл не найден: загрузите его ещё раз', en: 'file not found: upload it again' });
    return { id: row.id, name: row.name, contentType: row.content_type, size: Number(row.size) };
  }

  /**
   * Inside the caller's transaction: claims every upload the tokens name — all of them uploaded
   * by `userId` for `purpose`, or none (fails on `field`) — and returns them in the tokens' order.
   */
  async function claimAll(tx: Transaction<DB>, input: { purpose: TUploadPurpose; tokens: readonly string[]; userId: string; field: string }): Promise<ClaimedMedia[]> {
    const hashes = [...new Set(input.tokens.map(hashToken))];
    if (hashes.length === 0) return [];
    const found = await tx
      .selectFrom('files')
      .select(['id', 'upload_token_hash'])
      .where('upload_token_hash', 'in', hashes)
      .where('purpose', '=', input.purpose)
      .where('uploaded_by', '=', input.userId)
      .where('claimed_at', 'is', null)
      .forUpdate()
      .execute();
    if (found.length !== hashes.length) throw invalidField(input.field, { ru: 'файл не найден: загрузите его ещё раз', en: 'file not found: upload it again' });
    const now = clock.now();
    const rows = await tx
      .updateTable('files')
      .set({ claimed_at: now, upload_token_hash: null })
      .where('id', 'in', found.map((row) => row.id))
      .where('claimed_at', 'is', null)
      .returning(['id', 'name', 'content_type', 'size', 'width', 'height', 'preview_file_id'])
      .execute();
    if (rows.length !== found.length) throw invalidField(input.field, { ru: 'файл не найден: загрузите его ещё раз', en: 'file not found: upload it again' });
    const previewIds = rows.flatMap((row) => (row.preview_file_id ? [row.preview_file_id] : []));
    if (previewIds.length > 0) await tx.updateTable('files').set({ claimed_at: now }).where('id', 'in', previewIds).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    // In the order of the tokens: the order the author put the files in.
    return hashes.map((hash) => {
      const row = byId.get(found.find((item) => item.upload_token_hash === hash)!.id)!;
      return { id: row.id, name: row.name, contentType: row.content_type, size: Number(row.size), width: row.width, height: row.height, previewFileId: row.preview_file_id };
    });
  }

  /** The bytes and description of a stored file; access is the caller's to check. */
  async function read(fileId: string) {
    const row = await db.selectFrom('files').select(['storage_key', 'name', 'content_type', 'size']).where('id', '=', fileId).executeTakeFirst();
    if (!row) return null;
    return { name: row.name, contentType: row.content_type, content: await store.get(row.storage_key) };
  }

  /** A stored file to send: its description and a way to stream all or part of it; access is the caller's to check. */
  async function open(fileId: string) {
    const row = await db.selectFrom('files').select(['storage_key', 'name', 'content_type', 'size', 'sha256']).where('id', '=', fileId).executeTakeFirst();
    if (!row) return null;
    return { name: row.name, contentType: row.content_type, size: Number(row.size), sha256: row.sha256, stream: (range?: ByteRange) => store.stream(row.storage_key, range) };
  }

  /** Inside the caller's transaction: deletes the files (and their previews); their bytes go once it commits. */
  async function remove(tx: Tx, fileIds: readonly string[]): Promise<void> {
    if (fileIds.length === 0) return;
    const rows = await tx.db.deleteFrom('files').where('id', 'in', fileIds).returning(['storage_key', 'preview_file_id']).execute();
    const previewIds = rows.flatMap((row) => (row.preview_file_id ? [row.preview_file_id] : []));
    const previews = previewIds.length > 0 ? await tx.db.deleteFrom('files').where('id', 'in', previewIds).returning('storage_key').execute() : [];
    const keys = [...rows, ...previews].map((row) => row.storage_key);
    tx.afterCommit(async () => {
      for (const key of keys) await store.delete(key);
    });
  }

  /**
   * Deletes uploads nobody claimed that arrived before `olderThan` (rows, previews and bytes),
   * and files left half-received by a crash. Returns how many uploads went.
   */
  async function sweepUnclaimed(olderThan: Date): Promise<{ files: number }> {
    const rows = await db
      .deleteFrom('files')
      .where('claimed_at', 'is', null)
      .where('upload_token_hash', 'is not', null)
      .where('created_at', '<', olderThan)
      .returning(['storage_key', 'preview_file_id'])
      .execute();
    const previewIds = rows.flatMap((row) => (row.preview_file_id ? [row.preview_file_id] : []));
    const previews = previewIds.length > 0 ? await db.deleteFrom('files').where('id', 'in', previewIds).returning('storage_key').execute() : [];
    for (const row of [...rows, ...previews]) await store.delete(row.storage_key);
    await store.sweepIncoming(olderThan);
    return { files: rows.length };
  }

  return { upload, claim, claimAll, read, open, remove, sweepUnclaimed };
}

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await openLocalFile(file, 'r');
  try {
    const buffer = Buffer.alloc(headLength);
    const { bytesRead } = await handle.read(buffer, 0, headLength, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
