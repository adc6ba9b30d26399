import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatTimeOfDay } from '../../platform/i18n/format';
import { Button } from '../../ui/Button';
import { UploadList } from './MessageAttachments';
import { MessageText } from './MessageText';
import { retryPending } from './outbox';
import { removePending, type PendingMessage } from './outbox-store';
import { forgetUploads, useUploads } from './upload-store';

const noIds: readonly string[] = [];

/**
 * The person's message before the server has it: «отправляется…» (its files uploading or waiting
 * to go with it), or «не отправлено» with «Повторить» and «Удалить».
 */
export function PendingItem({ pending, rowKey, isTabbable }: { pending: PendingMessage; rowKey: string; isTabbable: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const isFailed = pending.status === 'failed';
  const uploads = useUploads(pending.attachmentIds ?? noIds);
  const text = pending.forwardFrom ? pending.forwardFrom.text : pending.text;
  return (
    <article className={isFailed ? 'message message--mine message--failed' : 'message message--mine message--pending'} data-row-key={rowKey} data-client-id={pending.clientId} tabIndex={isTabbable ? 0 : -1}>
      <header className="message__meta">
        <span className="message__author">{t('chats.message.you')}</span> <span className="message__time">{formatTimeOfDay(new Date(pending.createdAt), i18n.language)}</span>
        {pending.urgent && (
          <>
            {' '}
            <span className="badge badge--urgent">{t('chats.message.urgent')}</span>
          </>
        )}
      </header>
      {pending.forwardFrom && (
        <p className="message__forwarded">
          <span aria-hidden="true">↪ </span>
          {t('chats.message.forwardedFrom', { name: pending.forwardFrom.author?.displayName ?? t('chats.message.unknownAuthor') })}
        </p>
      )}
      {pending.replyTo && (
        <p className="message__quote">
          <span className="visually-hidden">{t('chats.message.replyTo')}</span> <span className="message__quote-author">{pending.replyTo.author?.displayName ?? ''}</span>{' '}
          <span className="message__quote-text">{pending.replyTo.text}</span>
        </p>
      )}
      {text !== '' && (
        <p className="message__body">
          <MessageText text={text} />
        </p>
      )}
      <UploadList uploads={uploads} isQueued />
      {isFailed ? (
        <div className="message__failure" role="alert">
          <span className="message__failure-text">{t('chats.pending.failed')}</span>
          <Button variant="quiet" onClick={() => retryPending(queryClient, pending.clientId)}>
            {t('chats.pending.retry')}
          </Button>
          <Button
            variant="quiet"
            onClick={() => {
              removePending(queryClient, pending.chatId, pending.clientId);
              forgetUploads(queryClient, pending.attachmentIds ?? noIds);
            }}
          >
            {t('chats.pending.discard')}
          </Button>
        </div>
      ) : (
        <p className="message__status muted">
          <span aria-hidden="true">🕓 </span>
          {t('chats.pending.sending')}
        </p>
      )}
    </article>
  );
}
