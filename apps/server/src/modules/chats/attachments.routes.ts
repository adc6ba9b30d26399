import { Readable } from 'node:stream';
import { attachmentTypes, isAttachmentContentType } from '@parta/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../platform/db/index.ts';
import { contentDisposition, downloadName, parseRange } from '../../platform/files/index.ts';
import { notFound, pickLocale, type Identity } from '../../platform/http/index.ts';
import { requireSignedIn } from '../access/index.ts';
import type { UploadsService } from '../uploads/index.ts';
import { findAttachment } from './attachments.ts';
import { requireChatMember } from './chats.service.ts';

const noQuery = z.object({}).strict();
const ZAttachmentParams = z.object({ attachmentId: z.uuid() }).strict();

/** The Content-Type a stored file is served with: only the types attachments may have, never HTML or SVG. */
function servedContentType(contentType: string): string {
  if (contentType === 'text/plain') return 'text/plain; charset=utf-8';
  return isAttachmentContentType(contentType) ? contentType : 'application/octet-stream';
}

const extensionsOf = (contentType: string) => (isAttachmentContentType(contentType) ? attachmentTypes[contentType].extensions : []);

/**
 * The files of chat messages. Access is the message's: current members of its chat who joined
 * before it; for everyone else, and once the message is deleted, the file does not exist (404).
 */
export function registerAttachmentRoutes(app: FastifyInstance, deps: { db: Kysely<DB>; uploads: Pick<UploadsService, 'open'> }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['chats'];

  async function readableAttachment(identity: Identity | null, attachmentId: string) {
    requireSignedIn(identity);
    const attachment = await findAttachment(deps.db, attachmentId);
    if (!attachment || attachment.deleted_at) throw notFound();
    const { membership } = await requireChatMember(deps.db, identity, attachment.chat_id);
    if (attachment.seq <= membership.joinedSeq) throw notFound();
    return attachment;
  }

  /** Sends a stored file as a download, whole or the one byte range asked for (video seeking). */
  async function sendFile(request: FastifyRequest, reply: FastifyReply, fileId: string, name: string) {
    const file = await deps.uploads.open(fileId);
    if (!file) throw notFound();
    const etag = `"${file.sha256}"`;
    void reply.headers({
      'content-type': servedContentType(file.contentType),
      'content-disposition': contentDisposition('attachment', downloadName(name, extensionsOf(file.contentType))),
      'x-content-type-options': 'nosniff',
      // Never a document of this site, even if a browser were to render it.
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      // Kept by the browser, but asked again each time: access can end (a member removed, a message deleted).
      'cache-control': 'private, no-cache',
      etag,
      'accept-ranges': 'bytes',
    });
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
    const ifRange = request.headers['if-range'];
    // A range of a file that changed since the client's copy would mix two versions: send it whole.
    const range = ifRange && ifRange !== etag ? null : parseRange(request.headers.range, file.size);
    if (range === 'unsatisfiable') {
      const locale = pickLocale(request.headers['accept-language']);
      return reply
        .code(416)
        .headers({ 'content-range': `bytes */${file.size}`, 'content-type': 'application/json; charset=utf-8' })
        .removeHeader('content-disposition')
        .send({ error: { code: 'validation_failed', message: locale === 'ru' ? 'Запрошенная часть файла лежит за его концом.' : 'The requested range lies past the end of the file.', fields: { 'headers.range': 'bytes */' + file.size } } });
    }
    const body = () => (request.method === 'HEAD' ? Readable.from([]) : file.stream(range ?? undefined));
    if (range) {
      return reply
        .code(206)
        .headers({ 'content-range': `bytes ${range.start}-${range.end}/${file.size}`, 'content-length': String(range.end - range.start + 1) })
        .send(body());
    }
    return reply.code(200).header('content-length', String(file.size)).send(body());
  }

  r.get(
    '/api/attachments/:attachmentId',
    {
      schema: {
        summary: 'An attachment of a chat message: the file, as a download (members who can see the message; Range requests answered with 206)',
        tags,
        params: ZAttachmentParams,
        querystring: noQuery,
      },
    },
    async (request, reply) => {
      const attachment = await readableAttachment(request.identity, request.params.attachmentId);
      return sendFile(request, reply, attachment.file_id, attachment.name);
    },
  );

  r.get(
    '/api/attachments/:attachmentId/preview',
    {
      schema: {
        summary: 'The preview of an image attachment: a WebP at most 640 px on its long side, without metadata',
        tags,
        params: ZAttachmentParams,
        querystring: noQuery,
      },
    },
    async (request, reply) => {
      const attachment = await readableAttachment(request.identity, request.params.attachmentId);
      if (!attachment.preview_file_id) throw notFound();
      const stem = attachment.name.replace(/\.[^.]*$/, '') || 'preview';
      return sendFile(request, reply, attachment.preview_file_id, `${stem}.webp`);
    },
  );
}
