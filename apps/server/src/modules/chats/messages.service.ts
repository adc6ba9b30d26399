import type {
  TAcknowledgementsResponse,
  TEditMessageRequest,
  TListMessagesQuery,
  TListMessagesResponse,
  TMessage,
  TPersonRef,
  TReactionEmoji,
  TSearchMessagesQuery,
  TSearchMessagesResponse,
  TSendMessageRequest,
  TSignalPayload,
} from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, transactionBatch, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, rateLimited, type Identity } from '../../platform/http/index.ts';
import { createKeyedBatcher, createMemoryRateLimiter, type RateLimiter } from '../../platform/limits/index.ts';
import type { EventBus, EventLog } from '../../platform/realtime/index.ts';
import { claimAttachments, removeAttachmentsOf, type AttachmentDeps } from './attachments.ts';
import * as repository from './chats.repository.ts';
import { requireChatAdmin, requireChatMember } from './chats.service.ts';
import { requireSignedIn, staffRoles } from '../access/index.ts';
import { chatFor, emptyContext, loadMessage, quoteOf, toMessage, toMessages } from './views.ts';

export type MessagesService = ReturnType<typeof createMessagesService>;

/** How many messages one person may send in a window (all chats together): enough to talk, too few to flood. */
export type SendLimit = { messages: number; windowMs: number };
export const defaultSendLimit: SendLimit = { messages: 30, windowMs: 10_000 };

/** The answer to a send when the node is over capacity: come back in a second (or to another node). */
export const sendsOverloaded = () => new AppError(503, 'unavailable', { retryAfterSeconds: 1 });

/**
 * Sends in progress on one node (from the request's first query to its answer) beyond which new
 * ones are refused at once with 503: about a second of work at the capacity measured on 2 cores
 * (docs/benchmarks.md, send-throughput). Past capacity, queueing longer only makes clients time
 * out and retry on top of the backlog, and the node does nothing useful any more.
 */
const defaultMaxSendsInProgress = 256;

/** The hour of a time in a time zone; one formatter per zone (making one costs ~0.4 ms). */
const hourFormats = new Map<string, Intl.DateTimeFormat>();
function hourFormat(timeZone: string): Intl.DateTimeFormat {
  let format = hourFormats.get(timeZone);
  if (!format) hourFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone })));
  return format;
}

/** Typing signals from one person in one chat are passed on at most this often. */
const typingIntervalMs = 2_000;

/** PostgreSQL's unique_violation: two copies of one send raced, and the other one won. */
const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

const onlyAdminsWrite = { ru: 'В этом чате пишут только администраторы.', en: 'Only administrators write in this chat.' };

export function createMessagesService(deps: {
  db: Kysely<DB>;
  clock: Clock;
  eventLog: EventLog;
  bus: EventBus;
  uploads: AttachmentDeps['uploads'];
  sendLimit?: SendLimit;
  /** Shared by all nodes when there are several (Redis); in memory by default. */
  rateLimiter?: RateLimiter;
  /** Sends in progress on this node beyond which new ones are refused with 503 (over capacity). */
  maxPendingSends?: number;
}) {
  const { db, clock, eventLog, bus } = deps;
  const sendLimit = deps.sendLimit ?? defaultSendLimit;
  const rateLimiter = deps.rateLimiter ?? createMemoryRateLimiter();
  // Sends to one chat wait their turn in this node (not on a database connection) and those that
  // piled up behind a transaction commit together in the next one (platform/limits/keyed-batcher.ts).
  const maxSendsInProgress = deps.maxPendingSends ?? defaultMaxSendsInProgress;
  const overloaded = sendsOverloaded;
  let sendsInProgress = 0;
  const sendBatcher = createKeyedBatcher<(tx: Tx) => Promise<TMessage>, TMessage>({
    maxPending: maxSendsInProgress,
    maxBatch: 50,
    overloaded,
    execute: (_chatId, units) => transactionBatch(db, units),
  });
  const lastTyping = new Map<string, number>();

  /** Sliding window per person; a retry of a stored message is never counted (it returns before this). */
  async function takeSendSlot(userId: string) {
    const decision = await rateLimiter.take(`send:${userId}`, sendLimit.messages, sendLimit.windowMs, clock.now().getTime());
    if (!decision.allowed) throw rateLimited(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
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
    const moved = await repository.advanceRead(tx.db, chatId, userId, toSeq);
    if (!moved) return;
    await eventLog.append(tx, [userId, ...moved.authors], 'chat.read', { chatId, userId, fromSeq: moved.fromSeq, toSeq });
  }

  async function listMessages(identity: Identity | null, chatId: string, query: TListMessagesQuery): Promise<TListMessagesResponse> {
    const { person, membership } = await requireChatMember(db, identity, chatId);
    const rows = await repository.listMessages(db, { chatId, joinedSeq: membership.joinedSeq, beforeSeq: query.beforeSeq, afterSeq: query.afterSeq, limit: query.limit ?? 50 });
    const [messages, acknowledged] = await Promise.all([
      toMessages(db, chatId, rows),
      repository.acknowledgedBy(
        db,
        person.userId,
        rows.filter((row) => row.requires_ack).map((row) => row.id),
      ),
    ]);
    return { messages, acknowledged };
  }

  /** Whether a parent's message now reaches staff outside the organization's school hours. */
  async function outsideSchoolHours(organizationId: string): Promise<boolean> {
    const settings = await repository.organizationSettings(db, organizationId);
    if (!settings) return false;
    const hour = Number(hourFormat(settings.time_zone).format(clock.now()));
    return hour < settings.school_day_starts || hour >= settings.school_day_ends;
  }

  /** The message being forwarded, if the sender may read it. */
  async function forwardable(identity: Identity | null, messageId: string) {
    const row = await repository.findMessage(db, messageId);
    const field = () => invalidField('forwardFromId', { ru: 'это сообщение нельзя переслать', en: 'this message cannot be forwarded' });
    // Only text travels (files stay with their message); a message of files alone is not forwarded.
    if (!row || row.kind !== 'text' || row.deleted_at || row.body === '') throw field();
    const source = await requireChatMember(db, identity, row.chat_id).catch(() => undefined);
    if (!source || row.seq <= source.membership.joinedSeq) throw field();
    return row;
  }

  /**
   * Sends once: the client's id makes a retried send (after a timeout, a reconnect, or a server
   * that died between commit and reply) return the message already stored, not a second one.
   */
  async function send(identity: Identity | null, chatId: string, input: TSendMessageRequest): Promise<{ message: TMessage; created: boolean }> {
    if (sendsInProgress >= maxSendsInProgress) throw overloaded();
    sendsInProgress += 1;
    try {
      return await sendOnce(identity, chatId, input);
    } finally {
      sendsInProgress -= 1;
    }
  }

  async function sendOnce(identity: Identity | null, chatId: string, input: TSendMessageRequest): Promise<{ message: TMessage; created: boolean }> {
    const { person, chat, membership, roles } = await requireChatMember(db, identity, chatId);
    const replay = async () => {
      const existing = await repository.findByClientId(db, person.userId, input.clientId);
      if (!existing) return undefined;
      if (existing.chat_id !== chatId) throw conflict({ ru: 'Этот идентификатор сообщения уже использован в другом чате.', en: 'This message id was already used in another chat.' });
      return { message: (await toMessages(db, chatId, [existing]))[0]!, created: false };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    if (chat.only_admins_write && membership.role !== 'admin') throw forbidden(onlyAdminsWrite);
    if (input.requiresAck && chat.kind !== 'channel') throw invalidField('requiresAck', { ru: 'подтверждение прочтения бывает только у постов канала', en: 'only channel posts ask for confirmation' });
    const quoted = input.replyToId ? await repository.findMessage(db, input.replyToId) : undefined;
    if (input.replyToId && (!quoted || quoted.chat_id !== chatId || quoted.seq <= membership.joinedSeq)) {
      throw invalidField('replyToId', { ru: 'в этом чате нет такого сообщения', en: 'there is no such message in this chat' });
    }
    const forwarded = input.forwardFromId ? await forwardable(identity, input.forwardFromId) : undefined;
    if (forwarded && input.text.length > 0) throw invalidField('text', { ru: 'комментарий к пересланному сообщению отправьте отдельным сообщением', en: 'send a comment on a forwarded message as a separate message' });
    if (forwarded && (input.attachmentTokens?.length ?? 0) > 0) throw invalidField('attachmentTokens', { ru: 'файлы отправьте отдельным сообщением', en: 'send files as a separate message' });
    await takeSendSlot(person.userId);
    const [me] = await repository.people(db, chat.organization_id, [person.userId]);
    const author: TPersonRef = { id: person.userId, displayName: me?.display_name ?? '', verifiedTeacher: Boolean(me?.verified) };
    // A parent writing to staff after hours: staff get it quietly, unless it is marked urgent.
    const isParentOnly = roles.includes('parent') && !roles.some((role) => staffRoles.includes(role));
    const quietForStaff = isParentOnly && !input.urgent && (await outsideSchoolHours(chat.organization_id));
    try {
      const message = await sendBatcher.submit(chatId, async (tx) => {
        const now = clock.now();
        const { seq, memberIds: recipients } = await repository.nextSeqWithMembers(tx.db, chatId);
        const mentioned = [...new Set(input.mentionIds ?? [])].filter((id) => id !== person.userId && recipients.includes(id));
        const mentionPeople = await repository.people(tx.db, chat.organization_id, mentioned);
        const body = forwarded ? forwarded.body : input.text;
        const forwardedFrom = forwarded ? { author: forwarded.author_id ? { id: forwarded.author_id, displayName: forwarded.author_name ?? '' } : null, createdAt: new Date(forwarded.created_at).toISOString() } : null;
        const id = await repository.insertMessage(tx.db, {
          chatId,
          seq,
          authorId: person.userId,
          clientId: input.clientId,
          body,
          replyToId: input.replyToId ?? null,
          urgent: input.urgent ?? false,
          requiresAck: input.requiresAck ?? false,
          forwardedFrom,
          now,
        });
        await repository.insertMentions(tx.db, id, mentioned);
        const attachments = await claimAttachments(tx, { uploads: deps.uploads }, { userId: person.userId, messageId: id, uploadTokens: input.attachmentTokens ?? [] });
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
            body,
            system: null,
            reply_to_id: quoted?.id ?? null,
            created_at: now,
            edited_at: null,
            deleted_at: null,
            urgent: input.urgent ?? false,
            requires_ack: input.requiresAck ?? false,
            forwarded_from: forwardedFrom,
          },
          {
            ...emptyContext(),
            quotes: new Map(quoted ? [[quoted.id, quoteOf(quoted)]] : []),
            mentions: new Map([[id, mentionPeople.map((p) => ({ id: p.id, displayName: p.display_name, verifiedTeacher: Boolean(p.verified) }))]]),
            attachments: new Map([[id, attachments]]),
          },
        );
        if (quietForStaff) {
          const staff = new Set((await repository.rolesIn(tx.db, chat.organization_id, recipients)).filter((row) => staffRoles.includes(row.role)).map((row) => row.user_id));
          await eventLog.append(
            tx,
            recipients.filter((id) => staff.has(id)),
            'message.created',
            { message: created, quiet: true },
          );
          await eventLog.append(
            tx,
            recipients.filter((id) => !staff.has(id)),
            'message.created',
            { message: created },
          );
        } else {
          await eventLog.append(tx, recipients, 'message.created', { message: created });
        }
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

  /** «Прочитал и подтверждаю» on a channel post; the author and the channel's administrators see the count. */
  async function acknowledge(identity: Identity | null, chatId: string, messageId: string): Promise<void> {
    const { person, membership } = await requireChatMember(db, identity, chatId);
    const row = await visibleMessage(chatId, messageId, membership.joinedSeq);
    if (!row.requires_ack || row.deleted_at) throw conflict({ ru: 'Это сообщение не требует подтверждения.', en: 'This message does not ask for confirmation.' });
    await transaction(db, async (tx) => {
      if ((await repository.ackUserIds(tx.db, messageId)).has(person.userId)) return;
      const count = await repository.acknowledge(tx.db, messageId, person.userId, clock.now());
      const admins = (await repository.membershipStates(tx.db, [chatId])).filter((state) => state.left_at === null && state.role === 'admin').map((state) => state.user_id);
      await eventLog.append(tx, [person.userId, ...admins, ...(row.author_id ? [row.author_id] : [])], 'message.acknowledged', { chatId, messageId, userId: person.userId, count });
    });
  }

  /** Who confirmed a post and who has not yet (the channel's administrators and the author). */
  async function acknowledgements(identity: Identity | null, chatId: string, messageId: string): Promise<TAcknowledgementsResponse> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    const row = await visibleMessage(chatId, messageId, membership.joinedSeq);
    if (row.author_id !== person.userId) requireChatAdmin(membership);
    if (!row.requires_ack) throw conflict({ ru: 'Это сообщение не требует подтверждения.', en: 'This message does not ask for confirmation.' });
    const confirmedIds = await repository.ackUserIds(db, messageId);
    const members = (await repository.activeMemberIds(db, chatId)).filter((id) => id !== row.author_id);
    const everyone = await repository.people(db, chat.organization_id, [...new Set([...members, ...confirmedIds])]);
    const ref = (p: (typeof everyone)[number]): TPersonRef => ({ id: p.id, displayName: p.display_name, verifiedTeacher: Boolean(p.verified) });
    const byName = (a: TPersonRef, b: TPersonRef) => a.displayName.localeCompare(b.displayName, 'ru');
    return {
      confirmed: everyone.filter((p) => confirmedIds.has(p.id)).map(ref).sort(byName),
      pending: everyone.filter((p) => !confirmedIds.has(p.id) && members.includes(p.id)).map(ref).sort(byName),
    };
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
      // Deleted means gone: the files too, not only hidden.
      await removeAttachmentsOf(tx, { uploads: deps.uploads }, [messageId]);
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
    const signal: TSignalPayload<'chat.typing'> = { chatId, user: { id: person.userId, displayName: me?.display_name ?? '', verifiedTeacher: Boolean(me?.verified) } };
    await bus.publish([{ kind: 'signal', userIds: others, name: 'chat.typing', data: signal }]);
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

  /** Whether this node is at its limit of sends in progress (new ones would get 503). */
  const isOverloaded = () => sendsInProgress >= maxSendsInProgress;

  return { listMessages, send, isOverloaded, acknowledge, acknowledgements, edit, remove, react, markRead, readers, typing, search };
}
