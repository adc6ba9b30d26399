import { attachmentTypes, isAttachmentContentType, type TAttachment } from '@parta/contracts';
import type { TFunction } from 'i18next';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../platform/api';
import { describeError } from '../../platform/i18n/describe-error';
import { formatFileSize } from '../../platform/i18n/format';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { guessedKind, type AttachmentUpload } from './upload-store';

/** «PDF», «MP4»…: the format as people know it; the type itself when it is not one of ours. */
export function formatLabel(contentType: string): string {
  return isAttachmentContentType(contentType) ? attachmentTypes[contentType].label : contentType;
}

/** The box an image preview takes in a message: its proportions, at most this size. */
const previewBox = 320;

function previewSize(attachment: TAttachment): { width: number; height: number } | null {
  if (!attachment.width || !attachment.height) return null;
  const scale = Math.min(1, previewBox / attachment.width, previewBox / attachment.height);
  return { width: Math.max(1, Math.round(attachment.width * scale)), height: Math.max(1, Math.round(attachment.height * scale)) };
}

type MessageAttachmentsProps = { attachments: readonly TAttachment[]; onOpenImage: (attachment: TAttachment) => void };

/**
 * A message's files in their order: images as previews (their space reserved, so the list does
 * not jump when they load; a click opens the full image), video and audio with the browser's own
 * controls, anything else as a download link with its name, format and size.
 */
export function MessageAttachments({ attachments, onOpenImage }: MessageAttachmentsProps) {
  const { t, i18n } = useTranslation();
  if (attachments.length === 0) return null;
  const details = (attachment: TAttachment) => `${formatLabel(attachment.contentType)}, ${formatFileSize(attachment.size, i18n.language)}`;
  return (
    <ul className="attachments" aria-label={t('chats.attachments.label', { count: attachments.length })}>
      {attachments.map((attachment) => {
        switch (attachment.kind) {
          case 'image': {
            const size = previewSize(attachment);
            return (
              <li key={attachment.id} className="attachments__item attachments__item--image">
                <a
                  href={attachment.url}
                  className="attachment-image"
                  aria-label={t('chats.attachments.openImage', { name: attachment.name })}
                  onClick={(event) => {
                    event.preventDefault();
                    onOpenImage(attachment);
                  }}
                >
                  <img src={attachment.previewUrl ?? attachment.url} alt={attachment.name} {...(size ?? {})} decoding="async" />
                </a>
              </li>
            );
          }
          case 'video':
          case 'audio':
            return (
              <li key={attachment.id} className="attachments__item">
                <figure className="attachment-media">
                  {attachment.kind === 'video' ? (
                    <video className="attachment-media__video" controls preload="metadata" src={attachment.url} aria-label={attachment.name} />
                  ) : (
                    <audio className="attachment-media__audio" controls preload="metadata" src={attachment.url} aria-label={attachment.name} />
                  )}
                  <figcaption className="attachment-media__caption">
                    <a href={attachment.url} download={attachment.name}>
                      {attachment.name}
                    </a>{' '}
                    <span className="muted">({details(attachment)})</span>
                  </figcaption>
                </figure>
              </li>
            );
          case 'file':
            return (
              <li key={attachment.id} className="attachments__item">
                <a className="attachment-file" href={attachment.url} download={attachment.name}>
                  <span className="attachment-file__icon" aria-hidden="true">
                    📄
                  </span>
                  <span className="attachment-file__name">{attachment.name}</span> <span className="attachment-file__details">({details(attachment)})</span>
                  <span className="visually-hidden">, {t('chats.attachments.download')}</span>
                </a>
              </li>
            );
        }
      })}
    </ul>
  );
}

/** The full image in a dialog: Escape or «Закрыть» go back to the message. */
export function ImageViewer({ attachment, onClose }: { attachment: TAttachment; onClose: () => void }) {
  const { t } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title={attachment.name} onClose={onClose} initialFocusRef={closeRef}>
      <div className="image-viewer">
        <img className="image-viewer__image" src={attachment.url} alt={attachment.name} {...(attachment.width && attachment.height ? { width: attachment.width, height: attachment.height } : {})} />
        <div className="form__actions">
          <a className="button button--secondary" href={attachment.url} download={attachment.name}>
            {t('chats.attachments.download')}
          </a>
          <Button ref={closeRef} onClick={onClose}>
            {t('chats.attachments.close')}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

/** Why an upload failed, in words: the server's own for 413 (the limit) and 415 (what is accepted). */
export function describeUploadProblem(upload: AttachmentUpload, t: TFunction, language: string): string {
  const problem = upload.problem;
  if (!problem) return '';
  if (problem.kind === 'tooLarge') return t('chats.attachments.tooLarge', { max: formatFileSize(problem.maxBytes, language) });
  const { error } = problem;
  if (isApiError(error) && (error.status === 413 || error.status === 415 || error.status === 400) && error.message && !/^HTTP \d+$/.test(error.message)) return error.message;
  return describeError(error, t);
}

const kindIcons = { image: '🖼', video: '🎬', audio: '🎵', file: '📄' } as const;

type UploadListProps = {
  uploads: readonly AttachmentUpload[];
  /** In the composer: «Убрать» each file. */
  onRemove?: ((upload: AttachmentUpload) => void) | undefined;
  /** A pending message: its files wait to be sent with it. */
  isQueued?: boolean;
};

/**
 * Files on their way: each with its progress bar while it uploads, «загружен» when done (or
 * «ждёт отправки» in a pending message), and why it failed. Progress is not read out at every
 * step; the list's status line says when a file is done or failed.
 */
export function UploadList({ uploads, onRemove, isQueued = false }: UploadListProps) {
  const { t, i18n } = useTranslation();
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" aria-label={t('chats.attachments.uploadsLabel')}>
      {uploads.map((upload) => {
        const percent = upload.total > 0 ? Math.min(100, Math.round((upload.loaded / upload.total) * 100)) : 0;
        const size = formatFileSize(upload.size, i18n.language);
        return (
          <li key={upload.id} className={upload.status === 'failed' ? 'uploads__item uploads__item--failed' : 'uploads__item'} data-upload-status={upload.status}>
            <span className="uploads__icon" aria-hidden="true">
              {kindIcons[guessedKind(upload)]}
            </span>
            <span className="uploads__main">
              <span className="uploads__name">{upload.name}</span> <span className="uploads__size muted">({size})</span>
              {upload.status === 'uploading' && (
                <span className="uploads__progress">
                  <progress max={100} value={percent} aria-label={t('chats.attachments.progress', { name: upload.name })} />
                  <span className="uploads__percent" aria-hidden="true">
                    {t('chats.attachments.percent', { percent })}
                  </span>
                </span>
              )}
              {upload.status === 'uploaded' && <span className="uploads__state">{isQueued ? t('chats.attachments.queued') : t('chats.attachments.uploaded')}</span>}
              {upload.status === 'failed' && (
                <span className="uploads__error" role="alert">
                  {/* The name is beside it already; an announcement needs it. */}
                  <span className="visually-hidden">{upload.name}: </span>
                  {describeUploadProblem(upload, t, i18n.language)}
                </span>
              )}
            </span>
            {onRemove && (
              <Button variant="quiet" className="uploads__remove" aria-label={t('chats.attachments.remove', { name: upload.name })} onClick={() => onRemove(upload)}>
                <span aria-hidden="true">✕</span>
              </Button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
