import { z } from 'zod';
import { ZRole } from './organizations.ts';
import { ZPersonRef } from './school.ts';
import { ruMessage, ZMultiLine, ZSingleLine } from './text.ts';

// Chats (чаты), PRODUCT.md §4: group chats of an organization, chats bound to a class (class
// chat, parents' chat) whose members follow the roster, direct chats; durable, idempotent
// messages ordered by a per-chat sequence, with replies, edits, deletion, reactions and read state.

export const chatKinds = ['group', 'class', 'parents', 'direct'] as const;
export const ZChatKind = z.enum(chatKinds);
export type TChatKind = z.infer<typeof ZChatKind>;

/** The reactions Parta offers: a small, friendly set (no free-form emoji in a school). */
export const reactionEmoji = ['👍', '❤️', '😂', '😮', '😢', '🙏', '👏', '🔥'] as const;
export const ZReactionEmoji = z.enum(reactionEmoji);
export type TReactionEmoji = z.infer<typeof ZReactionEmoji>;

export const ZReaction = z.object({ emoji: ZReactionEmoji, userIds: z.array(z.uuid()) }).meta({ id: 'Reaction' });
export type TReaction = z.infer<typeof ZReaction>;

/** What a system message records («добавил участников», «вышла из чата»…). */
export const ZSystemEvent = z
  .object({
    action: z.enum(['created', 'added', 'removed', 'left', 'joined', 'renamed', 'onlyAdminsWrite', 'everyoneWrites']),
    /** Who did it (null when the roster did it: a student joined or left the class). */
    actor: ZPersonRef.nullable(),
    /** Whom it concerns (added, removed, joined, left). */
    subjects: z.array(ZPersonRef),
    /** The new title (renamed). */
    title: z.string().nullable(),
  })
  .meta({ id: 'SystemEvent' });
export type TSystemEvent = z.infer<typeof ZSystemEvent>;

export const ZReplyQuote = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    author: ZPersonRef.nullable(),
    /** The start of the quoted text (empty when it was deleted). */
    text: z.string(),
    deleted: z.boolean(),
  })
  .meta({ id: 'ReplyQuote' });
export type TReplyQuote = z.infer<typeof ZReplyQuote>;

export const ZMessage = z
  .object({
    id: z.uuid(),
    chatId: z.uuid(),
    /** The message's place in its chat: 1, 2, 3… without gaps. */
    seq: z.number().int(),
    kind: z.enum(['text', 'system']),
    /** Null for system messages. */
    author: ZPersonRef.nullable(),
    /** The id the sending client chose; a retried send with it returns this same message. Null for system messages. */
    clientId: z.uuid().nullable(),
    /** Plain text with light markup (**bold**, _italic_, `code`, links), rendered by the client without HTML; empty once deleted. */
    text: z.string(),
    system: ZSystemEvent.nullable(),
    replyTo: ZReplyQuote.nullable(),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    /** Deleted for everyone: the text is gone, a mark «сообщение удалено» stays in its place. */
    deletedAt: z.iso.datetime().nullable(),
    reactions: z.array(ZReaction),
    /**
     * How many members other than the author have read it («прочитали N»): shown to the author, and
     * kept current for the author only (chat.read events go to the authors of what was read).
     */
    readCount: z.number().int(),
  })
  .meta({ id: 'Message' });
export type TMessage = z.infer<typeof ZMessage>;

export const ZChat = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    kind: ZChatKind,
    /** For a direct chat: the other person's name. */
    title: z.string(),
    /** The class a class or parents' chat follows; null otherwise. */
    classId: z.uuid().nullable(),
    /** The other person of a direct chat. */
    peer: ZPersonRef.nullable(),
    memberCount: z.number().int(),
    /** The newest message, without its quote, reactions and read count (asLastMessage). */
    lastMessage: ZMessage.nullable(),
    /** The newest message's seq and how far the signed-in person has read. */
    lastSeq: z.number().int(),
    lastReadSeq: z.number().int(),
    unreadCount: z.number().int(),
    myRole: z.enum(['admin', 'member']),
    /** «Пишут только администраторы» (announcements). */
    onlyAdminsWrite: z.boolean(),
    /** Whether the signed-in person may send here now. */
    canWrite: z.boolean(),
    /** The person muted it: no notifications, unread still counted. */
    muted: z.boolean(),
  })
  .meta({ id: 'Chat' });
export type TChat = z.infer<typeof ZChat>;

export const ZListChatsResponse = z.object({ chats: z.array(ZChat) }).meta({ id: 'ListChatsResponse' });
export type TListChatsResponse = z.infer<typeof ZListChatsResponse>;

export const ZCreateChatRequest = z
  .object({
    title: ZSingleLine(1, 100),
    /** People of the organization to add besides the creator. */
    memberIds: z.array(z.uuid()).min(1).max(1000),
  })
  .strict()
  .meta({ id: 'CreateChatRequest' });
export type TCreateChatRequest = z.infer<typeof ZCreateChatRequest>;

/** A direct chat with one person of the organization; an existing one is returned (200). */
export const ZCreateDirectChatRequest = z.object({ userId: z.uuid() }).strict().meta({ id: 'CreateDirectChatRequest' });
export type TCreateDirectChatRequest = z.infer<typeof ZCreateDirectChatRequest>;

/**
 * The class chat (students and teachers of the class) or the parents' chat (parents of its
 * students and its teachers); at most one of each per class, an existing one is returned (200).
 */
export const ZCreateClassChatRequest = z
  .object({ kind: z.enum(['class', 'parents']), title: ZSingleLine(1, 100).optional() })
  .strict()
  .meta({ id: 'CreateClassChatRequest' });
export type TCreateClassChatRequest = z.infer<typeof ZCreateClassChatRequest>;

export const ZUpdateChatRequest = z
  .object({ title: ZSingleLine(1, 100).optional(), onlyAdminsWrite: z.boolean().optional() })
  .strict()
  .refine((value) => value.title !== undefined || value.onlyAdminsWrite !== undefined, ruMessage('nothing to change', 'нечего менять'))
  .meta({ id: 'UpdateChatRequest' });
export type TUpdateChatRequest = z.infer<typeof ZUpdateChatRequest>;

export const ZAddChatMembersRequest = z.object({ userIds: z.array(z.uuid()).min(1).max(1000) }).strict().meta({ id: 'AddChatMembersRequest' });
export type TAddChatMembersRequest = z.infer<typeof ZAddChatMembersRequest>;

export const ZChatMember = z
  .object({
    person: ZPersonRef,
    chatRole: z.enum(['admin', 'member']),
    /** Their roles in the chat's organization (the badges). */
    roles: z.array(ZRole),
    /** The newest use of any of their sessions; null when never or hidden. */
    lastSeenAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ChatMember' });
export type TChatMember = z.infer<typeof ZChatMember>;

export const ZListChatMembersResponse = z.object({ members: z.array(ZChatMember) }).meta({ id: 'ListChatMembersResponse' });

export const ZMuteChatRequest = z.object({ muted: z.boolean() }).strict().meta({ id: 'MuteChatRequest' });
export type TMuteChatRequest = z.infer<typeof ZMuteChatRequest>;

export const ZMarkReadRequest = z.object({ seq: z.number().int().min(0) }).strict().meta({ id: 'MarkReadRequest' });
export type TMarkReadRequest = z.infer<typeof ZMarkReadRequest>;

export const ZSendMessageRequest = z
  .object({
    clientId: z.uuid(),
    text: ZMultiLine(1, 4000),
    /** A message of the same chat this one answers (shown as a quote). */
    replyToId: z.uuid().optional(),
  })
  .strict()
  .meta({ id: 'SendMessageRequest' });
export type TSendMessageRequest = z.infer<typeof ZSendMessageRequest>;

export const ZEditMessageRequest = z.object({ text: ZMultiLine(1, 4000) }).strict().meta({ id: 'EditMessageRequest' });
export type TEditMessageRequest = z.infer<typeof ZEditMessageRequest>;

/** One reaction per person per message: setting another replaces it. */
export const ZSetReactionRequest = z.object({ emoji: ZReactionEmoji }).strict().meta({ id: 'SetReactionRequest' });
export type TSetReactionRequest = z.infer<typeof ZSetReactionRequest>;

export const ZListMessagesQuery = z
  .object({
    /** Messages before this seq (older); the newest when absent. */
    beforeSeq: z.coerce.number().int().min(1).optional(),
    /** Messages after this seq (newer, oldest first) — to fill a gap; excludes beforeSeq. */
    afterSeq: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict()
  .refine((value) => value.beforeSeq === undefined || value.afterSeq === undefined, ruMessage('use beforeSeq or afterSeq, not both', 'укажите beforeSeq или afterSeq, не оба'));
export type TListMessagesQuery = z.infer<typeof ZListMessagesQuery>;

/** Newest first for `beforeSeq` (and the default), oldest first for `afterSeq`. */
export const ZListMessagesResponse = z.object({ messages: z.array(ZMessage) }).meta({ id: 'ListMessagesResponse' });
export type TListMessagesResponse = z.infer<typeof ZListMessagesResponse>;

/** (The author only) the members who have read a message. */
export const ZListReadersResponse = z.object({ readers: z.array(ZPersonRef) }).meta({ id: 'ListReadersResponse' });
export type TListReadersResponse = z.infer<typeof ZListReadersResponse>;

/** Ephemeral (not stored, may drop): someone is typing in a chat. */
export const ZTypingSignal = z.object({ chatId: z.uuid(), user: ZPersonRef }).meta({ id: 'TypingSignal' });
export type TTypingSignal = z.infer<typeof ZTypingSignal>;

export const ZSearchMessagesQuery = z
  .object({
    q: ZSingleLine(2, 200),
    /** Only in this chat; across all of one's chats when absent. */
    chatId: z.uuid().optional(),
  })
  .strict();
export type TSearchMessagesQuery = z.infer<typeof ZSearchMessagesQuery>;

/** Newest first, at most 50; only from chats the person is in now, never from before they joined. */
export const ZSearchMessagesResponse = z
  .object({ results: z.array(z.object({ chatId: z.uuid(), chatTitle: z.string(), message: ZMessage })) })
  .meta({ id: 'SearchMessagesResponse' });
export type TSearchMessagesResponse = z.infer<typeof ZSearchMessagesResponse>;
