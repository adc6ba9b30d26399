import { z } from 'zod';
import { ZPersonRef } from './school.ts';
import { ZMultiLine, ZSingleLine } from './text.ts';

// Chats (чаты): the first slice of issue 4 — group chats of an organization and durable,
// idempotent messages ordered by a per-chat sequence.

export const ZMessage = z
  .object({
    id: z.uuid(),
    chatId: z.uuid(),
    /** The message's place in its chat: 1, 2, 3… without gaps. */
    seq: z.number().int(),
    author: ZPersonRef,
    /** The id the sending client chose; a retried send with it returns this same message. */
    clientId: z.uuid(),
    text: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Message' });
export type TMessage = z.infer<typeof ZMessage>;

export const ZChat = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    kind: z.enum(['group', 'direct']),
    title: z.string(),
    memberCount: z.number().int(),
    lastMessage: ZMessage.nullable(),
    unreadCount: z.number().int(),
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

export const ZSendMessageRequest = z
  .object({
    clientId: z.uuid(),
    text: ZMultiLine(1, 4000),
  })
  .strict()
  .meta({ id: 'SendMessageRequest' });
export type TSendMessageRequest = z.infer<typeof ZSendMessageRequest>;

export const ZListMessagesQuery = z
  .object({
    /** Messages before this seq (older); the newest when absent. */
    beforeSeq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();
export type TListMessagesQuery = z.infer<typeof ZListMessagesQuery>;

export const ZListMessagesResponse = z.object({ messages: z.array(ZMessage) }).meta({ id: 'ListMessagesResponse' });
export type TListMessagesResponse = z.infer<typeof ZListMessagesResponse>;
