import type { TAttachment, TChat, TMessage, TReactionEmoji, TSystemEvent } from '@parta/contracts';
import { memo, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime, formatTimeOfDay } from '../../platform/i18n/format';
import { Button } from '../../ui/Button';
import { PersonName } from '../school/PersonName';
import { describeMessageBriefly, describeSystemEvent, formatCallDuration } from './chat-labels';
import { MessageActions } from './MessageActions';
import { MessageAttachments } from './MessageAttachments';
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
  /** (Posts asking for it) the person has confirmed «прочитал и подтверждаю». */
  isAcknowledged: boolean;
  onMenuOpenChange: (rowKey: string, isOpen: boolean) => void;
  onReply: (message: TMessage) => void;
  onEdit: (message: TMessage) => void;
  onDelete: (message: TMessage) => void;
  onReact: (message: TMessage, emoji: TReactionEmoji | null) => void;
  onJump: (seq: number) => void;
  onForward: (message: TMessage) => void;
  onPin: (message: TMessage, pin: boolean) => void;
  onReport: (message: TMessage) => void;
  onAcknowledge: (message: TMessage) => void;
  onShowAcknowledgements: (message: TMessage) => void;
  onOpenImage: (attachment: TAttachment) => void;
};

/** Who may pin: the chat's administrators, and both people of a direct chat. */
export function canPinIn(chat: TChat): boolean {
  return chat.kind === 'direct' || chat.myRole === 'admin';
}

/**
 * One message: author, time, marks (срочно, переслано, изменено, удалено), quote, text with markup
 * and mentions, attachments, reactions, «прочитали N» (or a channel's «просмотры N»), the
 * confirmation of a post, actions. Memoised: scrolling re-renders the list, not the messages on screen.
 */
/** A lesson's attendance under its «Урок завершён» message: who came and for how long, who did not. */
function LessonAttendance({ attendance }: { attendance: NonNullable<NonNullable<TSystemEvent['lesson']>['attendance']> }) {
  const { t } = useTranslation();
  return (
    <details className="lesson-attendance">
      <summary>{t('lessons.attendance.show')}</summary>
      <ul>
        {attendance.map((row) => (
          <li key={row.person.id}>
            {row.person.displayName} — {row.joinedAt ? formatCallDuration(row.seconds, t) : t('lessons.attendance.absent')}
          </li>
        ))}
      </ul>
    </details>
  );
}

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
          {message.system.lesson && message.system.lesson.outcome !== 'ended' && (
            <>
              {' '}
              <Link to={`/lessons/${message.system.lesson.lessonId}`}>{t('lessons.open')}</Link>
            </>
          )}
          {message.system.broadcast && (message.system.broadcast.outcome === 'scheduled' || message.system.broadcast.outcome === 'started') && (
            <>
              {' '}
              <Link to={`/broadcasts/${message.system.broadcast.broadcastId}`}>{t('chats.system.broadcastOpen')}</Link>
            </>
          )}
        </p>
        {message.system.lesson?.attendance && <LessonAttendance attendance={message.system.lesson.attendance} />}
      </article>
    );
  }

  const isMine = message.author?.id === meId;
  const isDeleted = message.deletedAt !== null;
  const isChatAdmin = chat.myRole === 'admin';
  const isChannel = chat.kind === 'channel';
  // Reactions are for every member, also where only administrators write.
  const canReact = !isDeleted;
  const isPinned = chat.pinned?.id === message.id;
  const authorName = isMine ? t('chats.message.you') : (message.author?.displayName ?? '');
  const description = `${authorName}, ${formatTimeOfDay(date, i18n.language)}`;
  const acknowledgements = isDeleted ? null : message.acknowledgements;

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' || event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      props.onMenuOpenChange(rowKey, true);
    }
  };

  const classes = ['message', isMine ? 'message--mine' : undefined, message.urgent && !isDeleted ? 'message--urgent' : undefined, isHighlighted ? 'message--highlighted' : undefined].filter(Boolean).join(' ');
  return (
    <article className={classes} data-row-key={rowKey} tabIndex={isTabbable ? 0 : -1} onKeyDown={onKeyDown} aria-keyshortcuts="Enter">
      <header className="message__meta">
        <span className="message__author">{isMine || !message.author ? authorName : <PersonName person={message.author} />}</span> {time}
        {message.urgent && !isDeleted && (
          <>
            {' '}
            <span className="badge badge--urgent">{t('chats.message.urgent')}</span>
          </>
        )}
        {message.editedAt !== null && !isDeleted && <span className="message__edited"> · {t('chats.message.edited')}</span>}
      </header>
      {message.forwardedFrom && !isDeleted && (
        <p className="message__forwarded">
          <span aria-hidden="true">↪ </span>
          {t('chats.message.forwardedFrom', { name: message.forwardedFrom.author?.displayName ?? t('chats.message.unknownAuthor') })}
        </p>
      )}
      {message.replyTo && (
        <button type="button" className="message__quote" onClick={() => props.onJump(message.replyTo!.seq)}>
          {/* The spaces stand outside the spans: some name computations trim inside them. */}
          <span className="visually-hidden">{t('chats.message.replyTo')}</span> <span className="message__quote-author">{message.replyTo.author?.displayName ?? ''}</span>{' '}
          <span className="message__quote-text">{message.replyTo.deleted ? t('chats.message.deleted') : message.replyTo.text}</span>
        </button>
      )}
      {isDeleted ? (
        <p className="message__deleted">{t('chats.message.deleted')}</p>
      ) : (
        message.text !== '' && (
          <p className="message__body">
            <MessageText text={message.text} mentions={message.mentions} meId={meId} />
          </p>
        )
      )}
      {!isDeleted && <MessageAttachments attachments={message.attachments} onOpenImage={props.onOpenImage} />}
      <Reactions message={message} meId={meId} onReact={(emoji) => props.onReact(message, emoji)} />
      {acknowledgements && (
        <div className="message__ack">
          {!isMine &&
            (props.isAcknowledged ? (
              <p className="message__ack-done">
                <span aria-hidden="true">✓ </span>
                {t('chats.ack.done')}
              </p>
            ) : (
              <Button variant="secondary" className="message__ack-button" onClick={() => props.onAcknowledge(message)}>
                {t('chats.ack.confirm')}
              </Button>
            ))}
          {(isMine || isChatAdmin) && (
            <p className="message__ack-summary">
              <span>{t('chats.ack.count', { count: acknowledgements.count })}</span>{' '}
              <Button variant="quiet" className="message__ack-who" onClick={() => props.onShowAcknowledgements(message)}>
                {t('chats.ack.who')}
              </Button>
            </p>
          )}
        </div>
      )}
      {isChannel && isChatAdmin && !isDeleted && <p className="message__views">{t('chats.channel.views', { count: message.readCount })}</p>}
      {!isChannel && isMine && message.readCount > 0 && !isDeleted && <ReadersButton message={message} />}
      {!isDeleted && (
        <MessageActions
          isOpen={props.isMenuOpen}
          onOpenChange={(isOpen) => props.onMenuOpenChange(rowKey, isOpen)}
          myReaction={myReaction(message, meId)}
          description={description}
          onReply={chat.canWrite ? () => props.onReply(message) : undefined}
          onForward={message.text !== '' ? () => props.onForward(message) : undefined}
          onPin={canPinIn(chat) && !isPinned ? () => props.onPin(message, true) : undefined}
          onUnpin={canPinIn(chat) && isPinned ? () => props.onPin(message, false) : undefined}
          onEdit={isMine && chat.canWrite && message.text !== '' && !message.forwardedFrom ? () => props.onEdit(message) : undefined}
          onCopy={message.text !== '' ? () => void navigator.clipboard?.writeText(message.text).catch(() => undefined) : undefined}
          onReport={!isMine ? () => props.onReport(message) : undefined}
          onDelete={isMine || isChatAdmin ? () => props.onDelete(message) : undefined}
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
