import type { TChat, TMessage } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { describeMessageBriefly } from './chat-labels';
import { quoteOf } from './MessageItem';
import { submitMessage } from './outbox';
import { useMessageActions } from './use-message-actions';
import { useTypingNotifier } from './use-typing';

/** Mirrors ZSendMessageRequest.text. */
const maxLength = 4000;

type ComposerProps = {
  chat: TChat;
  replyTo: TMessage | null;
  editing: TMessage | null;
  onCancelReply: () => void;
  onCancelEdit: () => void;
  /** Up arrow in an empty composer: edit the person's last message (false when there is none). */
  onEditLast: () => boolean;
  onSent: () => void;
  ref?: Ref<HTMLTextAreaElement>;
};

/**
 * The message box: Enter sends, Shift+Enter starts a new line; a reply shows its quote, an edit
 * the message being changed. Sending is optimistic (the message appears at once as pending). When
 * the person may not write here, the box is disabled and says why.
 */
export function Composer({ chat, replyTo, editing, onCancelReply, onCancelEdit, onEditLast, onSent, ref }: ComposerProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { edit } = useMessageActions(chat.id);
  const notifyTyping = useTypingNotifier(chat.id);
  const [text, setText] = useState('');
  const textId = useId();
  const hintId = useId();
  const reasonId = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const editingId = editing?.id;

  // Starting an edit puts the message's text in the box; ending it empties the box.
  const editingText = editing?.text;
  const resetEdit = edit.reset;
  useEffect(() => {
    if (editingId !== undefined) setText(editingText ?? '');
    else setText('');
    resetEdit();
    // Only when another message starts or stops being edited: the text typed since is the person's.
  }, [editingId]);

  const setRefs = (element: HTMLTextAreaElement | null) => {
    textRef.current = element;
    if (typeof ref === 'function') ref(element);
    else if (ref) ref.current = element;
  };

  const trimmed = text.trim();
  const canSubmit = chat.canWrite && trimmed.length > 0 && trimmed.length <= maxLength && !edit.isPending;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSubmit) return;
    if (editing) {
      if (trimmed === editing.text) return onCancelEdit();
      edit.mutate({ messageId: editing.id, text: trimmed }, { onSuccess: () => onCancelEdit() });
      return;
    }
    submitMessage(queryClient, { chatId: chat.id, text: trimmed, replyTo: replyTo ? quoteOf(replyTo, t) : null });
    setText('');
    onCancelReply();
    onSent();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'ArrowUp' && text === '' && !editing) {
      if (onEditLast()) event.preventDefault();
    } else if (event.key === 'Escape' && (editing || replyTo)) {
      event.preventDefault();
      if (editing) onCancelEdit();
      else onCancelReply();
    }
  };

  const reason = chat.canWrite ? null : chat.onlyAdminsWrite ? t('chats.composer.onlyAdmins') : t('chats.composer.cannotWrite');
  const describedBy = [hintId, reason ? reasonId : undefined].filter(Boolean).join(' ');

  return (
    <form className="composer" onSubmit={submit} noValidate>
      {replyTo && !editing && (
        <div className="composer__context">
          <p className="composer__context-text">
            <span className="composer__context-label">{t('chats.composer.replyingTo', { name: replyTo.author?.displayName ?? '' })}</span> <span className="muted">{describeMessageBriefly(replyTo, t).slice(0, 120)}</span>
          </p>
          <Button
            variant="quiet"
            onClick={() => {
              onCancelReply();
              textRef.current?.focus();
            }}
          >
            {t('chats.composer.cancelReply')}
          </Button>
        </div>
      )}
      {editing && (
        <div className="composer__context">
          <p className="composer__context-text">
            <span className="composer__context-label">{t('chats.composer.editing')}</span>
          </p>
          <Button
            variant="quiet"
            onClick={() => {
              onCancelEdit();
              textRef.current?.focus();
            }}
          >
            {t('chats.composer.cancelEdit')}
          </Button>
        </div>
      )}
      {edit.error && <Alert>{describeErrorWithDetail(edit.error, t)}</Alert>}
      {reason && (
        <p id={reasonId} className="composer__reason">
          {reason}
        </p>
      )}
      <div className="composer__row">
        <label htmlFor={textId} className="visually-hidden">
          {editing ? t('chats.composer.editLabel') : t('chats.composer.label')}
        </label>
        <textarea
          ref={setRefs}
          id={textId}
          className="composer__input"
          rows={1}
          value={text}
          maxLength={maxLength}
          disabled={!chat.canWrite}
          placeholder={chat.canWrite ? t('chats.composer.placeholder') : undefined}
          aria-describedby={describedBy}
          onChange={(event) => {
            setText(event.target.value);
            if (event.target.value.trim() !== '' && !editing) notifyTyping();
          }}
          onKeyDown={onKeyDown}
        />
        <Button type="submit" disabled={!canSubmit}>
          {editing ? t('chats.composer.save') : t('chats.composer.send')}
        </Button>
      </div>
      <p id={hintId} className="visually-hidden">
        {t('chats.composer.hint')}
      </p>
    </form>
  );
}
