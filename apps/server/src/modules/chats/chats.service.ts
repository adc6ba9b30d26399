import type { TChat, TCreateChatRequest, TListMessagesQuery, TMessage, TSendMessageRequest } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB } from '../../platform/db/index.ts';
import { AppError, conflict, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { activeRoles, isVerifiedTeacher, requireMember, requireSignedIn, staffRoles } from '../access/index.ts';
import * as repository from './chats.repository.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type ChatsService = ReturnType<typeof createChatsService>;

const toMessage = (row: repository.MessageRow): TMessage => ({
  id: row.id,
  chatId: row.chat_id,
  seq: row.seq,
  author: { id: row.author_id, displayName: row.author_name, verifiedTeacher: false },
  clientId: row.client_id,
  text: row.body,
  createdAt: new Date(row.created_at).toISOString(),
});

/** PostgreSQL's unique_violation: two copies of one send raced, and the other one won. */
const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

export function createChatsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog }) {
  const { db, clock, eventLog } = deps;

  /**
   * A chat member who is still a member of the chat's organization. Anyone else — including a
   * former member, and whoever has left the school — is told the chat does not exist.
   */
  async function requireChatMember(identity: Identity | null, chatId: string) {
    const person = requireSignedIn(identity);
    const chat = await repository.findChat(db, chatId);
    const membership = chat ? await repository.findMembership(db, chatId, person.userId) : undefined;
    if (!chat || !membership || (await activeRoles(db, person.userId, chat.organization_id)).length === 0) throw notFound();
    return { person, chat, membership };
  }

  type ChatRow = Awaited<ReturnType<typeof repository.listChatsOf>>[number];

  async function fromRow(executor: Executor, row: ChatRow): Promise<TChat> {
    const last = row.last_message_id && row.last_seq > row.joined_seq ? toMessage(await repository.findMessage(executor, row.last_message_id)) : null;
    return {
      id: row.id,
      organizationId: row.organization_id,
      kind: row.kind,
      title: row.title,
      memberCount: row.member_count,
      lastMessage: last,
      unreadCount: Math.max(0, row.last_seq - Math.max(row.last_read_seq, row.joined_seq)),
    };
  }

  async function toChat(executor: Executor, userId: string, chatId: string): Promise<TChat> {
    const [row] = await repository.listChatsOf(executor, userId, chatId);
    return fromRow(executor, row!);
  }

  /**
   * A group chat of the organization, made by its staff for its people. A teacher whose status
   * is not confirmed yet may start chats with colleagues only, not with students or parents.
   */
  async function createChat(identity: Identity | null, organizationId: string, input: TCreateChatRequest): Promise<TChat> {
    const creator = await requireMember(db, identity, organizationId, staffRoles);
    const others = [...new Set(input.memberIds)].filter((id) => id !== creator.identity.userId);
    const theirRoles = await repository.rolesIn(db, organizationId, others);
    const outsiders = others.filter((id) => !theirRoles.some((row) => row.user_id === id));
    if (outsiders.length > 0) throw invalidField('memberIds', { ru: 'в чат можно добавить только участников этой организации', en: 'only members of this organization can be added' });
    const isPrivileged = creator.roles.includes('administrator') || creator.roles.includes('director');
    const reachesFamilies = theirRoles.some((row) => row.role === 'student' || row.role === 'parent');
    if (reachesFamilies && !isPrivileged && !(await isVerifiedTeacher(db, creator.identity.userId, organizationId))) {
      throw new AppError(403, 'forbidden', {
        detail: { ru: 'Пока администратор не подтвердил ваш статус учителя, создавать чаты с учениками и родителями нельзя.', en: 'Until an administrator confirms your teacher status, you cannot create chats with students or parents.' },
      });
    }
    const now = clock.now();
    return transaction(db, async (tx) => {
      const id = await repository.insertChat(tx.db, { organizationId, title: input.title, createdBy: creator.identity.userId, now });
      await repository.addMembers(tx.db, { chatId: id, members: [{ userId: creator.identity.userId, role: 'admin' }, ...others.map((userId) => ({ userId, role: 'member' as const }))], now });
      const chat = await toChat(tx.db, creator.identity.userId, id);
      await eventLog.append(tx, [creator.identity.userId, ...others], 'chat.created', { chat });
      return chat;
    });
  }

  async function listChats(identity: Identity | null): Promise<TChat[]> {
    const person = requireSignedIn(identity);
    const rows = await repository.listChatsOf(db, person.userId);
    return Promise.all(rows.map((row) => fromRow(db, row)));
  }

  async function listMessages(identity: Identity | null, chatId: string, query: TListMessagesQuery): Promise<TMessage[]> {
    const { membership } = await requireChatMember(identity, chatId);
    const rows = await repository.listMessages(db, { chatId, afterSeq: Number(membership.joined_seq), beforeSeq: query.beforeSeq, limit: query.limit ?? 50 });
    return rows.map(toMessage);
  }

  /**
   * Sends once: the client's id makes a retried send (after a timeout, a reconnect, or a server
   * that died between commit and reply) return the message already stored, not a second one.
   */
  async function send(identity: Identity | null, chatId: string, input: TSendMessageRequest): Promise<{ message: TMessage; created: boolean }> {
    const { person } = await requireChatMember(identity, chatId);
    const replay = async () => {
      const existing = await repository.findByClientId(db, person.userId, input.clientId);
      if (!existing) return undefined;
      if (existing.chat_id !== chatId) throw conflict({ ru: 'Этот идентификатор сообщения уже использован в другом чате.', en: 'This message id was already used in another chat.' });
      return { message: toMessage(existing), created: false };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    try {
      const id = await transaction(db, async (tx) => {
        const seq = await repository.nextSeq(tx.db, chatId);
        const messageId = await repository.insertMessage(tx.db, { chatId, seq, authorId: person.userId, clientId: input.clientId, body: input.text, now: clock.now() });
        await repository.markRead(tx.db, chatId, person.userId, seq);
        const message = toMessage(await repository.findMessage(tx.db, messageId));
        await eventLog.append(tx, await repository.activeMemberIds(tx.db, chatId), 'message.created', { message });
        return messageId;
      });
      return { message: toMessage(await repository.findMessage(db, id)), created: true };
    } catch (error) {
      const raced = isUniqueViolation(error) ? await replay() : undefined;
      if (raced) return raced;
      throw error;
    }
  }

  return { createChat, listChats, listMessages, send };
}
