import {
  ZChat,
  ZListChatMembersResponse,
  ZListChatsResponse,
  ZListMessagesResponse,
  ZListReadersResponse,
  ZMessage,
  ZPersonRef,
  ZRole,
  type TCreateChatRequest,
  type TCreateClassChatRequest,
  type TReactionEmoji,
  type TSendMessageRequest,
  type TUpdateChatRequest,
} from '@parta/contracts';
import { z } from 'zod';
import { api } from '../../platform/api';
import { organizationDataKey } from '../school/school-api';

/**
 * Query keys of the chats feature. Everything starts with 'chats', so a sign-out (which removes
 * every query) or a resync (which refetches every query) covers them all.
 */
export const chatListQueryKey = ['chats', 'list'] as const;
export const chatQueryKey = (chatId: string) => ['chats', 'chat', chatId] as const;
export const chatMessagesQueryKey = (chatId: string) => ['chats', 'messages', chatId] as const;
export const chatMembersQueryKey = (chatId: string) => ['chats', 'members', chatId] as const;
export const readersQueryKey = (chatId: string, messageId: string) => ['chats', 'readers', chatId, messageId] as const;
/** Under the organization's key: switching organization or a membership change refetches it. */
export const contactsQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'contacts'] as const;

/** How many messages one page of history holds (the server allows up to 100). */
export const messagePageSize = 50;

/**
 * `GET /api/organizations/:id/contacts`: the people the signed-in person may start a direct chat
 * with. Not in @parta/contracts yet, so its shape is checked here.
 */
export const ZContact = z.object({ person: ZPersonRef, roles: z.array(ZRole) });
export type TContact = z.infer<typeof ZContact>;
export const ZListContactsResponse = z.object({ contacts: z.array(ZContact) });

/** 204 No Content: nothing to check. */
const ZNoContent = z.unknown();

const chatPath = (chatId: string) => `/api/chats/${encodeURIComponent(chatId)}`;
const messagePath = (chatId: string, messageId: string) => `${chatPath(chatId)}/messages/${encodeURIComponent(messageId)}`;
const organizationPath = (organizationId: string) => `/api/organizations/${encodeURIComponent(organizationId)}`;

export function fetchChats(signal?: AbortSignal) {
  return api.get('/api/chats', ZListChatsResponse, { signal });
}

export function fetchChat(chatId: string, signal?: AbortSignal) {
  return api.get(chatPath(chatId), ZChat, { signal });
}

export function createGroupChat(organizationId: string, body: TCreateChatRequest) {
  return api.post(`${organizationPath(organizationId)}/chats`, body, ZChat);
}

export function createDirectChat(organizationId: string, userId: string) {
  return api.post(`${organizationPath(organizationId)}/direct-chats`, { userId }, ZChat);
}

export function createClassChat(classId: string, body: TCreateClassChatRequest) {
  return api.post(`/api/classes/${encodeURIComponent(classId)}/chats`, body, ZChat);
}

export function fetchContacts(organizationId: string, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/contacts`, ZListContactsResponse, { signal });
}

export function updateChat(chatId: string, body: TUpdateChatRequest) {
  return api.patch(chatPath(chatId), body, ZChat);
}

export function fetchChatMembers(chatId: string, signal?: AbortSignal) {
  return api.get(`${chatPath(chatId)}/members`, ZListChatMembersResponse, { signal });
}

export function addChatMembers(chatId: string, userIds: string[]) {
  return api.post(`${chatPath(chatId)}/members`, { userIds }, ZNoContent);
}

export function removeChatMember(chatId: string, userId: string) {
  return api.delete(`${chatPath(chatId)}/members/${encodeURIComponent(userId)}`, ZNoContent);
}

export function leaveChat(chatId: string) {
  return api.post(`${chatPath(chatId)}/leave`, {}, ZNoContent);
}

export function setChatMuted(chatId: string, muted: boolean) {
  return api.put(`${chatPath(chatId)}/mute`, { muted }, ZNoContent);
}

export function markChatRead(chatId: string, seq: number) {
  return api.post(`${chatPath(chatId)}/read`, { seq }, ZNoContent);
}

export function sendTyping(chatId: string) {
  return api.post(`${chatPath(chatId)}/typing`, {}, ZNoContent);
}

/** Older history (`beforeSeq`, newest first) or a gap after what is loaded (`afterSeq`, oldest first). */
export function fetchMessages(chatId: string, page: { beforeSeq?: number | undefined; afterSeq?: number | undefined }, signal?: AbortSignal) {
  const params = new URLSearchParams();
  if (page.beforeSeq !== undefined) params.set('beforeSeq', String(page.beforeSeq));
  if (page.afterSeq !== undefined) params.set('afterSeq', String(page.afterSeq));
  params.set('limit', String(messagePageSize));
  return api.get(`${chatPath(chatId)}/messages?${params.toString()}`, ZListMessagesResponse, { signal });
}

export function sendMessage(chatId: string, body: TSendMessageRequest, signal?: AbortSignal) {
  return api.post(`${chatPath(chatId)}/messages`, body, ZMessage, { signal });
}

export function editMessage(chatId: string, messageId: string, text: string) {
  return api.patch(messagePath(chatId, messageId), { text }, ZMessage);
}

export function deleteMessage(chatId: string, messageId: string) {
  return api.delete(messagePath(chatId, messageId), ZMessage);
}

export function setReaction(chatId: string, messageId: string, emoji: TReactionEmoji) {
  return api.put(`${messagePath(chatId, messageId)}/reaction`, { emoji }, ZMessage);
}

export function removeReaction(chatId: string, messageId: string) {
  return api.delete(`${messagePath(chatId, messageId)}/reaction`, ZMessage);
}

export function fetchReaders(chatId: string, messageId: string, signal?: AbortSignal) {
  return api.get(`${messagePath(chatId, messageId)}/readers`, ZListReadersResponse, { signal });
}
