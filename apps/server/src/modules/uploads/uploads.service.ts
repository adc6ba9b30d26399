import { createHash, randomBytes } from 'node:crypto';
import { uploadRules, type TUploadPurpose, type TUploadResponse } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/index.ts';
import { sniffContentType, type FileStore } from '../../platform/files/index.ts';
import { AppError, invalidField } from '../../platform/http/index.ts';

export type UploadsService = ReturnType<typeof createUploadsService>;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A stored upload as the module that claims it sees it. */
export type ClaimedFile = { id: string; name: string; contentType: string; size: number };

export function createUploadsService(deps: { db: Kysely<DB>; store: FileStore; clock: Clock }) {
  const { db, store, clock } = deps;

  /** Checks the bytes against the purpose's rules, stores them, and returns a claim token. */
  async function upload(input: { purpose: TUploadPurpose; name: string; content: Uint8Array; userId: string | null }): Promise<TUploadResponse> {
    const rules = uploadRules[input.purpose];
    if (input.content.length === 0) throw invalidField('body', { ru: 'файл пуст', en: 'the file is empty' });
    if (input.content.length > rules.maxBytes) throw new AppError(413, 'payload_too_large');
    const contentType = sniffContentType(input.content);
    if (!contentType || !rules.contentTypes.includes(contentType)) throw new AppError(415, 'unsupported_media_type');
    const token = randomBytes(32).toString('base64url');
    const { key } = await store.put(input.content);
    try {
      await db
        .insertInto('files')
        .values({
          purpose: input.purpose,
          storage_key: key,
          name: input.name,
          content_type: contentType,
          size: input.content.length,
          sha256: createHash('sha256').update(input.content).digest('hex'),
          upload_token_hash: hashToken(token),
          uploaded_by: input.userId,
          created_at: clock.now(),
        })
        .execute();
    } catch (error) {
      await store.delete(key);
      throw error;
    }
    return { uploadToken: token, name: input.name, contentType, size: input.content.length };
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

  /** The bytes and description of a stored file; access is the caller's to check. */
  async function read(fileId: string) {
    const row = await db.selectFrom('files').select(['storage_key', 'name', 'content_type', 'size']).where('id', '=', fileId).executeTakeFirst();
    if (!row) return null;
    return { name: row.name, contentType: row.content_type, content: await store.get(row.storage_key) };
  }

  return { upload, claim, read };
}
