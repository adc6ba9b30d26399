import { z } from 'zod';

// Attachments of chat messages: files, images with previews made by the server, video and audio
// (issue 4; docs/subsystems/attachments.md). A file is uploaded first (`POST /api/uploads?purpose=
// chat_attachment`), which answers with a token; the message is then sent with the tokens.

export const attachmentKinds = ['image', 'video', 'audio', 'file'] as const;
export const ZAttachmentKind = z.enum(attachmentKinds);
export type TAttachmentKind = z.infer<typeof ZAttachmentKind>;

const megabytes = (n: number) => n * 1024 * 1024;

/**
 * The largest file of each kind. Video is large because phones record it so; everything is
 * streamed to disk while it arrives, never held in memory whole.
 */
export const attachmentMaxBytes: Record<TAttachmentKind, number> = {
  image: megabytes(20),
  video: megabytes(200),
  audio: megabytes(50),
  file: megabytes(50),
};

/** An image larger than this many pixels is refused (it would take too much memory to decode). */
export const attachmentMaxImagePixels = 60_000_000;

/** How many files one message carries at most. */
export const maxAttachmentsPerMessage = 10;

/**
 * The types a chat attachment may have, decided by the file's content (never by its name, with
 * one exception: plain text has no signature, so only a `.txt` file whose content is valid UTF-8
 * is taken as text). `label` is how people know the format; `extensions` are the names it goes
 * by, the first one added to a downloaded file whose name does not end in one of them.
 */
export const attachmentTypes = {
  'image/jpeg': { kind: 'image', label: 'JPEG', extensions: ['jpg', 'jpeg'] },
  'image/png': { kind: 'image', label: 'PNG', extensions: ['png'] },
  'image/gif': { kind: 'image', label: 'GIF', extensions: ['gif'] },
  'image/webp': { kind: 'image', label: 'WebP', extensions: ['webp'] },
  'video/mp4': { kind: 'video', label: 'MP4', extensions: ['mp4', 'm4v'] },
  'video/quicktime': { kind: 'video', label: 'MOV', extensions: ['mov'] },
  'video/webm': { kind: 'video', label: 'WebM', extensions: ['webm'] },
  'audio/mpeg': { kind: 'audio', label: 'MP3', extensions: ['mp3'] },
  'audio/ogg': { kind: 'audio', label: 'OGG', extensions: ['ogg', 'oga', 'opus'] },
  'audio/mp4': { kind: 'audio', label: 'M4A', extensions: ['m4a'] },
  'application/pdf': { kind: 'file', label: 'PDF', extensions: ['pdf'] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'file', label: 'DOCX', extensions: ['docx'] },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'file', label: 'XLSX', extensions: ['xlsx'] },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'file', label: 'PPTX', extensions: ['pptx'] },
  'text/plain': { kind: 'file', label: 'TXT', extensions: ['txt'] },
} as const satisfies Record<string, { kind: TAttachmentKind; label: string; extensions: readonly string[] }>;
export type TAttachmentContentType = keyof typeof attachmentTypes;
export const attachmentContentTypes = Object.keys(attachmentTypes) as TAttachmentContentType[];

export const isAttachmentContentType = (contentType: string): contentType is TAttachmentContentType => Object.hasOwn(attachmentTypes, contentType);

/** The kind of a content type a chat accepts; `file` for anything else. */
export const attachmentKindOf = (contentType: string): TAttachmentKind => (isAttachmentContentType(contentType) ? attachmentTypes[contentType].kind : 'file');

export const ZAttachment = z
  .object({
    id: z.uuid(),
    kind: ZAttachmentKind,
    /** The file's name as its sender chose it. */
    name: z.string(),
    /** What the content is (decided by the server from the bytes). */
    contentType: z.string(),
    size: z.number().int(),
    /** Images only: the size in pixels, as shown (orientation applied). */
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    /** `GET` the file itself (members of the chat only; served as a download). */
    url: z.string(),
    /** Images: a WebP at most 640 px on its long side, without metadata; null for other kinds. */
    previewUrl: z.string().nullable(),
  })
  .meta({ id: 'Attachment' });
export type TAttachment = z.infer<typeof ZAttachment>;

/** The upload tokens a message is sent with (`attachmentTokens` of the send request), in the order they are shown. */
export const ZAttachmentTokens = z.array(z.string().min(20).max(200)).max(maxAttachmentsPerMessage);
export type TAttachmentTokens = z.infer<typeof ZAttachmentTokens>;
