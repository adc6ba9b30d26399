import type { TEditMessageRequest, TListMessagesQuery, TMessage, TPersonRef, TReactionEmoji, TSearchMessagesQuery, TSearchMessagesResponse, TSendMessageRequest } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { conflict, forbidden, invalidField, notFound, rateLimited, type Identity } from '../../platform/http/index.ts';
import type { EventBus, EventLog } from '../../platform/realtime/index.ts';
import * as repository from './chats.repository.ts';
import { requireChatAdmin, requireChatMember } from './chats.service.ts';
import { requireSignedIn } from '../access/index.ts';
import { chatFor, loadMessage, toMessage, toMessages } from './views.ts';

export type MessagesService = ReturnType<typeof createMessagesService>;

/** How many messages one person may send in a window (all chats together): enough to talk, too few to flood. */
export type SendLimit = { messages: number; windowMs: number };
export const defaultSendLimit: SendLimit = { messages: 30, windowMs: 10_000 };

/** Typing signals from one person in one chat are passed on at most this often. */
const typingIntervalMs = 2_000;

/** PostgreSQL's unique_violation: two copies of one send raced, and the other one won. */
const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

const onlyAdminsWrite = { ru: 'В этом чате пишут только администраторы.', en: 'Only administrators write in this chat.' };

export function createMessagesService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog; bus: EventBus; sendLimit?: SendLimit }) {
  const { db, clock, eventLog, bus } = deps;
  const sendLimit = deps.sendLimit ?? defaultSendLimit;
  const recentSends = new Map<string, number[]>();
  const lastTyping = new Map<string, number>();

  /** Sliding window per person; a retry of a stored message is never counted (it returns before this). */
  function takeSendSlot(userId: string) {
    const now = clock.now().getTime();
    const times = (recentSends.get(userId) ?? []).filter((at) => at > now - sendLimit.windowMs);
    if (times.length >= sendLimit.messages) throw rateLimited(Math.max(1, Math.ceil((times[0]! + sendLimit.windowMs - now) / 1000)));
    times.push(now);
    recentSends.set(userId, times);
    if (recentSends.size > 10_000) for (const [key, list] of recentSends) if (list.every((at) => at <= now - sendLimit.windowMs)) recentSends.delete(key);
  }

  /** A message of the chat the member can see (not from before they joined). */
  async function visibleMessage(chatId: string, messageId: string, joinedSeq: number) {
    const row = await repository.findMessage(db, messageId);
    if (!row || row.chat_id !== chatId || row.seq <= joinedSeq) throw notFound();
    return row;
  }

  async function announceUpdate(tx: Tx, chatId: string, messageId: string): Promise<TMessage> {
    const message = await loadMessage(tx.db, messageId);
    await eventLog.append(tx, await repository.activeMemberIds(tx.db, chatId), 'message.updated', { message });
    return message;
  }

  /** Moves the reader's position and tells their devices and the authors whose messages they read. */
  async function advanceRead(tx: Tx, chatId: string, userId: string, toSeq: number) {
    const fromSeq = await repository.advanceRead(tx.db, chatId, userId, toSeq);
    if (fromSeq === null) return;
    const authors = await repository.authorsBetween(tx.db, chatId, fromSeq, toSeq, userId);
    await eventLog.append(tx, [userId, ...authors], 'chat.read', { chatId, userId, fromSeq, toSeq });
  }

  async function listMessages(identity: Identity | null, chatId: string, query: TListMessagesQuery): Promise<TMessage[]> {
    const { membership } = await requireChatMember(db, identity, chatId);
    const rows = await repository.listMessages(db, { chatId, joinedSeq: membership.joinedSeq, beforeSeq: query.beforeSeq, afterSeq: query.afterSeq, limit: query.limit ?? 50 });
    return toMessages(db, chatId, rows);
  }

  /**
   * Sends once: the client's id makes a retried send (after a timeout, a reconnect, or a server
   * that died between commit and reply) return the message already stored, not a second one.
   */
  async function send(identity: Identity | null, chatId: string, input: TSendMessageRequest): Promise<{ message: TMessage; created: boolean }> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    const replay = async () => {
      const existing = await repository.findByClientId(db, person.userId, input.clientId);
      if (!existing) return undefined;
      if (existing.chat_id !== chatId) throw conflict({ ru: 'Этот идентификатор сообщения уже использован в другом чате.', en: 'This message id was already used in another chat.' });
      return { message: (await toMessages(db, chatId, [existing]))[0]!, created: false };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    if (chat.only_admins_write && membership.role !== 'admin') throw forbidden(onlyAdminsWrite);
    const quoted = input.replyToId ? await repository.findMessage(db, input.replyToId) : undefined;
    if (input.replyToId && (!quoted || quoted.chat_id !== chatId || quoted.seq <= membership.joinedSeq)) {
      throw invalidField('replyToId', { ru: 'в этом чате нет такого сообщения', en: 'there is no such message in this chat' });
    }
    takeSendSlot(person.userId);
    const [me] = await repository.people(db, chat.organization_id, [person.userId]);
    const author: TPersonRef = { id: person.userId, displayName: me?.display_name ?? '', verifiedTeacher: Boolean(me?.verified) };
    const now = clock.now();
    try {
      const message = await transaction(db, async (tx) => {
        const seq = await repository.nextSeq(tx.db, chatId);
        const id = await repository.insertMessage(tx.db, { chatId, seq, authorId: person.userId, clientId: input.clientId, body: input.text, replyToId: input.replyToId ?? null, now });
        // Built here rather than read back: the send path is the hottest one.
        const created = toMessage(
          {
            id,
            chat_id: chatId,
            seq,
            kind: 'text',
            author_id: author.id,
            author_name: author.displayName,
            author_verified: author.verifiedTeacher,
            client_id: input.clientId,
            body: input.text,
            system: null,
            reply_to_id: quoted?.id ?? null,
            created_at: now,
            edited_at: null,
            deleted_at: null,
          },
          {
            reactions: new Map(),
            reads: new Map(),
            quotes: new Map(quoted ? [[quoted.id, { id: quoted.id, seq: quoted.seq, author: quoted.author_id ? { id: quoted.author_id, displayName: quoted.author_name ?? '', verifiedTeacher: quoted.author_verified } : null, text: quoted.deleted_at ? '' : quoted.body.slice(0, 200), deleted: quoted.deleted_at !== null }]] : []),
          },
        );
        await eventLog.append(tx, await repository.activeMemberIds(tx.db, chatId), 'message.created', { message: created });
        // The author has read everything up to their own message.
        await advanceRead(tx, chatId, person.userId, seq);
        return created;
      });
      return { message, created: true };
    } catch (error) {
      const raced = isUniqueViolation(error) ? await replay() : undefined;
      if (raced) return raced;
      throw error;
    }
  }

  async function edit(identity: Identity | null, chatId: string, messageId: string, input: TEditMessageRequest): Promise<TMessage> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    const row = await visibleMessage(chatId, messageId, membership.joinedSeq);
    if (row.author_id !== person.userId) throw forbidden({ ru: 'Изменить можно только своё сообщение.', en: 'You can edit only your own messages.' });
    if (row.deleted_at) throw conflict({ ru: 'Сообщение удалено.', en: 'The message was deleted.' });
    if (chat.only_admins_write && membership.role !== 'admin') throw forbidden(onlyAdminsWrite);
    if (row.body === input.text) return (await toMessages(db, chatId, [row]))[0]!;
    return transaction(db, async (tx) => {
      await repository.editMessage(tx.db, messageId, input.text, clock.now());
      return announceUpdate(tx, chatId, messageId);
    });
  }

  /** Deletes for everyone: the author, or a chat administrator (moderation). */
  async function remove(identity: Identity | null, chatId: string, messageId: string): Promise<TMessage> {
    const { person, membership } = await requireChatMember(db, identity, chatId);
    const row = await visibleMessage(chatId, messageId, membership.joinedSeq);
    if (row.kind === 'system') throw conflict({ ru: 'Служебное сообщение удалить нельзя.', en: 'A system message cannot be deleted.' });
    if (row.author_id !== person.userId) requireChatAdmin(membership);
    if (row.deleted_at) return (await toMessages(db, chatId, [row]))[0]!;
    return transaction(db, async (tx) => {
      await repository.deleteMessage(tx.db, messageId, person.userId, clock.now());
      return announceUpdate(tx, chatId, messageId);
    });
  }

  async function react(identity: Identity | null, chatId: string, messageId: string, emoji: TReactionEmoji | null): Promise<TMessage> {
    const { person, membership } = await requireChatMember(db, identity, chatId);
    const row = await visibleMessage(chatId, messageId, membership.joinedSeq);
    if (row.kind === 'system' || row.deleted_at) throw conflict({ ru: 'На это сообщение нельзя отреагировать.', en: 'You cannot react to this message.' });
    return transaction(db, async (tx) => {
      if (emoji) await repository.setReaction(tx.db, { messageId, userId: person.userId, emoji, now: clock.now() });
      else await repository.removeReaction(tx.db, messageId, person.userId);
      return announceUpdate(tx, chatId, messageId);
    });
  }

  async function markRead(identity: Identity | null, chatId: string, seq: number): Promise<void> {
    const { person, chat } = await requireChatMember(db, identity, chatId);
    const toSeq = Math.min(seq, chat.last_seq);
    await transaction(db, (tx) => advanceRead(tx, chatId, person.userId, toSeq));
  }

  /** «Прочитали N»: who has read it — for its author only. */
  async function readers(identity: Identity | null, chatId: string, messageId: string): Promise<TPersonRef[]> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    const row = await visibleMessage(chatId, messageId, membership.joinedSeq);
    if (row.author_id !== person.userId) throw forbidden({ ru: 'Кто прочитал сообщение, видит только его автор.', en: 'Only the author sees who has read a message.' });
    const rows = await repository.readersOf(db, chatId, row.seq, person.userId, chat.organization_id);
    return rows.map((reader) => ({ id: reader.id, displayName: reader.display_name, verifiedTeacher: Boolean(reader.verified) }));
  }

  /** Passes «печатает…» to the others in the chat; ephemeral, throttled, may drop. */
  async function typing(identity: Identity | null, chatId: string): Promise<void> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    if (chat.only_admins_write && membership.role !== 'admin') throw forbidden(onlyAdminsWrite);
    const key = `${person.userId}:${chatId}`;
    const now = clock.now().getTime();
    if ((lastTyping.get(key) ?? 0) > now - typingIntervalMs) return;
    lastTyping.set(key, now);
    if (lastTyping.size > 10_000) for (const [k, at] of lastTyping) if (at <= now - typingIntervalMs) lastTyping.delete(k);
    const [me] = await repository.people(db, chat.organization_id, [person.userId]);
    const others = (await repository.activeMemberIds(db, chatId)).filter((id) => id !== person.userId);
    await bus.publish([{ kind: 'signal', userIds: others, name: 'chat.typing', data: { chatId, user: { id: person.userId, displayName: me?.display_name ?? '', verifiedTeacher: Boolean(me?.verified) } } }]);
  }

  /** Full-text search in one chat or across all of one's chats (Russian morphology). */
  async function search(identity: Identity | null, query: TSearchMessagesQuery): Promise<TSearchMessagesResponse['results']> {
    const person = requireSignedIn(identity);
    if (query.chatId) await requireChatMember(db, identity, query.chatId);
    const rows = await repository.searchMessages(db, { userId: person.userId, query: query.q, chatId: query.chatId, limit: 50 });
    const chatIds = [...new Set(rows.map((row) => row.chat_id))];
    const byChat = new Map<string, { title: string; messages: Map<string, TMessage> }>();
    for (const chatId of chatIds) {
      const mine = rows.filter((row) => row.chat_id === chatId);
      const view = await chatFor(db, person.userId, chatId);
      byChat.set(chatId, { title: view?.title ?? mine[0]!.chat_title, messages: new Map((await toMessages(db, chatId, mine)).map((m) => [m.id, m])) });
    }
    return rows.map((row) => {
      const chat = byChat.get(row.chat_id)!;
      return { chatId: row.chat_id, chatTitle: chat.title, message: chat.messages.get(row.id)! };
    });
  }

  return { listMessages, send, edit, remove, react, markRead, readers, typing, search };
}
