import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { TRole } from '@parta/contracts';
import type { DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type ChatKind = 'group' | 'class' | 'parents' | 'direct' | 'channel';
export type ChatRole = 'admin' | 'member';

/** A system message's content as stored: names as they were at the time. */
export type StoredPerson = { id: string; displayName: string };
export type StoredSystemEvent = {
  action: 'created' | 'added' | 'removed' | 'left' | 'joined' | 'renamed' | 'onlyAdminsWrite' | 'everyoneWrites' | 'pinned' | 'call' | 'lesson' | 'broadcast';
  actor: StoredPerson | null;
  subjects: StoredPerson[];
  title: string | null;
  call?: { callId: string; outcome: 'ended' | 'missed' | 'declined'; video: boolean; durationSeconds: number | null };
  lesson?: {
    lessonId: string;
    title: string;
    outcome: 'scheduled' | 'started' | 'ended';
    scheduledFor: string | null;
    durationSeconds: number | null;
    attendance: Array<{ person: { id: string; displayName: string; verifiedTeacher: boolean }; joinedAt: string | null; seconds: number }> | null;
  };
  broadcast?: { broadcastId: string; title: string; outcome: 'scheduled' | 'started' | 'ended' | 'cancelled'; scheduledFor: string | null; peakViewers: number | null };
};

/** A forwarded message's origin as stored. */
export type StoredForward = { author: StoredPerson | null; createdAt: string };

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
  urgent: boolean;
  requires_ack: boolean;
  forwarded_from: StoredForward | null;
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
      'messages.urgent',
      'messages.requires_ack',
      'messages.forwarded_from',
    ])
    .select(verifiedTeacher('messages.author_id', sql.ref('chats.organization_id')).as('author_verified'));
}

type RawMessageRow = Omit<MessageRow, 'seq' | 'system' | 'author_verified' | 'forwarded_from'> & { seq: string | number; system: unknown; author_verified: unknown; forwarded_from: unknown };

const fromJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as unknown;

const toMessageRow = (row: RawMessageRow): MessageRow => ({
  ...row,
  seq: Number(row.seq),
  author_verified: row.author_verified === true || row.author_verified === 1 || row.author_verified === 't',
  system: fromJson(row.system) as StoredSystemEvent | null,
  forwarded_from: fromJson(row.forwarded_from) as StoredForward | null,
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
  system_channel: 'school' | 'staff' | null;
  pinned_message_id: string | null;
};

export async function findChat(db: Executor, chatId: string): Promise<ChatRow | undefined> {
  const row = await db
    .selectFrom('chats')
    .select(['id', 'organization_id', 'kind', 'title', 'class_id', 'only_admins_write', 'last_seq', 'system_channel', 'pinned_message_id'])
    .where('id', '=', chatId)
    .executeTakeFirst();
  return row && { ...row, last_seq: Number(row.last_seq) };
}

/**
 * The chat, the person's current membership in it and their current roles in its organization,
 * in one round trip: every chat request starts with this.
 */
export async function findChatAsMember(db: Executor, chatId: string, userId: string) {
  const row = await db
    .selectFrom('chats')
    .innerJoin('chat_members as member', (join) => join.onRef('member.chat_id', '=', 'chats.id').on('member.user_id', '=', userId).on('member.left_at', 'is', null))
    .select(['chats.id', 'chats.organization_id', 'chats.kind', 'chats.title', 'chats.class_id', 'chats.only_admins_write', 'chats.last_seq', 'chats.system_channel', 'chats.pinned_message_id'])
    .select(['member.role', 'member.joined_seq', 'member.last_read_seq', 'member.source'])
    .select(
      sql<TRole[]>`ARRAY(SELECT role FROM memberships WHERE memberships.user_id = ${userId} AND memberships.organization_id = chats.organization_id AND memberships.ended_at IS NULL)`.as('roles'),
    )
    .where('chats.id', '=', chatId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { role, joined_seq, last_read_seq, source, roles, ...chat } = row;
  return {
    chat: { ...chat, last_seq: Number(chat.last_seq) } satisfies ChatRow,
    membership: { role, source, joinedSeq: Number(joined_seq), lastReadSeq: Number(last_read_seq) },
    roles,
  };
}

export async function insertChat(
  db: Executor,
  values: {
    organizationId: string;
    kind: ChatKind;
    title: string;
    createdBy: string | null;
    now: Date;
    classId?: string | null;
    directKey?: string | null;
    description?: string;
    systemChannel?: 'school' | 'staff';
  },
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
      description: values.description ?? '',
      system_channel: values.systemChannel ?? null,
      // Channels: only their administrators post.
      only_admins_write: values.kind === 'channel',
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

/** Chats whose membership follows the roster: bound to classes of the organization, and its system channels. */
export async function boundChats(db: Executor, organizationId: string) {
  const rows = await db
    .selectFrom('chats')
    .select(['id', 'kind', 'class_id', 'system_channel', 'last_seq'])
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('class_id', 'is not', null), eb('system_channel', 'is not', null)]))
    .execute();
  return rows.map((row) => ({ id: row.id, kind: row.kind, classId: row.class_id, systemChannel: row.system_channel, lastSeq: Number(row.last_seq) }));
}

/** «Общешкольный канал» and «Сотрудники», made once per organization. */
export async function ensureSystemChannels(db: Executor, organizationId: string, now: Date) {
  await db
    .insertInto('chats')
    .values(
      (
        [
          ['school', 'Общешкольный канал'],
          ['staff', 'Сотрудники'],
        ] as const
      ).map(([code, title]) => ({ organization_id: organizationId, kind: 'channel' as const, title, created_by: null, created_at: now, system_channel: code, only_admins_write: true })),
    )
    .onConflict((oc) => oc.columns(['organization_id', 'system_channel']).where('system_channel', 'is not', null).doNothing())
    .execute();
}

export async function setPinned(db: Executor, chatId: string, messageId: string | null) {
  await db.updateTable('chats').set({ pinned_message_id: messageId }).where('id', '=', chatId).execute();
}

/** The organization's channels with their member counts and whether the person is subscribed. */
export async function channelsOf(db: Executor, organizationId: string, userId: string) {
  const rows = await db
    .selectFrom('chats')
    .select(['chats.id', 'chats.title', 'chats.description', 'chats.system_channel'])
    .select((eb) => eb.selectFrom('chat_members as cm').whereRef('cm.chat_id', '=', 'chats.id').where('cm.left_at', 'is', null).select((inner) => inner.fn.countAll<string | number>().as('n')).as('member_count'))
    .select((eb) =>
      eb.exists(eb.selectFrom('chat_members as mine').select('mine.id').whereRef('mine.chat_id', '=', 'chats.id').where('mine.user_id', '=', userId).where('mine.left_at', 'is', null)).as('subscribed'),
    )
    .where('chats.organization_id', '=', organizationId)
    .where('chats.kind', '=', 'channel')
    .orderBy('chats.system_channel')
    .orderBy('chats.title')
    .execute();
  return rows.map((row) => ({ ...row, member_count: Number(row.member_count), subscribed: Boolean(row.subscribed) }));
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
/**
 * Moves the person's read position forward to `toSeq` (never back), in one statement. Answers
 * where it was and the other authors of the messages read just now (they are told «прочитано»),
 * or null when there was nothing new to read.
 */
export async function advanceRead(db: Executor, chatId: string, userId: string, toSeq: number): Promise<{ fromSeq: number; authors: string[] } | null> {
  const { rows } = await sql<{ from_seq: string | number; authors: string[] }>`
    UPDATE chat_members member SET last_read_seq = ${toSeq}
      FROM (SELECT chat_id, user_id, last_read_seq FROM chat_members
              WHERE chat_id = ${chatId} AND user_id = ${userId} AND left_at IS NULL FOR UPDATE) before
     WHERE member.chat_id = before.chat_id AND member.user_id = before.user_id AND member.left_at IS NULL AND before.last_read_seq < ${toSeq}
    RETURNING before.last_read_seq AS from_seq,
      ARRAY(SELECT DISTINCT author_id FROM messages
             WHERE chat_id = ${chatId} AND seq > before.last_read_seq AND seq <= ${toSeq} AND author_id IS NOT NULL AND author_id <> ${userId}) AS authors`.execute(db);
  const row = rows[0];
  return row ? { fromSeq: Number(row.from_seq), authors: row.authors } : null;
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
// --- Messages

/** The next number in the chat; the row lock orders concurrent sends. */
export async function nextSeq(db: Transaction<DB>, chatId: string): Promise<number> {
  return (await nextSeqWithMembers(db, chatId)).seq;
}

/** The next number in the chat and who is in it now, in one statement (the send path). */
export async function nextSeqWithMembers(db: Transaction<DB>, chatId: string): Promise<{ seq: number; memberIds: string[] }> {
  const { rows } = await sql<{ last_seq: string | number; member_ids: string[] }>`
    UPDATE chats SET last_seq = last_seq + 1 WHERE id = ${chatId}
    RETURNING last_seq, ARRAY(SELECT user_id FROM chat_members WHERE chat_id = ${chatId} AND left_at IS NULL) AS member_ids`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`chat ${chatId} vanished`);
  return { seq: Number(row.last_seq), memberIds: row.member_ids };
}

export async function findByClientId(db: Executor, authorId: string, clientId: string): Promise<MessageRow | undefined> {
  const row = await selectMessages(db).where('messages.author_id', '=', authorId).where('messages.client_id', '=', clientId).executeTakeFirst();
  return row && toMessageRow(row);
}

export async function insertMessage(
  db: Executor,
  values: {
    chatId: string;
    seq: number;
    authorId: string | null;
    clientId: string | null;
    body: string;
    system?: StoredSystemEvent;
    replyToId?: string | null;
    urgent?: boolean;
    requiresAck?: boolean;
    forwardedFrom?: StoredForward | null;
    now: Date;
  },
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
      urgent: values.urgent ?? false,
      requires_ack: values.requiresAck ?? false,
      forwarded_from: values.forwardedFrom ? JSON.stringify(values.forwardedFrom) : null,
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
    .select([
      'chats.id',
      'chats.organization_id',
      'chats.kind',
      'chats.title',
      'chats.description',
      'chats.class_id',
      'chats.system_channel',
      'chats.pinned_message_id',
      'chats.only_admins_write',
      'chats.last_seq',
      'me.role',
      'me.muted',
      'me.last_read_seq',
      'me.joined_seq',
    ])
    .select(
      sql<string | number>`(SELECT count(*) FROM message_mentions mm JOIN messages m ON m.id = mm.message_id
        WHERE mm.user_id = me.user_id AND m.chat_id = chats.id AND m.seq > greatest(me.last_read_seq, me.joined_seq) AND m.deleted_at IS NULL)`.as('unread_mentions'),
    )
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
    unread_mentions: Number(row.unread_mentions),
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
  return db.selectFrom('organizations').select(['students_may_message_each_other', 'school_day_starts', 'school_day_ends', 'time_zone']).where('id', '=', organizationId).executeTakeFirst();
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

// --- Mentions, acknowledgements, reports

export async function insertMentions(db: Executor, messageId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return;
  await db
    .insertInto('message_mentions')
    .values(userIds.map((userId) => ({ message_id: messageId, user_id: userId })))
    .execute();
}

export function mentionsOf(db: Executor, messageIds: readonly string[]) {
  if (messageIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('message_mentions')
    .innerJoin('messages', 'messages.id', 'message_mentions.message_id')
    .innerJoin('chats', 'chats.id', 'messages.chat_id')
    .innerJoin('users', 'users.id', 'message_mentions.user_id')
    .select(['message_mentions.message_id', 'users.id', 'users.display_name'])
    .select(verifiedTeacher('users.id', sql.ref('chats.organization_id')).as('verified'))
    .where('message_mentions.message_id', 'in', messageIds)
    .orderBy('users.display_name')
    .execute();
}

/** Adds the confirmation (once); returns the post's count of confirmations. */
export async function acknowledge(db: Executor, messageId: string, userId: string, now: Date): Promise<number> {
  await db.insertInto('message_acks').values({ message_id: messageId, user_id: userId, created_at: now }).onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing()).execute();
  const row = await db.selectFrom('message_acks').select((eb) => eb.fn.countAll<string | number>().as('n')).where('message_id', '=', messageId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function ackCounts(db: Executor, messageIds: readonly string[]): Promise<Map<string, number>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db.selectFrom('message_acks').select('message_id').select((eb) => eb.fn.countAll<string | number>().as('n')).where('message_id', 'in', messageIds).groupBy('message_id').execute();
  return new Map(rows.map((row) => [row.message_id, Number(row.n)]));
}

export async function acknowledgedBy(db: Executor, userId: string, messageIds: readonly string[]): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const rows = await db.selectFrom('message_acks').select('message_id').where('user_id', '=', userId).where('message_id', 'in', messageIds).execute();
  return rows.map((row) => row.message_id);
}

export async function ackUserIds(db: Executor, messageId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('message_acks').select('user_id').where('message_id', '=', messageId).execute();
  return new Set(rows.map((row) => row.user_id));
}

export async function insertReport(db: Executor, values: { messageId: string; organizationId: string; reporterId: string; reason: string; messageText: string; now: Date }): Promise<string | null> {
  const row = await db
    .insertInto('message_reports')
    .values({ message_id: values.messageId, organization_id: values.organizationId, reporter_id: values.reporterId, reason: values.reason, message_text: values.messageText, created_at: values.now })
    .onConflict((oc) => oc.columns(['message_id', 'reporter_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export function listReports(db: Executor, organizationId: string, options: { reportIds?: readonly string[]; open?: boolean }) {
  let query = db
    .selectFrom('message_reports as r')
    .innerJoin('messages as m', 'm.id', 'r.message_id')
    .innerJoin('chats as c', 'c.id', 'm.chat_id')
    .innerJoin('users as reporter', 'reporter.id', 'r.reporter_id')
    .leftJoin('users as author', 'author.id', 'm.author_id')
    .select([
      'r.id',
      'r.message_id',
      'r.reason',
      'r.message_text',
      'r.created_at',
      'r.resolution',
      'r.reporter_id',
      'reporter.display_name as reporter_name',
      'm.author_id',
      'author.display_name as author_name',
      'c.id as chat_id',
      'c.title as chat_title',
      'c.class_id',
    ])
    .where('r.organization_id', '=', organizationId);
  if (options.reportIds) query = options.reportIds.length > 0 ? query.where('r.id', 'in', options.reportIds) : query.where(sql<boolean>`false`);
  if (options.open !== undefined) query = query.where('r.resolved_at', options.open ? 'is' : 'is not', null);
  return query.orderBy('r.created_at', 'desc').limit(200).execute();
}

export async function resolveReports(db: Executor, values: { messageId?: string; reportId?: string; resolution: 'deleted' | 'dismissed'; by: string; now: Date }) {
  let query = db.updateTable('message_reports').set({ resolved_at: values.now, resolved_by: values.by, resolution: values.resolution }).where('resolved_at', 'is', null);
  if (values.messageId) query = query.where('message_id', '=', values.messageId);
  if (values.reportId) query = query.where('id', '=', values.reportId);
  await query.execute();
}

export async function updateSchoolDay(db: Executor, organizationId: string, values: { studentsMayMessageEachOther: boolean; schoolDayStarts: number; schoolDayEnds: number; timeZone: string }) {
  await db
    .updateTable('organizations')
    .set({ students_may_message_each_other: values.studentsMayMessageEachOther, school_day_starts: values.schoolDayStarts, school_day_ends: values.schoolDayEnds, time_zone: values.timeZone })
    .where('id', '=', organizationId)
    .execute();
}

// --- Chats of an authority (region, municipality) across the organizations under it

const treeUnder = (rootId: string) => sql`WITH RECURSIVE tree AS (
    SELECT id FROM organizations WHERE id = ${rootId}
    UNION ALL SELECT o.id FROM organizations o JOIN tree ON o.parent_id = tree.id)`;

/** The person's current roles in the organization and every organization under it. */
export async function rolesUnder(db: Executor, userId: string, rootId: string): Promise<TRole[]> {
  const { rows } = await sql<{ role: TRole }>`${treeUnder(rootId)}
    SELECT DISTINCT m.role FROM memberships m JOIN tree ON tree.id = m.organization_id WHERE m.user_id = ${userId} AND m.ended_at IS NULL`.execute(db);
  return rows.map((row) => row.role);
}

/** The organizations whose chats the person may be in: their own and every one above them. */
export async function organizationsInReach(db: Executor, userId: string): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`WITH RECURSIVE up AS (
      SELECT organization_id AS id FROM memberships WHERE user_id = ${userId} AND ended_at IS NULL
      UNION SELECT o.parent_id FROM organizations o JOIN up ON o.id = up.id WHERE o.parent_id IS NOT NULL)
    SELECT id FROM up`.execute(db);
  return new Set(rows.map((row) => row.id));
}

/** People with a current role in the organization or any under it (optionally only with `roles`), with where they hold it. */
export async function peopleUnder(db: Executor, rootId: string, roles?: readonly TRole[]) {
  const roleFilter = roles && roles.length > 0 ? sql`AND m.role IN (${sql.join(roles)})` : sql``;
  const { rows } = await sql<{ user_id: string; display_name: string; role: TRole; organization_id: string; short_name: string }>`${treeUnder(rootId)}
    SELECT m.user_id, u.display_name, m.role, m.organization_id, o.short_name
      FROM memberships m JOIN tree ON tree.id = m.organization_id JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id
     WHERE m.ended_at IS NULL ${roleFilter}
     ORDER BY u.display_name`.execute(db);
  return rows;
}

export async function organizationKind(db: Executor, organizationId: string) {
  const row = await db.selectFrom('organizations').select('kind').where('id', '=', organizationId).executeTakeFirst();
  return row?.kind;
}
