import { z } from 'zod';
import { ZAttachment, ZAttachmentTokens } from './attachments.ts';
import { ZRole } from './organizations.ts';
import { ZPersonRef } from './school.ts';
import { ruMessage, ZMultiLine, ZSingleLine } from './text.ts';

// Chats (чаты) and channels (каналы), PRODUCT.md §4–5: group chats of an organization, chats
// bound to a class (class chat, parents' chat) whose members follow the roster, direct chats,
// channels; durable, idempotent messages ordered by a per-chat sequence, with replies, edits,
// deletion, reactions, mentions, forwarding, pinning, acknowledgements and read state.

export const chatKinds = ['group', 'class', 'parents', 'direct', 'channel'] as const;
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
    action: z.enum(['created', 'added', 'removed', 'left', 'joined', 'renamed', 'onlyAdminsWrite', 'everyoneWrites', 'pinned', 'call', 'lesson', 'broadcast']),
    /** Who did it (null when the roster did it: a student joined or left the class). */
    actor: ZPersonRef.nullable(),
    /** Whom it concerns (added, removed, joined, left). */
    subjects: z.array(ZPersonRef),
    /** The new title (renamed). */
    title: z.string().nullable(),
    /** (call) How a call ended: «Звонок, 3 мин», «Пропущенный звонок», «Звонок отклонён». The actor started it. */
    call: z
      .object({
        callId: z.uuid(),
        outcome: z.enum(['ended', 'missed', 'declined']),
        video: z.boolean(),
        /** From the first answer to the end; null when nobody answered. */
        durationSeconds: z.number().int().nonnegative().nullable(),
      })
      .optional(),
    /** (lesson) A lesson was scheduled, started or ended in this class chat; when ended, with its attendance. */
    lesson: z
      .object({
        lessonId: z.uuid(),
        title: z.string(),
        outcome: z.enum(['scheduled', 'started', 'ended']),
        scheduledFor: z.iso.datetime().nullable(),
        durationSeconds: z.number().int().nonnegative().nullable(),
        attendance: z.array(z.object({ person: ZPersonRef, joinedAt: z.iso.datetime().nullable(), seconds: z.number().int().nonnegative() })).nullable(),
      })
      .optional(),
    /** (broadcast) In «Общешкольный канал»: a broadcast of the school was planned, went live, ended (with how many watched at most) or was cancelled. */
    broadcast: z
      .object({
        broadcastId: z.uuid(),
        title: z.string(),
        outcome: z.enum(['scheduled', 'started', 'ended', 'cancelled']),
        scheduledFor: z.iso.datetime().nullable(),
        peakViewers: z.number().int().nonnegative().nullable(),
      })
      .optional(),
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
    /** Files, images (with previews), video, audio, in the author's order; [] once deleted. */
    attachments: z.array(ZAttachment),
    /** People of the chat the author named with @ (they are notified even in a muted chat). */
    mentions: z.array(ZPersonRef),
    /** Marked «срочно» by the author: delivered with sound even in staff's quiet hours. */
    urgent: z.boolean(),
    /** A forwarded message: who wrote the original and when. */
    forwardedFrom: z.object({ author: ZPersonRef.nullable(), createdAt: z.iso.datetime() }).nullable(),
    /** A channel post asking «прочитал и подтверждаю»: how many have confirmed (current for the channel's administrators). */
    acknowledgements: z.object({ count: z.number().int() }).nullable(),
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
    /** The newest message, without its quote, reactions, mentions and counts (asLastMessage). */
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
    /** Unread messages that mention the person. */
    unreadMentionCount: z.number().int(),
    /** A channel's description; empty for chats. */
    description: z.string(),
    /** «Общешкольный канал» (everyone) or «Сотрудники» (staff): made by Parta, membership follows the organization. */
    systemChannel: z.enum(['school', 'staff']).nullable(),
    /** The pinned message, quoted. */
    pinned: ZReplyQuote.nullable(),
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
    /** May be empty only when forwarding or sending attachments. */
    text: ZMultiLine(0, 4000).default(''),
    /** Upload tokens (POST /api/uploads?purpose=chat_attachment), at most 10, in display order. */
    attachmentTokens: ZAttachmentTokens.optional(),
    /** A message of the same chat this one answers (shown as a quote). */
    replyToId: z.uuid().optional(),
    /** Members of the chat named with @. */
    mentionIds: z.array(z.uuid()).max(50).optional(),
    /** «Срочно»: not held back by staff's quiet hours. */
    urgent: z.boolean().optional(),
    /** (Channel administrators) ask readers to confirm «прочитал и подтверждаю». */
    requiresAck: z.boolean().optional(),
    /** Forward this message (from any chat the sender can read); `text` and attachments must then be empty. */
    forwardFromId: z.uuid().optional(),
  })
  .strict()
  .refine((value) => value.text.length > 0 || value.forwardFromId !== undefined || (value.attachmentTokens?.length ?? 0) > 0, { ...ruMessage('write a message', 'напишите сообщение'), path: ['text'] })
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
export const ZListMessagesResponse = z
  .object({
    messages: z.array(ZMessage),
    /** Which of these messages the signed-in person has confirmed («прочитал и подтверждаю»). */
    acknowledged: z.array(z.uuid()),
  })
  .meta({ id: 'ListMessagesResponse' });
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

export const ZPinMessageRequest = z.object({ messageId: z.uuid() }).strict().meta({ id: 'PinMessageRequest' });
export type TPinMessageRequest = z.infer<typeof ZPinMessageRequest>;

/** A channel made by staff; its members subscribe. */
export const ZCreateChannelRequest = z
  .object({ title: ZSingleLine(1, 100), description: ZMultiLine(0, 500).default('') })
  .strict()
  .meta({ id: 'CreateChannelRequest' });
export type TCreateChannelRequest = z.infer<typeof ZCreateChannelRequest>;

/** A channel of the organization as anyone of it may find it. */
export const ZChannelSummary = z
  .object({ id: z.uuid(), title: z.string(), description: z.string(), memberCount: z.number().int(), systemChannel: z.enum(['school', 'staff']).nullable(), subscribed: z.boolean() })
  .meta({ id: 'ChannelSummary' });
export type TChannelSummary = z.infer<typeof ZChannelSummary>;

/** (Channel administrators, the author) who confirmed a post and who has not yet. */
export const ZAcknowledgementsResponse = z
  .object({ confirmed: z.array(ZPersonRef), pending: z.array(ZPersonRef) })
  .meta({ id: 'AcknowledgementsResponse' });
export type TAcknowledgementsResponse = z.infer<typeof ZAcknowledgementsResponse>;

export const ZReportMessageRequest = z.object({ reason: ZMultiLine(1, 500) }).strict().meta({ id: 'ReportMessageRequest' });
export type TReportMessageRequest = z.infer<typeof ZReportMessageRequest>;

export const ZMessageReport = z
  .object({
    id: z.uuid(),
    chatId: z.uuid(),
    chatTitle: z.string(),
    messageId: z.uuid(),
    /** What the message said when it was reported. */
    messageText: z.string(),
    author: ZPersonRef.nullable(),
    reporter: ZPersonRef,
    reason: z.string(),
    createdAt: z.iso.datetime(),
    status: z.enum(['open', 'deleted', 'dismissed']),
  })
  .meta({ id: 'MessageReport' });
export type TMessageReport = z.infer<typeof ZMessageReport>;

export const ZResolveReportRequest = z.object({ action: z.enum(['delete', 'dismiss']) }).strict().meta({ id: 'ResolveReportRequest' });
export type TResolveReportRequest = z.infer<typeof ZResolveReportRequest>;

const ZTimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, ruMessage('unknown time zone', 'неизвестный часовой пояс'));

/** The organization's chat rules. */
export const ZOrganizationChatSettings = z
  .object({
    studentsMayMessageEachOther: z.boolean(),
    /** School hours, local time of `timeZone`: parents' messages to staff outside them arrive quietly unless urgent. */
    schoolDayStarts: z.number().int().min(0).max(23),
    schoolDayEnds: z.number().int().min(1).max(24),
    /** An IANA time zone, e.g. Europe/Moscow. */
    timeZone: z.string(),
  })
  .meta({ id: 'OrganizationChatSettings' });
export type TOrganizationChatSettings = z.infer<typeof ZOrganizationChatSettings>;

/** (Administrators) change some of the rules; the school day must still start before it ends. */
export const ZUpdateOrganizationChatSettings = z
  .object({
    studentsMayMessageEachOther: z.boolean().optional(),
    schoolDayStarts: z.number().int().min(0).max(23).optional(),
    schoolDayEnds: z.number().int().min(1).max(24).optional(),
    timeZone: ZTimeZone.optional(),
  })
  .strict()
  .meta({ id: 'UpdateOrganizationChatSettings' });
export type TUpdateOrganizationChatSettings = z.infer<typeof ZUpdateOrganizationChatSettings>;

/** A link that lets people of the chat's organization join it (chat administrators who are staff make them). */
export const ZCreateChatInvitationRequest = z
  .object({ expiresInDays: z.number().int().min(1).max(30).optional(), maxUses: z.number().int().min(1).max(1000).optional() })
  .strict()
  .meta({ id: 'CreateChatInvitationRequest' });
export type TCreateChatInvitationRequest = z.infer<typeof ZCreateChatInvitationRequest>;

export const ZChatInvitation = z
  .object({
    id: z.uuid(),
    maxUses: z.number().int(),
    uses: z.number().int(),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    state: z.enum(['active', 'expired', 'used_up', 'revoked']),
  })
  .meta({ id: 'ChatInvitation' });
export type TChatInvitation = z.infer<typeof ZChatInvitation>;

/** Shown once, when made: the secret is stored only as a hash. */
export const ZCreatedChatInvitation = ZChatInvitation.extend({ token: z.string(), url: z.string() }).meta({ id: 'CreatedChatInvitation' });
export type TCreatedChatInvitation = z.infer<typeof ZCreatedChatInvitation>;

export const ZChatInvitationPreview = z
  .object({ chatTitle: z.string(), kind: ZChatKind, organizationShortName: z.string(), memberCount: z.number().int(), alreadyMember: z.boolean(), chatId: z.uuid().nullable() })
  .meta({ id: 'ChatInvitationPreview' });
export type TChatInvitationPreview = z.infer<typeof ZChatInvitationPreview>;

/** Someone the signed-in person may start a direct chat with (`GET /api/organizations/:id/contacts`). */
export const ZContact = z.object({ person: ZPersonRef, roles: z.array(ZRole) }).meta({ id: 'Contact' });
export type TContact = z.infer<typeof ZContact>;
export const ZContactsResponse = z.object({ contacts: z.array(ZContact) }).meta({ id: 'ContactsResponse' });
export type TContactsResponse = z.infer<typeof ZContactsResponse>;
