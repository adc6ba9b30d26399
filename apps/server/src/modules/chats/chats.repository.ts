import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type ChatKind = 'group' | 'class' | 'parents' | 'direct';
export type ChatRole = 'admin' | 'member';

/** A system message's content as stored: names as they were at the time. */
export type StoredPerson = { id: string; displayName: string };
export type StoredSystemEvent = {
  action: 'created' | 'added' | 'removed' | 'left' | 'joined' | 'renamed' | 'onlyAdminsWrite' | 'everyoneWrites';
  actor: StoredPerson | null;
  subjects: StoredPerson[];
  title: string | null;
};

export type MessageRow = {
  id: string;
  chat_id: string;
  seq: number;
  kind: 'text' | 'system';
  author_id: string | null;
  author_name: string | null;
  author_verified: boolean;
  client_id: string | null;
  body: string;
  system: StoredSystemEvent | null;
  reply_to_id: string | null;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
};

/** Whether the person (a column) is a verified teacher of the organization (a column or an id): the badge. */
function verifiedTeacher(userColumn: string, organization: string | RawBuilder<unknown>) {
  return sql<boolean>`exists (select 1 from memberships vt where vt.user_id = ${sql.ref(userColumn)} and vt.organization_id = ${organization} and vt.role = 'teacher' and vt.verified_at is not null and vt.ended_at is null)`;
}

function selectMessages(db: Executor) {
  return db
    .selectFrom('messages')
    .innerJoin('chats', 'chats.id', 'messages.chat_id')
    .leftJoin('users', 'users.id', 'messages.author_id')
    .select([
      'messages.id',
      'messages.chat_id',
      'messages.seq',
      'messages.kind',
      'messages.author_id',
      'users.display_name as author_name',
      'messages.client_id',
      'messages.body',
      'messages.system',
      'messages.reply_to_id',
      'messages.created_at',
      'messages.edited_at',
      'messages.deleted_at',
    ])
    .select(verifiedTeacher('messages.author_id', sql.ref('chats.organization_id')).as('author_verified'));
}

type RawMessageRow = Omit<MessageRow, 'seq' | 'system' | 'author_verified'> & { seq: string | number; system: unknown; author_verified: unknown };

const toMessageRow = (row: RawMessageRow): MessageRow => ({
  ...row,
  seq: Number(row.seq),
  author_verified: row.author_verified === true || row.author_verified === 1 || row.author_verified === 't',
  system: (typeof row.system === 'string' ? JSON.parse(row.system) : row.system) as StoredSystemEvent | null,
});

// --- Chats

export type ChatRow = {
  id: string;
  organization_id: string;
  kind: ChatKind;
  title: string;
  class_id: string | null;
  only_admins_write: boolean;
  last_seq: number;
};

export async function findChat(db: Executor, chatId: string): Promise<ChatRow | undefined> {
  const row = await db.selectFrom('chats').select(['id', 'organization_id', 'kind', 'title', 'class_id', 'only_admins_write', 'last_seq']).where('id', '=', chatId).executeTakeFirst();
  return row && { ...row, last_seq: Number(row.last_seq) };
}

export async function insertChat(
  db: Executor,
  values: { organizationId: string; kind: ChatKind; title: string; createdBy: string; now: Date; classId?: string | null; directKey?: string | null },
): Promise<string> {
  const row = await db
    .insertInto('chats')
    .values({
      organization_id: values.organizationId,
      kind: values.kind,
      title: values.title,
      created_by: values.createdBy,
      created_at: values.now,
      class_id: values.classId ?? null,
      direct_key: values.directKey ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findDirectChat(db: Executor, organizationId: string, directKey: string) {
  return db.selectFrom('chats').select('id').where('organization_id', '=', organizationId).where('direct_key', '=', directKey).executeTakeFirst();
}

export function findClassChat(db: Executor, classId: string, kind: 'class' | 'parents') {
  return db.selectFrom('chats').select('id').where('class_id', '=', classId).where('kind', '=', kind).executeTakeFirst();
}

export async function updateChat(db: Executor, chatId: string, values: { title?: string | undefined; onlyAdminsWrite?: boolean | undefined }) {
  await db
    .updateTable('chats')
    .set({ ...(values.title !== undefined ? { title: values.title } : {}), ...(values.onlyAdminsWrite !== undefined ? { only_admins_write: values.onlyAdminsWrite } : {}) })
    .where('id', '=', chatId)
    .execute();
}

/** Chats bound to classes of the organization (their membership follows the roster). */
export async function boundChats(db: Executor, organizationId: string) {
  const rows = await db
    .selectFrom('chats')
    .select(['id', 'kind', 'class_id', 'last_seq'])
    .where('organization_id', '=', organizationId)
    .where('class_id', 'is not', null)
    .execute();
  return rows.map((row) => ({ id: row.id, kind: row.kind as 'class' | 'parents', classId: row.class_id!, lastSeq: Number(row.last_seq) }));
}

// --- Members

export async function addMembers(db: Executor, values: { chatId: string; members: { userId: string; role: ChatRole; source?: 'manual' | 'roster' }[]; now: Date; fromSeq?: number }) {
  if (values.members.length === 0) return;
  // New members see the chat from now on (history before joining stays hidden) and have read nothing new yet.
  const seq = values.fromSeq ?? 0;
  await db
    .insertInto('chat_members')
    .values(
      values.members.map((member) => ({
        chat_id: values.chatId,
        user_id: member.userId,
        role: member.role,
        source: member.source ?? 'manual',
        joined_at: values.now,
        joined_seq: seq,
        last_read_seq: seq,
      })),
    )
    .execute();
}

export async function endMemberships(db: Executor, values: { chatId: string; userIds: readonly string[]; reason: 'left' | 'removed' | 'roster'; now: Date }) {
  if (values.userIds.length === 0) return;
  await db
    .updateTable('chat_members')
    .set({ left_at: values.now, left_reason: values.reason })
    .where('chat_id', '=', values.chatId)
    .where('user_id', 'in', values.userIds)
    .where('left_at', 'is', null)
    .execute();
}

export async function setMemberRole(db: Executor, chatId: string, userIds: readonly string[], role: ChatRole) {
  if (userIds.length === 0) return;
  await db.updateTable('chat_members').set({ role }).where('chat_id', '=', chatId).where('user_id', 'in', userIds).where('left_at', 'is', null).execute();
}

/** The person's current membership of a chat, if any. */
export async function findMembership(db: Executor, chatId: string, userId: string) {
  const row = await db
    .selectFrom('chat_members')
    .select(['role', 'joined_seq', 'last_read_seq', 'source'])
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return row && { role: row.role, source: row.source, joinedSeq: Number(row.joined_seq), lastReadSeq: Number(row.last_read_seq) };
}

export async function activeMemberIds(db: Executor, chatId: string): Promise<string[]> {
  const rows = await db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('left_at', 'is', null).execute();
  return rows.map((row) => row.user_id);
}

/** Current members with the source of their membership, and the latest ended membership of everyone else. */
export async function membershipStates(db: Executor, chatIds: readonly string[]) {
  if (chatIds.length === 0) return [];
  const rows = await db
    .selectFrom('chat_members')
    .select(['chat_id', 'user_id', 'role', 'source', 'left_at', 'left_reason', 'joined_at'])
    .where('chat_id', 'in', chatIds)
    .orderBy('joined_at')
    .execute();
  // The newest row per (chat, person) decides.
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const key = `${row.chat_id}:${row.user_id}`;
    const seen = latest.get(key);
    if (!seen || seen.left_at !== null || row.left_at === null) latest.set(key, row);
  }
  return [...latest.values()];
}

export async function listMembers(db: Executor, chatId: string, organizationId: string) {
  return db
    .selectFrom('chat_members')
    .innerJoin('users', 'users.id', 'chat_members.user_id')
    .select(['chat_members.user_id', 'users.display_name', 'chat_members.role'])
    .select((eb) => eb.selectFrom('sessions').whereRef('sessions.user_id', '=', 'chat_members.user_id').select((inner) => inner.fn.max('sessions.last_seen_at').as('m')).as('last_seen_at'))
    .select(verifiedTeacher('chat_members.user_id', organizationId).as('verified'))
    .where('chat_members.chat_id', '=', chatId)
    .where('chat_members.left_at', 'is', null)
    .orderBy('chat_members.role')
    .orderBy('users.display_name')
    .execute();
}

export async function setMuted(db: Executor, chatId: string, userId: string, muted: boolean) {
  await db.updateTable('chat_members').set({ muted }).where('chat_id', '=', chatId).where('user_id', '=', userId).where('left_at', 'is', null).execute();
}

/** Moves the member's read position forward (never back); returns where it was, or null when nothing moved. */
export async function advanceRead(db: Executor, chatId: string, userId: string, toSeq: number): Promise<number | null> {
  const before = await db
    .selectFrom('chat_members')
    .select('last_read_seq')
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!before || Number(before.last_read_seq) >= toSeq) return null;
  await db.updateTable('chat_members').set({ last_read_seq: toSeq }).where('chat_id', '=', chatId).where('user_id', '=', userId).where('left_at', 'is', null).execute();
  return Number(before.last_read_seq);
}

/** Each person's furthest read position in the chat (also of those who left since). */
export async function readPositions(db: Executor, chatId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('chat_members')
    .select('user_id')
    .select((eb) => eb.fn.max('last_read_seq').as('seq'))
    .where('chat_id', '=', chatId)
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((row) => [row.user_id, Number(row.seq)]));
}

export async function readersOf(db: Executor, chatId: string, seq: number, exceptUserId: string, organizationId: string) {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.display_name'])
    .select(verifiedTeacher('users.id', organizationId).as('verified'))
    .where('users.id', 'in', (eb) => eb.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('last_read_seq', '>=', seq))
    .where('users.id', '<>', exceptUserId)
    .orderBy('users.display_name')
    .execute();
}

/** Authors (not the reader) of the text messages in (fromSeq, toSeq]: they see «прочитали N» change. */
export async function authorsBetween(db: Executor, chatId: string, fromSeq: number, toSeq: number, exceptUserId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('author_id')
    .distinct()
    .where('chat_id', '=', chatId)
    .where('seq', '>', fromSeq)
    .where('seq', '<=', toSeq)
    .where('author_id', 'is not', null)
    .where('author_id', '<>', exceptUserId)
    .execute();
  return rows.map((row) => row.author_id!);
}

// --- Messages

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

export async function insertMessage(
  db: Executor,
  values: { chatId: string; seq: number; authorId: string | null; clientId: string | null; body: string; system?: StoredSystemEvent; replyToId?: string | null; now: Date },
): Promise<string> {
  const row = await db
    .insertInto('messages')
    .values({
      chat_id: values.chatId,
      seq: values.seq,
      kind: values.system ? 'system' : 'text',
      author_id: values.authorId,
      client_id: values.clientId,
      body: values.body,
      system: values.system ? JSON.stringify(values.system) : null,
      reply_to_id: values.replyToId ?? null,
      created_at: values.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMessage(db: Executor, id: string): Promise<MessageRow | undefined> {
  const row = await selectMessages(db).where('messages.id', '=', id).executeTakeFirst();
  return row && toMessageRow(row);
}

export async function findMessages(db: Executor, ids: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  const rows = await selectMessages(db).where('messages.id', 'in', ids).execute();
  return rows.map(toMessageRow);
}

/** A page of history never from before the member joined: newest first before `beforeSeq`, or oldest first after `afterSeq`. */
export async function listMessages(db: Executor, values: { chatId: string; joinedSeq: number; beforeSeq?: number | undefined; afterSeq?: number | undefined; limit: number }): Promise<MessageRow[]> {
  let query = selectMessages(db).where('messages.chat_id', '=', values.chatId).where('messages.seq', '>', Math.max(values.joinedSeq, values.afterSeq ?? 0));
  if (values.beforeSeq !== undefined) query = query.where('messages.seq', '<', values.beforeSeq);
  const rows = await query.orderBy('messages.seq', values.afterSeq !== undefined ? 'asc' : 'desc').limit(values.limit).execute();
  return rows.map(toMessageRow);
}

export async function editMessage(db: Executor, id: string, body: string, now: Date) {
  await db.updateTable('messages').set({ body, edited_at: now }).where('id', '=', id).execute();
}

export async function deleteMessage(db: Executor, id: string, deletedBy: string, now: Date) {
  await db.updateTable('messages').set({ body: '', deleted_at: now, deleted_by: deletedBy }).where('id', '=', id).execute();
  await db.deleteFrom('message_reactions').where('message_id', '=', id).execute();
}

export async function setReaction(db: Executor, values: { messageId: string; userId: string; emoji: string; now: Date }) {
  await db
    .insertInto('message_reactions')
    .values({ message_id: values.messageId, user_id: values.userId, emoji: values.emoji, created_at: values.now })
    .onConflict((oc) => oc.columns(['message_id', 'user_id']).doUpdateSet({ emoji: values.emoji, created_at: values.now }))
    .execute();
}

export async function removeReaction(db: Executor, messageId: string, userId: string) {
  await db.deleteFrom('message_reactions').where('message_id', '=', messageId).where('user_id', '=', userId).execute();
}

export function reactionsOf(db: Executor, messageIds: readonly string[]) {
  if (messageIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('message_reactions').select(['message_id', 'user_id', 'emoji']).where('message_id', 'in', messageIds).orderBy('created_at').orderBy('user_id').execute();
}

// --- The list of one's chats

/** The person's chats (or one of them) with member counts, their read position, mute and the newest message's id. */
export async function listChatsOf(db: Executor, userId: string, onlyChatId?: string) {
  let query = db
    .selectFrom('chat_members as me')
    .innerJoin('chats', 'chats.id', 'me.chat_id')
    .select(['chats.id', 'chats.organization_id', 'chats.kind', 'chats.title', 'chats.class_id', 'chats.only_admins_write', 'chats.last_seq', 'me.role', 'me.muted', 'me.last_read_seq', 'me.joined_seq'])
    .select((eb) =>
      eb.selectFrom('chat_members as other').whereRef('other.chat_id', '=', 'chats.id').where('other.left_at', 'is', null).select((inner) => inner.fn.countAll<string | number>().as('n')).as('member_count'),
    )
    .select((eb) => eb.selectFrom('messages').whereRef('messages.chat_id', '=', 'chats.id').whereRef('messages.seq', '=', 'chats.last_seq').select('messages.id').as('last_message_id'))
    .select((eb) =>
      eb
        .selectFrom('chat_members as peer')
        .whereRef('peer.chat_id', '=', 'chats.id')
        .where('chats.kind', '=', 'direct')
        .where('peer.user_id', '<>', userId)
        .select('peer.user_id')
        .limit(1)
        .as('peer_id'),
    )
    .where('me.user_id', '=', userId)
    .where('me.left_at', 'is', null);
  if (onlyChatId) query = query.where('chats.id', '=', onlyChatId);
  // Newest activity first: the last message's time, or the chat's own for an empty chat.
  const activity = sql`coalesce((SELECT m.created_at FROM messages m WHERE m.chat_id = chats.id AND m.seq = chats.last_seq), chats.created_at)`;
  const rows = await query.orderBy(activity, 'desc').limit(500).execute();
  return rows.map((row) => ({
    ...row,
    last_seq: Number(row.last_seq),
    last_read_seq: Number(row.last_read_seq),
    joined_seq: Number(row.joined_seq),
    member_count: Number(row.member_count),
  }));
}

// --- People and the organization

/** The current roles in the organization of each of these people (absent: not a member). */
export function rolesIn(db: Executor, organizationId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('memberships').select(['user_id', 'role']).where('organization_id', '=', organizationId).where('ended_at', 'is', null).where('user_id', 'in', userIds).execute();
}

export async function people(db: Executor, organizationId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['users.id', 'users.display_name'])
    .select(verifiedTeacher('users.id', organizationId).as('verified'))
    .where('users.id', 'in', userIds)
    .execute();
}

export async function organizationSettings(db: Executor, organizationId: string) {
  return db.selectFrom('organizations').select(['students_may_message_each_other']).where('id', '=', organizationId).executeTakeFirst();
}

export async function setStudentsMayMessageEachOther(db: Executor, organizationId: string, value: boolean) {
  await db.updateTable('organizations').set({ students_may_message_each_other: value }).where('id', '=', organizationId).execute();
}

/**
 * Messages matching a search (Russian morphology, web-search syntax: words, "phrases", -minus)
 * from the person's current chats, in organizations they still belong to, never from before they
 * joined; newest first.
 */
export async function searchMessages(db: Executor, values: { userId: string; query: string; chatId?: string | undefined; limit: number }) {
  let query = selectMessages(db)
    .innerJoin('chat_members as me', (join) => join.onRef('me.chat_id', '=', 'messages.chat_id').on('me.user_id', '=', values.userId).on('me.left_at', 'is', null))
    .select('chats.title as chat_title')
    .select('chats.kind as chat_kind')
    .where(sql<boolean>`messages.search @@ websearch_to_tsquery('russian', ${values.query})`)
    .whereRef('messages.seq', '>', 'me.joined_seq')
    .where('messages.kind', '=', 'text')
    .where('messages.deleted_at', 'is', null)
    .where('chats.organization_id', 'in', (eb) => eb.selectFrom('memberships').select('organization_id').where('user_id', '=', values.userId).where('ended_at', 'is', null));
  if (values.chatId) query = query.where('messages.chat_id', '=', values.chatId);
  const rows = await query.orderBy('messages.created_at', 'desc').orderBy('messages.seq', 'desc').limit(values.limit).execute();
  return rows.map((row) => ({ ...toMessageRow(row), chat_title: row.chat_title, chat_kind: row.chat_kind }));
}
