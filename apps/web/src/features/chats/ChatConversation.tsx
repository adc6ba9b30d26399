import type { TChat, TMessage } from '@parta/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../platform/session/use-me';
import { chatMessagesQueryKey } from './chats-api';
import { Composer } from './Composer';
import { messagesOldestFirst, type MessagePages } from './message-pages';
import { MessageList, type MessageListHandle } from './MessageList';

type ChatConversationProps = {
  chat: TChat;
  /** «Срочно» is offered (parents who are not staff of the chat's organization). */
  canMarkUrgent: boolean;
  /** To move in the history from outside (the pinned message, search results). */
  listRef?: Ref<MessageListHandle>;
  /** Where the composer's text box goes (focused when the conversation is opened somewhere). */
  composerRef?: Ref<HTMLTextAreaElement>;
};

/**
 * A chat's history with the message box under it, replies and edits between them: the chat page
 * shows it, and the call window beside the video.
 */
export function ChatConversation({ chat, canMarkUrgent, listRef, composerRef }: ChatConversationProps) {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const [replyTo, setReplyTo] = useState<TMessage | null>(null);
  const [editing, setEditing] = useState<TMessage | null>(null);
  const ownListRef = useRef<MessageListHandle>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const isChannel = chat.kind === 'channel';

  const setListRef = useCallback(
    (handle: MessageListHandle | null) => {
      ownListRef.current = handle;
      assignRef(listRef, handle);
    },
    [listRef],
  );
  const setTextRef = useCallback(
    (element: HTMLTextAreaElement | null) => {
      textRef.current = element;
      assignRef(composerRef, element);
    },
    [composerRef],
  );

  // Stable, so the memoised messages do not re-render for them.
  const reply = useCallback((message: TMessage) => {
    setEditing(null);
    setReplyTo(message);
    textRef.current?.focus();
  }, []);
  const edit = useCallback((message: TMessage) => {
    setReplyTo(null);
    setEditing(message);
    textRef.current?.focus();
  }, []);
  const editLast = () => {
    const messages = messagesOldestFirst(queryClient.getQueryData<MessagePages>(chatMessagesQueryKey(chat.id)));
    const last = messages.findLast((message) => message.author?.id === me.id && message.kind === 'text' && message.deletedAt === null && message.text !== '' && !message.forwardedFrom);
    if (!last || !chat.canWrite) return false;
    edit(last);
    return true;
  };

  return (
    <div className="chat__conversation">
      <MessageList ref={setListRef} chat={chat} meId={me.id} onReply={reply} onEdit={edit} />
      {isChannel && !chat.canWrite ? (
        <p className="chat__read-only">{t('chats.channel.readOnly')}</p>
      ) : (
        <Composer
          ref={setTextRef}
          chat={chat}
          replyTo={replyTo}
          editing={editing}
          canMarkUrgent={canMarkUrgent}
          onCancelReply={() => setReplyTo(null)}
          onCancelEdit={() => setEditing(null)}
          onEditLast={editLast}
          onSent={() => ownListRef.current?.scrollToEnd()}
        />
      )}
    </div>
  );
}

function assignRef<T>(ref: Ref<T> | undefined, value: T | null) {
  if (typeof ref === 'function') ref(value);
  else if (ref) ref.current = value;
}
