import { reactionEmoji, type TAttachment, type TChat, type TMessage, type TPersonRef, type TReaction, type TReactionEmoji, type TReplyQuote } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';
import { attachmentsOf } from './attachments.ts';
import * as repository from './chats.repository.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** How much of a replied-to message the quote carries. */
const quoteLength = 200;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

const storedPerson = (person: repository.StoredPerson): TPersonRef => ({ id: person.id, displayName: person.displayName, verifiedTeacher: false });

function authorOf(row: repository.MessageRow): TPersonRef | null {
  return row.author_id ? { id: row.author_id, displayName: row.author_name ?? '', verifiedTeacher: row.author_verified } : null;
}

export function quoteOf(row: repository.MessageRow): TReplyQuote {
  const deleted = row.deleted_at !== null;
  return { id: row.id, seq: row.seq, author: authorOf(row), text: deleted ? '' : row.body.slice(0, quoteLength), deleted };
}

/** Everything a message shows besides its own row: reactions, its quote, mentions, how many have read and confirmed it. */
export type MessageContext = {
  reactions: Map<string, TReaction[]>;
  quotes: Map<string, TReplyQuote>;
  /** Each person's furthest read position in the chat. */
  reads: Map<string, number>;
  mentions: Map<string, TPersonRef[]>;
  acks: Map<string, number>;
  attachments: Map<string, TAttachment[]>;
};

export const emptyContext = (): MessageContext => ({ reactions: new Map(), quotes: new Map(), reads: new Map(), mentions: new Map(), acks: new Map(), attachments: new Map() });

export function toMessage(row: repository.MessageRow, context: MessageContext): TMessage {
  const system = row.system;
  let readCount = 0;
  if (row.author_id) {
    for (const [userId, seq] of context.reads) if (userId !== row.author_id && seq >= row.seq) readCount += 1;
  }
  return {
    id: row.id,
    chatId: row.chat_id,
    seq: row.seq,
    kind: row.kind,
    author: authorOf(row),
    clientId: row.client_id,
    text: row.deleted_at ? '' : row.body,
    system: system ? { action: system.action, actor: system.actor ? storedPerson(system.actor) : null, subjects: system.subjects.map(storedPerson), title: system.title, ...(system.call ? { call: system.call } : {}), ...(system.lesson ? { lesson: system.lesson } : {}), ...(system.broadcast ? { broadcast: system.broadcast } : {}) } : null,
    replyTo: row.reply_to_id ? (context.quotes.get(row.reply_to_id) ?? null) : null,
    createdAt: iso(row.created_at)!,
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
    reactions: context.reactions.get(row.id) ?? [],
    attachments: row.deleted_at ? [] : (context.attachments.get(row.id) ?? []),
    mentions: context.mentions.get(row.id) ?? [],
    urgent: row.urgent,
    forwardedFrom: row.forwarded_from ? { author: row.forwarded_from.author ? storedPerson(row.forwarded_from.author) : null, createdAt: row.forwarded_from.createdAt } : null,
    acknowledgements: row.requires_ack ? { count: context.acks.get(row.id) ?? 0 } : null,
    readCount,
  };
}

/** Messages of one chat with their reactions, quotes, mentions and counts, in a fixed number of queries whatever their number. */
export async function toMessages(db: Executor, chatId: string, rows: readonly repository.MessageRow[]): Promise<TMessage[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const replyIds = [...new Set(rows.flatMap((row) => (row.reply_to_id ? [row.reply_to_id] : [])))];
  const [reactionRows, quoted, reads, mentionRows, acks, attachments] = await Promise.all([
    repository.reactionsOf(db, ids),
    repository.findMessages(db, replyIds),
    repository.readPositions(db, chatId),
    repository.mentionsOf(db, ids),
    repository.ackCounts(
      db,
      rows.filter((row) => row.requires_ack).map((row) => row.id),
    ),
    attachmentsOf(db, ids),
  ]);
  const mentions = new Map<string, TPersonRef[]>();
  for (const mention of mentionRows) mentions.set(mention.message_id, [...(mentions.get(mention.message_id) ?? []), { id: mention.id, displayName: mention.display_name, verifiedTeacher: Boolean(mention.verified) }]);
  const reactions = new Map<string, TReaction[]>();
  for (const reaction of reactionRows) {
    const list = reactions.get(reaction.message_id) ?? [];
    const emoji = reaction.emoji as TReactionEmoji;
    const entry = list.find((item) => item.emoji === emoji);
    if (entry) entry.userIds.push(reaction.user_id);
    else list.push({ emoji, userIds: [reaction.user_id] });
    reactions.set(reaction.message_id, list);
  }
  // The palette's order, whoever reacted first; people in the order they reacted.
  for (const list of reactions.values()) list.sort((a, b) => reactionEmoji.indexOf(a.emoji) - reactionEmoji.indexOf(b.emoji));
  const quotes = new Map(quoted.map((row) => [row.id, quoteOf(row)]));
  return rows.map((row) => toMessage(row, { reactions, quotes, reads, mentions, acks, attachments }));
}

export async function loadMessage(db: Executor, messageId: string): Promise<TMessage> {
  const row = await repository.findMessage(db, messageId);
  if (!row) throw new Error(`message ${messageId} vanished`);
  const [message] = await toMessages(db, row.chat_id, [row]);
  return message!;
}

type ChatListRow = Awaited<ReturnType<typeof repository.listChatsOf>>[number];

/** The chat as the person sees it (their role, read position, mute, the other person of a direct chat). */
export async function toChats(db: Executor, rows: readonly ChatListRow[]): Promise<TChat[]> {
  const lastIds = rows.flatMap((row) => (row.last_message_id && row.last_seq > row.joined_seq ? [row.last_message_id] : []));
  // The other person of each direct chat, with the badge of the chat's organization.
  const peerIdsByOrganization = new Map<string, string[]>();
  for (const row of rows) if (row.peer_id) peerIdsByOrganization.set(row.organization_id, [...(peerIdsByOrganization.get(row.organization_id) ?? []), row.peer_id]);
  const pinnedIds = rows.flatMap((row) => (row.pinned_message_id ? [row.pinned_message_id] : []));
  const [lastRows, lastAttachments, pinnedRows, ...peerGroups] = await Promise.all([
    repository.findMessages(db, lastIds),
    attachmentsOf(db, lastIds),
    repository.findMessages(db, pinnedIds),
    ...[...peerIdsByOrganization].map(async ([organizationId, ids]) => (await repository.people(db, organizationId, ids)).map((person) => ({ ...person, organizationId }))),
  ]);
  // The list shows the last message as asLastMessage describes it (the rest loads with the chat).
  const last = new Map(lastRows.map((row) => [row.id, toMessage(row, { ...emptyContext(), attachments: lastAttachments })]));
  const pinned = new Map(pinnedRows.map((row) => [row.id, quoteOf(row)]));
  const peers = new Map(peerGroups.flat().map((row) => [`${row.organizationId}:${row.id}`, { id: row.id, displayName: row.display_name, verifiedTeacher: Boolean(row.verified) }]));
  return rows.map((row) => {
    const peer = row.peer_id ? (peers.get(`${row.organization_id}:${row.peer_id}`) ?? null) : null;
    return {
      id: row.id,
      organizationId: row.organization_id,
      kind: row.kind,
      title: row.kind === 'direct' && peer ? peer.displayName : row.title,
      classId: row.class_id,
      peer,
      memberCount: row.member_count,
      lastMessage: row.last_message_id ? (last.get(row.last_message_id) ?? null) : null,
      lastSeq: row.last_seq,
      lastReadSeq: Math.max(row.last_read_seq, row.joined_seq),
      unreadCount: Math.max(0, row.last_seq - Math.max(row.last_read_seq, row.joined_seq)),
      myRole: row.role,
      onlyAdminsWrite: row.only_admins_write,
      canWrite: !row.only_admins_write || row.role === 'admin',
      muted: row.muted,
      unreadMentionCount: row.unread_mentions,
      description: row.description,
      systemChannel: row.system_channel,
      pinned: row.pinned_message_id ? (pinned.get(row.pinned_message_id) ?? null) : null,
    };
  });
}

export async function chatFor(db: Executor, userId: string, chatId: string): Promise<TChat | undefined> {
  const [chat] = await toChats(db, await repository.listChatsOf(db, userId, chatId));
  return chat;
}

/** The pinned message of a chat as `chat.updated` carries it. */
export async function pinnedQuote(db: Executor, pinnedMessageId: string | null): Promise<TReplyQuote | null> {
  if (!pinnedMessageId) return null;
  const row = await repository.findMessage(db, pinnedMessageId);
  return row ? quoteOf(row) : null;
}
