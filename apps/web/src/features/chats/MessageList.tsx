import type { TAttachment, TChat, TMessage, TReactionEmoji } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { QueryStatus } from '../../ui/QueryStatus';
import { applyEventToHistory, receiveChat } from './chat-cache';
import { describeRefusal } from './chat-errors';
import { describeDay } from './chat-time';
import { acknowledgeMessage, pinMessage, unpinMessage } from './chats-api';
import { ImageViewer } from './MessageAttachments';
import { AcknowledgementsDialog, ForwardDialog, ReportDialog } from './MessageDialogs';
import { acknowledgedIds, messagesOldestFirst } from './message-pages';
import { buildMessageRows, type MessageRow } from './message-rows';
import { MessageItem } from './MessageItem';
import { usePendingMessages } from './outbox-store';
import { PendingItem } from './PendingItem';
import { useChatMessages } from './use-chat-queries';
import { useFillGap } from './use-fill-gap';
import { useMarkRead } from './use-mark-read';
import { useMessageActions } from './use-message-actions';

export type MessageListHandle = {
  /** To the newest message (after the person sends one, or «К новым сообщениям»). */
  scrollToEnd(): void;
  /** To a message by seq, loading older history until it is there (a reply's quote). */
  jumpTo(seq: number): void;
};

type MessageListProps = {
  chat: TChat;
  meId: string;
  onReply: (message: TMessage) => void;
  onEdit: (message: TMessage) => void;
  ref?: Ref<MessageListHandle>;
};

/** Near the top by this much, older history is loaded. */
const loadOlderWithinPx = 600;
const highlightMs = 2_000;

function estimateRowSize(row: MessageRow | undefined): number {
  if (row?.kind !== 'message' && row?.kind !== 'pending') return 40;
  const files = row.kind === 'message' ? row.message.attachments.length : (row.pending.attachmentIds?.length ?? 0);
  return 76 + (row.dayBefore ? 32 : 0) + files * 56;
}

const focusSteps: Partial<Record<string, 'previous' | 'next' | 'first' | 'last'>> = { ArrowUp: 'previous', ArrowDown: 'next', Home: 'first', End: 'last' };

const isMessageRow = (row: MessageRow | undefined) => row?.kind === 'message' || row?.kind === 'pending';

/**
 * The chat's history, virtualised (only what is on screen is in the DOM, so 100 000 messages
 * scroll as smoothly as 100). Anchored at the end: it opens at the newest message (or at
 * «Новые сообщения»), follows new ones while the person is at the end, and keeps its place when
 * older pages are added above. Messages are reached with Tab and moved between with the arrows.
 */
export function MessageList({ chat, meId, onReply, onEdit, ref }: MessageListProps) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const history = useChatMessages(chat.id);
  const pending = usePendingMessages(chat.id);
  const actions = useMessageActions(chat.id);
  // Where «Новые сообщения» goes: fixed when the chat opens, so reading does not move it.
  const [unreadAfterSeq] = useState(() => (chat.unreadCount > 0 ? chat.lastReadSeq : Number.POSITIVE_INFINITY));
  const messages = useMemo(() => messagesOldestFirst(history.data), [history.data]);
  const isHistoryComplete = history.data !== undefined && !history.hasNextPage;
  const rows = useMemo(() => buildMessageRows({ messages, pending, unreadAfterSeq, meId, isHistoryComplete }), [messages, pending, unreadAfterSeq, meId, isHistoryComplete]);
  useFillGap(chat, history.data);

  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable until the rows change: the virtualiser recomputes every position when these change.
  const getItemKey = useCallback((index: number) => rows[index]?.key ?? index, [rows]);
  const estimateSize = useCallback((index: number) => estimateRowSize(rows[index]), [rows]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 80,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();

  const [isAtEnd, setAtEnd] = useState(true);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [highlightKey, setHighlightKey] = useState<string | null>(null);
  const [menuKey, setMenuKey] = useState<string | null>(null);
  const [jumpSeq, setJumpSeq] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<TMessage | null>(null);
  const [dialog, setDialog] = useState<{ kind: 'forward' | 'report' | 'acks'; message: TMessage } | { kind: 'image'; attachment: TAttachment } | null>(null);
  const [notice, setNotice] = useState<{ text: string; link?: { to: string; label: string } } | null>(null);
  const acknowledged = useMemo(() => acknowledgedIds(history.data), [history.data]);

  const pin = useMutation({
    mutationFn: ({ message, isPinned }: { message: TMessage; isPinned: boolean }) => (isPinned ? pinMessage(chat.id, message.id) : unpinMessage(chat.id)),
    onSuccess: (updated) => receiveChat(queryClient, updated),
  });
  const acknowledge = useMutation({
    mutationFn: (message: TMessage) => acknowledgeMessage(chat.id, message.id),
    // Shown as confirmed at once; the event brings the count (to the administrators).
    onSuccess: (_answer, message) =>
      applyEventToHistory(queryClient, chat.id, { name: 'message.acknowledged', data: { chatId: chat.id, messageId: message.id, userId: meId, count: (message.acknowledgements?.count ?? 0) + 1 } }),
  });

  // Open at «Новые сообщения» when there are unread messages, else at the newest one.
  const hasPositioned = useRef(false);
  useLayoutEffect(() => {
    if (hasPositioned.current || !history.data) return;
    hasPositioned.current = true;
    const unreadIndex = rows.findIndex((row) => row.kind === 'message' && row.isFirstUnread);
    if (unreadIndex !== -1) virtualizer.scrollToIndex(unreadIndex, { align: 'start' });
    else virtualizer.scrollToEnd();
  }, [history.data, rows, virtualizer]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;
  const loadOlder = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    setAtEnd(element.scrollHeight - element.scrollTop - element.clientHeight < 80);
    if (hasPositioned.current && element.scrollTop < loadOlderWithinPx) loadOlder();
  };

  // History shorter than the screen cannot be scrolled up: load more until it fills it.
  const totalSize = virtualizer.getTotalSize();
  const viewportHeight = virtualizer.scrollRect?.height ?? 0;
  useEffect(() => {
    if (hasPositioned.current && viewportHeight > 0 && totalSize < viewportHeight) loadOlder();
  }, [totalSize, viewportHeight, loadOlder]);

  // A jump to a message not loaded yet brings older pages until it is there.
  const hasHistory = history.data !== undefined;
  useEffect(() => {
    if (jumpSeq === null || !hasHistory) return;
    const index = rows.findIndex((row) => row.kind === 'message' && row.message.seq === jumpSeq);
    if (index !== -1) {
      const key = rows[index]!.key;
      virtualizer.scrollToIndex(index, { align: 'center' });
      setActiveKey(key);
      setFocusKey(key);
      setHighlightKey(key);
      setJumpSeq(null);
    } else if (hasNextPage) {
      loadOlder();
    } else if (!isFetchingNextPage) {
      setJumpSeq(null);
    }
  }, [jumpSeq, hasHistory, rows, virtualizer, hasNextPage, isFetchingNextPage, loadOlder]);

  useEffect(() => {
    if (highlightKey === null) return;
    const timer = setTimeout(() => setHighlightKey(null), highlightMs);
    return () => clearTimeout(timer);
  }, [highlightKey]);

  // Focus follows the keyboard once the row is rendered (it may need a scroll first).
  useEffect(() => {
    if (focusKey === null) return;
    const element = [...(scrollRef.current?.querySelectorAll<HTMLElement>('[data-row-key]') ?? [])].find((candidate) => candidate.dataset.rowKey === focusKey);
    if (element) {
      element.focus({ preventScroll: true });
      setFocusKey(null);
    }
  });

  useImperativeHandle(ref, () => ({ scrollToEnd: () => virtualizer.scrollToEnd(), jumpTo: (seq) => setJumpSeq(seq) }), [virtualizer]);

  // The newest message on screen is what has been read.
  const range = virtualizer.range;
  let newestVisibleSeq = 0;
  if (range) {
    for (let index = range.startIndex; index <= range.endIndex; index += 1) {
      const row = rows[index];
      if (row?.kind === 'message') newestVisibleSeq = Math.max(newestVisibleSeq, row.message.seq);
    }
  }
  useMarkRead(chat, newestVisibleSeq);

  const renderedKeys = new Set(items.map((item) => String(item.key)));
  const lastRenderedMessage = [...items].reverse().find((item) => isMessageRow(rows[item.index]));
  const tabbableKey = activeKey !== null && renderedKeys.has(activeKey) ? activeKey : lastRenderedMessage ? String(lastRenderedMessage.key) : null;

  const moveFocus = (fromKey: string, step: 'previous' | 'next' | 'first' | 'last') => {
    const messageIndexes = rows.flatMap((row, index) => (isMessageRow(row) ? [index] : []));
    const at = messageIndexes.findIndex((index) => rows[index]!.key === fromKey);
    const target = { previous: messageIndexes[at - 1], next: messageIndexes[at + 1], first: messageIndexes[0], last: messageIndexes.at(-1) }[step];
    if (target === undefined) {
      if (step === 'previous') loadOlder();
      return;
    }
    const key = rows[target]!.key;
    virtualizer.scrollToIndex(target, { align: 'auto' });
    setActiveKey(key);
    setFocusKey(key);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const key = event.target instanceof HTMLElement && event.target.tagName === 'ARTICLE' ? event.target.dataset.rowKey : undefined;
    if (key === undefined) return;
    const step = focusSteps[event.key];
    if (!step) return;
    event.preventDefault();
    moveFocus(key, step);
  };

  const reactMutate = actions.react.mutate;
  const react = useCallback((message: TMessage, emoji: TReactionEmoji | null) => reactMutate({ messageId: message.id, emoji }), [reactMutate]);
  const changeMenu = useCallback((rowKey: string, isOpen: boolean) => setMenuKey(isOpen ? rowKey : null), []);
  const pinMutate = pin.mutate;
  const changePin = useCallback((message: TMessage, isPinned: boolean) => pinMutate({ message, isPinned }), [pinMutate]);
  const acknowledgeMutate = acknowledge.mutate;
  const confirm = useCallback((message: TMessage) => acknowledgeMutate(message), [acknowledgeMutate]);
  const forward = useCallback((message: TMessage) => setDialog({ kind: 'forward', message }), []);
  const report = useCallback((message: TMessage) => setDialog({ kind: 'report', message }), []);
  const showAcknowledgements = useCallback((message: TMessage) => setDialog({ kind: 'acks', message }), []);
  const openImage = useCallback((attachment: TAttachment) => setDialog({ kind: 'image', attachment }), []);
  const actionError = actions.react.error ?? actions.remove.error ?? pin.error ?? acknowledge.error;

  const daySeparator = (date: Date | null) => {
    if (!date) return null;
    const day = describeDay(date, i18n.language);
    return (
      <p className="message-list__separator">
        <span>{day.kind === 'date' ? day.text : t(day.kind === 'today' ? 'chats.days.today' : 'chats.days.yesterday')}</span>
      </p>
    );
  };

  const renderRow = (row: MessageRow) => {
    switch (row.kind) {
      case 'start':
        return (
          <p className="message-list__start muted">
            <span>{t('chats.history.start')}</span>
          </p>
        );
      case 'pending':
        return (
          <>
            {daySeparator(row.dayBefore)}
            <PendingItem pending={row.pending} rowKey={row.key} isTabbable={row.key === tabbableKey} />
          </>
        );
      case 'message':
        return (
          <>
            {daySeparator(row.dayBefore)}
            {row.isFirstUnread && (
              <p className="message-list__separator message-list__separator--unread">
                <span>{t('chats.unreadSeparator')}</span>
              </p>
            )}
            <MessageItem
            message={row.message}
            chat={chat}
            meId={meId}
            rowKey={row.key}
            isTabbable={row.key === tabbableKey}
            isHighlighted={row.key === highlightKey}
            isMenuOpen={row.key === menuKey}
            isAcknowledged={acknowledged.has(row.message.id)}
            onMenuOpenChange={changeMenu}
            onReply={onReply}
            onEdit={onEdit}
            onDelete={setDeleting}
            onReact={react}
            onJump={setJumpSeq}
            onForward={forward}
            onPin={changePin}
            onReport={report}
            onAcknowledge={confirm}
            onShowAcknowledgements={showAcknowledgements}
            onOpenImage={openImage}
            />
          </>
        );
    }
  };

  return (
    <div className="message-list">
      <QueryStatus query={history} />
      {hasNextPage && (
        // Scrolling up loads older messages by itself; this is the same for the keyboard (shown when focused).
        <Button variant="secondary" className="message-list__older" onClick={loadOlder} disabled={isFetchingNextPage}>
          {t('chats.history.loadOlder')}
        </Button>
      )}
      {isFetchingNextPage && (
        <p className="message-list__loading" role="status">
          {t('chats.history.loading')}
        </p>
      )}
      {actionError && <Alert>{actionError === pin.error ? describeRefusal(actionError, t) : describeErrorWithDetail(actionError, t)}</Alert>}
      {notice && (
        <p className="message-list__notice" role="status">
          {notice.text}
          {notice.link && (
            <>
              {' '}
              <Link to={notice.link.to}>{notice.link.label}</Link>
            </>
          )}{' '}
          <Button variant="quiet" className="message-list__notice-close" aria-label={t('chats.notice.close')} onClick={() => setNotice(null)}>
            <span aria-hidden="true">✕</span>
          </Button>
        </p>
      )}
      <div ref={scrollRef} className="message-list__scroll" role="region" aria-label={t('chats.messagesLabel')} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown}>
        <div className="message-list__canvas" style={{ height: totalSize }}>
          {items.map((item) => (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              className={item.key === menuKey ? 'message-list__row message-list__row--raised' : 'message-list__row'}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {renderRow(rows[item.index]!)}
            </div>
          ))}
        </div>
      </div>
      {!isAtEnd && (
        <Button variant="secondary" className="message-list__to-end" onClick={() => virtualizer.scrollToEnd({ behavior: 'smooth' })}>
          <span aria-hidden="true">↓ </span>
          {chat.unreadCount > 0 ? t('chats.toNewest', { count: chat.unreadCount }) : t('chats.toEnd')}
        </Button>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('chats.delete.title')}
          confirmLabel={t('chats.delete.confirm')}
          isDangerous
          isPending={actions.remove.isPending}
          pendingLabel={t('chats.delete.pending')}
          onConfirm={() => actions.remove.mutate(deleting.id, { onSettled: () => setDeleting(null) })}
          onCancel={() => setDeleting(null)}
        >
          <p>{t('chats.delete.text')}</p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'forward' && (
        <ForwardDialog
          message={dialog.message}
          fromChatId={chat.id}
          onClose={() => setDialog(null)}
          onForwarded={(target) => {
            setDialog(null);
            setNotice({ text: t('chats.forward.done', { title: target.title }), link: { to: `/chats/${target.id}`, label: t('chats.forward.open') } });
          }}
        />
      )}
      {dialog?.kind === 'report' && (
        <ReportDialog
          message={dialog.message}
          onClose={() => setDialog(null)}
          onReported={() => {
            setDialog(null);
            setNotice({ text: t('chats.report.done') });
          }}
        />
      )}
      {dialog?.kind === 'acks' && <AcknowledgementsDialog message={dialog.message} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'image' && <ImageViewer attachment={dialog.attachment} onClose={() => setDialog(null)} />}
    </div>
  );
}
