import { attachmentContentTypes, attachmentTypes, maxAttachmentsPerMessage, type TChat, type TMessage, type TPersonRef } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { useMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { describeMessageBriefly } from './chat-labels';
import { UploadList } from './MessageAttachments';
import { quoteOf } from './MessageItem';
import { submitMessage } from './outbox';
import { removeUpload, startUpload, useUploads } from './upload-store';
import { useChatMembers } from './use-chat-queries';
import { useMessageActions } from './use-message-actions';
import { useTypingNotifier } from './use-typing';

/** Mirrors ZSendMessageRequest.text. */
const maxLength = 4000;
/** How many members the @ list shows at once. */
const maxCandidates = 8;

/** For the file picker: the types the server takes (it decides by the content, never by the name). */
export const attachmentAccept = [...attachmentContentTypes, ...Object.values(attachmentTypes).flatMap((type) => type.extensions.map((extension) => `.${extension}`))].join(',');

type MentionTrigger = { start: number; query: string };

/** An «@…» being typed just before the caret, at the start or after a space. */
export function findMentionTrigger(text: string, caret: number): MentionTrigger | null {
  const match = /(^|\s)@([\p{L}\p{N}_.-]{0,30})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

function matchesName(name: string, query: string): boolean {
  if (query === '') return true;
  const lower = name.toLocaleLowerCase();
  const needle = query.toLocaleLowerCase();
  return lower.startsWith(needle) || lower.split(/\s+/).some((word) => word.startsWith(needle));
}

type ComposerProps = {
  chat: TChat;
  replyTo: TMessage | null;
  editing: TMessage | null;
  /** «Срочно» is offered: to parents (who are not staff) of the chat's organization. */
  canMarkUrgent: boolean;
  onCancelReply: () => void;
  onCancelEdit: () => void;
  /** Up arrow in an empty composer: edit the person's last message (false when there is none). */
  onEditLast: () => boolean;
  onSent: () => void;
  ref?: Ref<HTMLTextAreaElement>;
};

/**
 * The message box: Enter sends, Shift+Enter starts a new line; a reply shows its quote, an edit
 * the message being changed. Files upload as soon as they are chosen («Прикрепить файл», or
 * pasted), each with its progress; «@» lists the chat's members to mention. Sending is optimistic
 * (the message appears at once as pending, and waits there for files still uploading). When the
 * person may not write here, the box is disabled and says why.
 */
export function Composer({ chat, replyTo, editing, canMarkUrgent, onCancelReply, onCancelEdit, onEditLast, onSent, ref }: ComposerProps) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const { edit } = useMessageActions(chat.id);
  const notifyTyping = useTypingNotifier(chat.id);
  const [text, setText] = useState('');
  const [draftIds, setDraftIds] = useState<readonly string[]>([]);
  const [tooMany, setTooMany] = useState(false);
  const [urgent, setUrgent] = useState(false);
  const [requiresAck, setRequiresAck] = useState(false);
  const [mentioned, setMentioned] = useState<readonly TPersonRef[]>([]);
  const [trigger, setTrigger] = useState<MentionTrigger | null>(null);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const textId = useId();
  const hintId = useId();
  const reasonId = useId();
  const listId = useId();
  const urgentHintId = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const caretAfterRender = useRef<number | null>(null);
  const editingId = editing?.id;
  const uploads = useUploads(draftIds);
  const isChannelPost = chat.kind === 'channel';

  // Starting an edit puts the message's text in the box; ending it empties the box.
  const editingText = editing?.text;
  const resetEdit = edit.reset;
  useEffect(() => {
    if (editingId !== undefined) setText(editingText ?? '');
    else setText('');
    resetEdit();
    // Only when another message starts or stops being edited: the text typed since is the person's.
  }, [editingId]);

  // Files chosen but never sent stop uploading when the chat is left.
  const draftsRef = useRef(draftIds);
  useEffect(() => {
    draftsRef.current = draftIds;
  }, [draftIds]);
  useEffect(
    () => () => {
      for (const id of draftsRef.current) removeUpload(queryClient, id);
    },
    [queryClient],
  );

  // The caret goes after an inserted mention once the new text is rendered.
  useLayoutEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null) return;
    caretAfterRender.current = null;
    textRef.current?.focus();
    textRef.current?.setSelectionRange(caret, caret);
  }, [text]);

  const isPickingMention = trigger !== null && trigger.start !== dismissedAt && !editing;
  const members = useChatMembers(chat.id, { enabled: isPickingMention });
  const candidates = useMemo(
    () => (isPickingMention && members.data ? members.data.members.map((member) => member.person).filter((person) => person.id !== me.id && matchesName(person.displayName, trigger.query)).slice(0, maxCandidates) : []),
    [isPickingMention, members.data, me.id, trigger],
  );
  const isListOpen = candidates.length > 0;
  const active = Math.min(activeIndex, Math.max(0, candidates.length - 1));

  const setRefs = (element: HTMLTextAreaElement | null) => {
    textRef.current = element;
    if (typeof ref === 'function') ref(element);
    else if (ref) ref.current = element;
  };

  const trimmed = text.trim();
  const sendable = uploads.filter((upload) => upload.status !== 'failed');
  const canSubmit = chat.canWrite && trimmed.length <= maxLength && !edit.isPending && (editing ? trimmed.length > 0 : trimmed.length > 0 || sendable.length > 0);

  const followCaret = (value: string, caret: number | null) => {
    const found = caret === null ? null : findMentionTrigger(value, caret);
    setTrigger(found);
    if (found?.start !== trigger?.start) setActiveIndex(0);
  };

  const chooseMention = (person: TPersonRef) => {
    if (!trigger) return;
    const caret = textRef.current?.selectionStart ?? text.length;
    const inserted = `@${person.displayName} `;
    setText(text.slice(0, trigger.start) + inserted + text.slice(caret));
    setMentioned((list) => (list.some((other) => other.id === person.id) ? list : [...list, person]));
    setTrigger(null);
    caretAfterRender.current = trigger.start + inserted.length;
  };

  const chooseFiles = (files: readonly File[]) => {
    const room = maxAttachmentsPerMessage - draftIds.length;
    setTooMany(files.length > room);
    const ids = files.slice(0, Math.max(0, room)).map((file) => startUpload(queryClient, file));
    if (ids.length > 0) setDraftIds((current) => [...current, ...ids]);
  };

  const removeDraft = (id: string) => {
    removeUpload(queryClient, id);
    setDraftIds((current) => current.filter((other) => other !== id));
    setTooMany(false);
    textRef.current?.focus();
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSubmit) return;
    if (editing) {
      if (trimmed === editing.text) return onCancelEdit();
      edit.mutate({ messageId: editing.id, text: trimmed }, { onSuccess: () => onCancelEdit() });
      return;
    }
    // Files that failed are left out (their error was shown); the others go, uploaded or not yet.
    for (const upload of uploads) if (upload.status === 'failed') removeUpload(queryClient, upload.id);
    const mentionIds = mentioned.filter((person) => trimmed.includes(`@${person.displayName}`)).map((person) => person.id);
    submitMessage(queryClient, {
      chatId: chat.id,
      text: trimmed,
      replyTo: replyTo ? quoteOf(replyTo, t) : null,
      attachmentIds: sendable.map((upload) => upload.id),
      mentionIds,
      urgent: canMarkUrgent && urgent,
      requiresAck: isChannelPost && requiresAck,
    });
    setText('');
    setDraftIds([]);
    setTooMany(false);
    setMentioned([]);
    setTrigger(null);
    setUrgent(false);
    setRequiresAck(false);
    onCancelReply();
    onSent();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isListOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveIndex((active + step + candidates.length) % candidates.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.nativeEvent.isComposing) {
        event.preventDefault();
        chooseMention(candidates[active]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(trigger?.start ?? null);
        return;
      }
    }
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

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (editing || !chat.canWrite) return;
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    chooseFiles(files);
  };

  const reason = chat.canWrite ? null : chat.onlyAdminsWrite ? t('chats.composer.onlyAdmins') : t('chats.composer.cannotWrite');
  const describedBy = [hintId, reason ? reasonId : undefined].filter(Boolean).join(' ');
  const optionId = (index: number) => `${listId}-option-${index}`;

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
      {!editing && <UploadList uploads={uploads} onRemove={(upload) => removeDraft(upload.id)} />}
      {tooMany && (
        <p className="composer__problem" role="alert">
          {t('chats.attachments.tooMany', { count: maxAttachmentsPerMessage })}
        </p>
      )}
      {isListOpen && (
        <ul id={listId} className="mention-picker" role="listbox" aria-label={t('chats.mentions.label')}>
          {candidates.map((person, index) => (
            <li
              key={person.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'mention-picker__option mention-picker__option--active' : 'mention-picker__option'}
              onMouseDown={(event) => {
                // Keeps the focus (and the caret) in the text box.
                event.preventDefault();
                chooseMention(person);
              }}
            >
              {person.displayName}
            </li>
          ))}
        </ul>
      )}
      <p className="visually-hidden" role="status">
        {isListOpen ? t('chats.mentions.found', { count: candidates.length }) : ''}
      </p>
      <div className="composer__row">
        {!editing && chat.canWrite && (
          <>
            <input
              ref={fileRef}
              type="file"
              multiple
              hidden
              tabIndex={-1}
              accept={attachmentAccept}
              onChange={(event) => {
                chooseFiles(Array.from(event.target.files ?? []));
                // Choosing the same file again must upload it again.
                event.target.value = '';
              }}
            />
            <Button variant="secondary" className="composer__attach" aria-label={t('chats.attachments.attach')} title={t('chats.attachments.attach')} onClick={() => fileRef.current?.click()}>
              <span aria-hidden="true">📎</span>
            </Button>
          </>
        )}
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
          aria-autocomplete="list"
          aria-controls={isListOpen ? listId : undefined}
          aria-activedescendant={isListOpen ? optionId(active) : undefined}
          onChange={(event) => {
            setText(event.target.value);
            followCaret(event.target.value, event.target.selectionStart);
            if (event.target.value.trim() !== '' && !editing) notifyTyping();
          }}
          onSelect={(event) => followCaret(event.currentTarget.value, event.currentTarget.selectionStart)}
          onBlur={() => setTrigger(null)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <Button type="submit" disabled={!canSubmit}>
          {editing ? t('chats.composer.save') : t('chats.composer.send')}
        </Button>
      </div>
      {!editing && chat.canWrite && (canMarkUrgent || isChannelPost) && (
        <div className="composer__options">
          {canMarkUrgent && (
            <>
              <label className="composer__option" title={t('chats.composer.urgentHint')}>
                <input type="checkbox" checked={urgent} onChange={(event) => setUrgent(event.target.checked)} aria-describedby={urgentHintId} />
                <span>{t('chats.composer.urgent')}</span>
              </label>
              <span id={urgentHintId} className="visually-hidden">
                {t('chats.composer.urgentHint')}
              </span>
            </>
          )}
          {isChannelPost && (
            <label className="composer__option">
              <input type="checkbox" checked={requiresAck} onChange={(event) => setRequiresAck(event.target.checked)} />
              <span>{t('chats.composer.requiresAck')}</span>
            </label>
          )}
        </div>
      )}
      <p id={hintId} className="visually-hidden">
        {t('chats.composer.hint')}
      </p>
    </form>
  );
}
