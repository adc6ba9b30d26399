import { attachmentKindOf, maxAttachmentsPerMessage, type TAttachment, type TAttachmentKind } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { DB, Tx } from '../../platform/db/index.ts';
import { invalidField } from '../../platform/http/index.ts';
import type { UploadsService } from '../uploads/index.ts';

/**
 * Attachments of chat messages (docs/subsystems/attachments.md): files uploaded beforehand
 * (`POST /api/uploads?purpose=chat_attachment`) and claimed by the message they are sent with.
 * Images were already checked, cleaned of metadata and given a preview when they were uploaded,
 * so claiming is quick inside the send transaction (which holds the chat's row lock).
 */

type Executor = Kysely<DB> | Transaction<DB>;

export type AttachmentDeps = { uploads: Pick<UploadsService, 'claimAll' | 'remove'> };

/** The send request's field the tokens come in: errors name it. */
const tokensField = 'attachmentTokens';

export const attachmentUrl = (attachmentId: string) => `/api/attachments/${attachmentId}`;
export const attachmentPreviewUrl = (attachmentId: string) => `/api/attachments/${attachmentId}/preview`;

type AttachmentRow = {
  id: string;
  kind: TAttachmentKind;
  name: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  previewFileId: string | null;
};

function toAttachment(row: AttachmentRow): TAttachment {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
    url: attachmentUrl(row.id),
    previewUrl: row.previewFileId ? attachmentPreviewUrl(row.id) : null,
  };
}

/**
 * Inside the send transaction, after the message row is inserted: claims the uploads the tokens
 * name — only the sender's own chat attachments not claimed yet, at most 10 — and attaches them
 * to the message in the tokens' order (a token given twice counts once). Fails with 400 on
 * `attachmentTokens` otherwise, and the whole send rolls back.
 */
export async function claimAttachments(tx: Tx, deps: AttachmentDeps, input: { userId: string; messageId: string; uploadTokens: readonly string[] }): Promise<TAttachment[]> {
  if (input.uploadTokens.length === 0) return [];
  if (input.uploadTokens.length > maxAttachmentsPerMessage) {
    throw invalidField(tokensField, { ru: `не больше ${maxAttachmentsPerMessage} файлов в одном сообщении`, en: `at most ${maxAttachmentsPerMessage} files in one message` });
  }
  const files = await deps.uploads.claimAll(tx.db, { purpose: 'chat_attachment', tokens: input.uploadTokens, userId: input.userId, field: tokensField });
  const rows = await tx.db
    .insertInto('message_attachments')
    .values(files.map((file, position) => ({ message_id: input.messageId, file_id: file.id, position, kind: attachmentKindOf(file.contentType) })))
    .returning(['id', 'file_id', 'kind'])
    .execute();
  return files.map((file) => {
    const row = rows.find((item) => item.file_id === file.id)!;
    return toAttachment({ ...file, id: row.id, kind: row.kind });
  });
}

/**
 * The attachments of messages, in one query: every id asked for is in the map (with [] when it
 * has none). A message deleted for everyone has none any more.
 */
export async function attachmentsOf(db: Executor, messageIds: readonly string[]): Promise<Map<string, TAttachment[]>> {
  const result = new Map<string, TAttachment[]>(messageIds.map((id) => [id, []]));
  if (messageIds.length === 0) return result;
  const rows = await db
    .selectFrom('message_attachments as a')
    .innerJoin('messages as m', 'm.id', 'a.message_id')
    .innerJoin('files as f', 'f.id', 'a.file_id')
    .select(['a.id', 'a.message_id', 'a.kind', 'f.name', 'f.content_type', 'f.size', 'f.width', 'f.height', 'f.preview_file_id'])
    .where('a.message_id', 'in', [...new Set(messageIds)])
    .where('m.deleted_at', 'is', null)
    .orderBy('a.message_id')
    .orderBy('a.position')
    .execute();
  for (const row of rows) {
    result.get(row.message_id)?.push(
      toAttachment({ id: row.id, kind: row.kind, name: row.name, contentType: row.content_type, size: Number(row.size), width: row.width, height: row.height, previewFileId: row.preview_file_id }),
    );
  }
  return result;
}

/**
 * Inside the transaction that deletes messages for everyone, if the files should go with them:
 * removes their attachments and files; the bytes are deleted once the transaction commits.
 * (Without it, a deleted message's attachments are merely no longer served.)
 */
export async function removeAttachmentsOf(tx: Tx, deps: AttachmentDeps, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const rows = await tx.db.deleteFrom('message_attachments').where('message_id', 'in', [...messageIds]).returning('file_id').execute();
  await deps.uploads.remove(
    tx,
    rows.map((row) => row.file_id),
  );
}

/** One attachment with what deciding access needs: its message's chat, place and state. */
export async function findAttachment(db: Executor, attachmentId: string) {
  const row = await db
    .selectFrom('message_attachments as a')
    .innerJoin('messages as m', 'm.id', 'a.message_id')
    .innerJoin('files as f', 'f.id', 'a.file_id')
    .select(['a.id', 'a.file_id', 'a.kind', 'm.chat_id', 'm.seq', 'm.deleted_at', 'f.name', 'f.content_type', 'f.preview_file_id'])
    .where('a.id', '=', attachmentId)
    .executeTakeFirst();
  return row && { ...row, seq: Number(row.seq) };
}
