import type { TChat, TMessage, TReactionEmoji } from '@parta/contracts';
import { memo, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatTimeOfDay } from '../../platform/i18n/format';
import { PersonName } from '../school/PersonName';
import { describeMessageBriefly, describeSystemEvent } from './chat-labels';
import { MessageActions } from './MessageActions';
import { MessageText } from './MessageText';
import { Reactions } from './Reactions';
import { ReadersButton } from './ReadersButton';
import { myReaction } from './use-message-actions';

export type MessageItemProps = {
  message: TMessage;
  chat: TChat;
  meId: string;
  rowKey: string;
  /** The one message reached by Tab (roving focus; arrows move between messages). */
  isTabbable: boolean;
  isHighlighted: boolean;
  isMenuOpen: boolean;
  onMenuOpenChange: (rowKey: string, isOpen: boolean) => void;
  onReply: (message: TMessage) => void;
  onEdit: (message: TMessage) => void;
  onDelete: (message: TMessage) => void;
  onReact: (message: TMessage, emoji: TReactionEmoji | null) => void;
  onJump: (seq: number) => void;
};

/**
 * One message: author, time, quote, text with markup, marks (изменено, удалено), reactions,
 * «прочитали N», actions. Memoised: scrolling re-renders the list, not the messages on screen.
 */
export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { message, chat, meId, rowKey, isTabbable, isHighlighted } = props;
  const { t, i18n } = useTranslation();
  const date = new Date(message.createdAt);
  const time = (
    <time className="message__time" dateTime={message.createdAt} title={formatDateTime(date, i18n.language)}>
      {formatTimeOfDay(date, i18n.language)}
    </time>
  );

  if (message.kind === 'system' && message.system) {
    return (
      <article className="message message--system" data-row-key={rowKey} tabIndex={isTabbable ? 0 : -1}>
        <p>
          {describeSystemEvent(message.system, t)} {time}
        </p>
      </article>
    );
  }

  const isMine = message.author?.id === meId;
  const isDeleted = message.deletedAt !== null;
  const isChatAdmin = chat.myRole === 'admin';
  const canReact = !isDeleted && chat.canWrite;
  const authorName = isMine ? t('chats.message.you') : (message.author?.displayName ?? '');
  const description = `${authorName}, ${formatTimeOfDay(date, i18n.language)}`;

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' || event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      props.onMenuOpenChange(rowKey, true);
    }
  };

  const classes = ['message', isMine ? 'message--mine' : undefined, isHighlighted ? 'message--highlighted' : undefined].filter(Boolean).join(' ');
  return (
    <article className={classes} data-row-key={rowKey} tabIndex={isTabbable ? 0 : -1} onKeyDown={onKeyDown} aria-keyshortcuts="Enter">
      <header className="message__meta">
        <span className="message__author">{isMine || !message.author ? authorName : <PersonName person={message.author} />}</span> {time}
        {message.editedAt !== null && !isDeleted && <span className="message__edited"> · {t('chats.message.edited')}</span>}
      </header>
      {message.replyTo && (
        <button type="button" className="message__quote" onClick={() => props.onJump(message.replyTo!.seq)}>
          {/* The spaces stand outside the spans: some name computations trim inside them. */}
          <span className="visually-hidden">{t('chats.message.replyTo')}</span> <span className="message__quote-author">{message.replyTo.author?.displayName ?? ''}</span>{' '}
          <span className="message__quote-text">{message.replyTo.deleted ? t('chats.message.deleted') : message.replyTo.text}</span>
        </button>
      )}
      {isDeleted ? <p className="message__deleted">{t('chats.message.deleted')}</p> : <p className="message__body"><MessageText text={message.text} /></p>}
      <Reactions message={message} meId={meId} onReact={(emoji) => props.onReact(message, emoji)} />
      {isMine && message.readCount > 0 && !isDeleted && <ReadersButton message={message} />}
      {!isDeleted && (
        <MessageActions
          isOpen={props.isMenuOpen}
          onOpenChange={(isOpen) => props.onMenuOpenChange(rowKey, isOpen)}
          myReaction={myReaction(message, meId)}
          description={description}
          onReply={chat.canWrite ? () => props.onReply(message) : undefined}
          onEdit={isMine && chat.canWrite ? () => props.onEdit(message) : undefined}
          onDelete={isMine || isChatAdmin ? () => props.onDelete(message) : undefined}
          onCopy={() => void navigator.clipboard?.writeText(message.text).catch(() => undefined)}
          onReact={canReact ? (emoji) => props.onReact(message, emoji) : undefined}
        />
      )}
    </article>
  );
});

/** A message in one line for a reply's preview in the composer. */
export function quoteOf(message: TMessage, t: Parameters<typeof describeMessageBriefly>[1]) {
  return { id: message.id, seq: message.seq, author: message.author, text: describeMessageBriefly(message, t).slice(0, 200), deleted: message.deletedAt !== null };
}
