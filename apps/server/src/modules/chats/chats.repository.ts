import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type MessageRow = { id: string; chat_id: string; seq: number; author_id: string; author_name: string; client_id: string; body: string; created_at: Date };

function selectMessages(db: Executor) {
  return db
    .selectFrom('messages')
    .innerJoin('users', 'users.id', 'messages.author_id')
    .select(['messages.id', 'messages.chat_id', 'messages.seq', 'messages.author_id', 'users.display_name as author_name', 'messages.client_id', 'messages.body', 'messages.created_at']);
}

const toMessageRow = (row: Omit<MessageRow, 'seq'> & { seq: string | number }): MessageRow => ({ ...row, seq: Number(row.seq) });

export async function insertChat(db: Executor, values: { organizationId: string; title: string; createdBy: string; now: Date }): Promise<string> {
  const row = await db
    .insertInto('chats')
    .values({ organization_id: values.organizationId, kind: 'group', title: values.title, created_by: values.createdBy, created_at: values.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addMembers(db: Executor, values: { chatId: string; members: { userId: string; role: 'admin' | 'member' }[]; now: Date }) {
  if (values.members.length === 0) return;
  await db
    .insertInto('chat_members')
    .values(values.members.map((member) => ({ chat_id: values.chatId, user_id: member.userId, role: member.role, joined_at: values.now })))
    .execute();
}

/** The person's current membership of a chat, if any. */
export function findMembership(db: Executor, chatId: string, userId: string) {
  return db
    .selectFrom('chat_members')
    .select(['role', 'joined_seq', 'last_read_seq'])
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
}

export async function activeMemberIds(db: Executor, chatId: string): Promise<string[]> {
  const rows = await db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('left_at', 'is', null).execute();
  return rows.map((row) => row.user_id);
}

/** The next number in the chat; the row lock orders concurrent sends. */
export async function nextSeq(db: Transaction<DB>, chatId: string): Promise<number> {
  const row = await db
    .updateTable('chats')
    .set({ last_seq: sql`last_seq + 1` })
    .where('id', '=', chatId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

export async function findByClientId(db: Executor, authorId: string, clientId: string): Promise<MessageRow | undefined> {
  const row = await selectMessages(db).where('messages.author_id', '=', authorId).where('messages.client_id', '=', clientId).executeTakeFirst();
  return row && toMessageRow(row);
}

export async function insertMessage(db: Executor, values: { chatId: string; seq: number; authorId: string; clientId: string; body: string; now: Date }): Promise<string> {
  const row = await db
    .insertInto('messages')
    .values({ chat_id: values.chatId, seq: values.seq, author_id: values.authorId, client_id: values.clientId, body: values.body, created_at: values.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMessage(db: Executor, id: string): Promise<MessageRow> {
  return toMessageRow(await selectMessages(db).where('messages.id', '=', id).executeTakeFirstOrThrow());
}

/** A page of history, newest first, never from before the member joined. */
export async function listMessages(db: Executor, values: { chatId: string; afterSeq: number; beforeSeq?: number | undefined; limit: number }): Promise<MessageRow[]> {
  let query = selectMessages(db).where('messages.chat_id', '=', values.chatId).where('messages.seq', '>', values.afterSeq);
  if (values.beforeSeq !== undefined) query = query.where('messages.seq', '<', values.beforeSeq);
  const rows = await query.orderBy('messages.seq', 'desc').limit(values.limit).execute();
  return rows.map(toMessageRow);
}

/** The person's chats (or one of them) with member counts, their read position and the newest message's id. */
export async function listChatsOf(db: Executor, userId: string, onlyChatId?: string) {
  let query = db
    .selectFrom('chat_members as me')
    .innerJoin('chats', 'chats.id', 'me.chat_id')
    .select(['chats.id', 'chats.organization_id', 'chats.kind', 'chats.title', 'chats.last_seq', 'me.last_read_seq', 'me.joined_seq'])
    .select((eb) =>
      eb.selectFrom('chat_members as other').whereRef('other.chat_id', '=', 'chats.id').where('other.left_at', 'is', null).select((inner) => inner.fn.countAll<string | number>().as('n')).as('member_count'),
    )
    .select((eb) => eb.selectFrom('messages').whereRef('messages.chat_id', '=', 'chats.id').whereRef('messages.seq', '=', 'chats.last_seq').select('messages.id').as('last_message_id'))
    .where('me.user_id', '=', userId)
    .where('me.left_at', 'is', null);
  if (onlyChatId) query = query.where('chats.id', '=', onlyChatId);
  // Newest activity first: the last message's time, or the chat's own for an empty chat.
  const activity = sql`coalesce((SELECT m.created_at FROM messages m WHERE m.chat_id = chats.id AND m.seq = chats.last_seq), chats.created_at)`;
  const rows = await query.orderBy(activity, 'desc').limit(500).execute();
  return rows.map((row) => ({ ...row, last_seq: Number(row.last_seq), last_read_seq: Number(row.last_read_seq), joined_seq: Number(row.joined_seq), member_count: Number(row.member_count) }));
}

export function findChat(db: Executor, chatId: string) {
  return db.selectFrom('chats').select(['id', 'organization_id']).where('id', '=', chatId).executeTakeFirst();
}

/** The current roles in the organization of each of these people (absent: not a member). */
export function rolesIn(db: Executor, organizationId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('memberships').select(['user_id', 'role']).where('organization_id', '=', organizationId).where('ended_at', 'is', null).where('user_id', 'in', userIds).execute();
}

/** The author has read everything up to their own message. */
export async function markRead(db: Executor, chatId: string, userId: string, seq: number) {
  await db.updateTable('chat_members').set({ last_read_seq: seq }).where('chat_id', '=', chatId).where('user_id', '=', userId).where('left_at', 'is', null).where('last_read_seq', '<', seq).execute();
}
