import {
  attachmentContentTypes,
  ZAcknowledgementsResponse,
  ZChannelSummary,
  ZChat,
  ZChatInvitation,
  ZChatInvitationPreview,
  ZCreatedChatInvitation,
  ZListChatMembersResponse,
  ZListChatsResponse,
  ZListMessagesResponse,
  ZListReadersResponse,
  ZMessage,
  ZMessageReport,
  ZOrganizationChatSettings,
  ZPersonRef,
  ZRole,
  ZSearchMessagesResponse,
  ZUploadResponse,
  type TCreateChannelRequest,
  type TCreateChatInvitationRequest,
  type TCreateChatRequest,
  type TCreateClassChatRequest,
  type TReactionEmoji,
  type TSendMessageRequest,
  type TUpdateChatRequest,
  type TUpdateOrganizationChatSettings,
} from '@parta/contracts';
import { z } from 'zod';
import { api, uploadFile, type UploadProgress } from '../../platform/api';
import { fileNameForUpload } from '../registration/registration-api';
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
export const acknowledgementsQueryKey = (chatId: string, messageId: string) => ['chats', 'acks', chatId, messageId] as const;
export const chatInvitationsQueryKey = (chatId: string) => ['chats', 'invitations', chatId] as const;
export const searchQueryKey = (q: string, chatId: string | null) => ['chats', 'search', chatId, q] as const;
export const channelsQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'channels'] as const;
export const networkPeopleQueryKey = (organizationId: string, role: string) => [...organizationDataKey(organizationId), 'network-people', role] as const;
export const chatSettingsQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'chat-settings'] as const;
/** Every status of the organization's report queue starts with this. */
export const reportsQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'message-reports'] as const;
/** Per person: `alreadyMember` depends on who asks. */
export const chatInvitationPreviewQueryKey = (token: string, viewerId: string) => ['chats', 'invitation-preview', token, viewerId] as const;

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

/** `text` may be left out (a forward, files alone): the server takes it as empty. */
export function sendMessage(chatId: string, body: Omit<TSendMessageRequest, 'text'> & { text?: string }, signal?: AbortSignal) {
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

// --- Attachments

/**
 * A type the server takes goes with its own Content-Type; anything else as
 * application/octet-stream (the content decides, and a JSON body would be read as JSON).
 */
function uploadContentType(file: Blob): string {
  return (attachmentContentTypes as readonly string[]).includes(file.type) ? file.type : 'application/octet-stream';
}

/** `POST /api/uploads?purpose=chat_attachment`: the raw bytes, with progress; answers with the token to send. */
export function uploadAttachment(file: File, options: { onProgress: (progress: UploadProgress) => void; signal: AbortSignal }) {
  const query = new URLSearchParams({ purpose: 'chat_attachment', name: fileNameForUpload(file.name) });
  return uploadFile(`/api/uploads?${query.toString()}`, file, ZUploadResponse, { ...options, contentType: uploadContentType(file) });
}

// --- Pinning, acknowledgements, reports

export function pinMessage(chatId: string, messageId: string) {
  return api.put(`${chatPath(chatId)}/pin`, { messageId }, ZChat);
}

export function unpinMessage(chatId: string) {
  return api.delete(`${chatPath(chatId)}/pin`, ZChat);
}

export function acknowledgeMessage(chatId: string, messageId: string) {
  return api.post(`${messagePath(chatId, messageId)}/ack`, {}, ZNoContent);
}

export function fetchAcknowledgements(chatId: string, messageId: string, signal?: AbortSignal) {
  return api.get(`${messagePath(chatId, messageId)}/acks`, ZAcknowledgementsResponse, { signal });
}

export function reportMessage(chatId: string, messageId: string, reason: string) {
  return api.post(`${messagePath(chatId, messageId)}/report`, { reason }, z.object({ id: z.string() }));
}

export const ZListReportsResponse = z.object({ reports: z.array(ZMessageReport) });

export function fetchReports(organizationId: string, status: 'open' | 'closed', signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/message-reports?status=${status}`, ZListReportsResponse, { signal });
}

export function resolveReport(organizationId: string, reportId: string, action: 'delete' | 'dismiss') {
  return api.post(`${organizationPath(organizationId)}/message-reports/${encodeURIComponent(reportId)}/resolve`, { action }, ZNoContent);
}

// --- Search

export function searchMessages(q: string, chatId: string | null, signal?: AbortSignal) {
  const params = new URLSearchParams({ q });
  if (chatId) params.set('chatId', chatId);
  return api.get(`/api/chats/search?${params.toString()}`, ZSearchMessagesResponse, { signal });
}

// --- Channels

export const ZListChannelsResponse = z.object({ channels: z.array(ZChannelSummary) });
export type TListChannelsResponse = z.infer<typeof ZListChannelsResponse>;

export function fetchChannels(organizationId: string, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/channels`, ZListChannelsResponse, { signal });
}

export function createChannel(organizationId: string, body: TCreateChannelRequest) {
  return api.post(`${organizationPath(organizationId)}/channels`, body, ZChat);
}

export function subscribeToChannel(chatId: string) {
  return api.post(`${chatPath(chatId)}/subscribe`, {}, ZChat);
}

// --- Invitation links

export function createChatInvitation(chatId: string, body: TCreateChatInvitationRequest = {}) {
  return api.post(`${chatPath(chatId)}/invitations`, body, ZCreatedChatInvitation);
}

export function fetchChatInvitations(chatId: string, signal?: AbortSignal) {
  return api.get(`${chatPath(chatId)}/invitations`, z.object({ invitations: z.array(ZChatInvitation) }), { signal });
}

export function revokeChatInvitation(chatId: string, invitationId: string) {
  return api.delete(`${chatPath(chatId)}/invitations/${encodeURIComponent(invitationId)}`, ZChatInvitation);
}

export function fetchChatInvitationPreview(token: string, signal?: AbortSignal) {
  return api.get(`/api/chat-invitations/${encodeURIComponent(token)}`, ZChatInvitationPreview, { signal });
}

export function acceptChatInvitation(token: string) {
  return api.post(`/api/chat-invitations/${encodeURIComponent(token)}/accept`, {}, ZChat);
}

// --- The organization's chat rules and an authority's people

export function fetchChatSettings(organizationId: string, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/chat-settings`, ZOrganizationChatSettings, { signal });
}

export function updateChatSettings(organizationId: string, body: TUpdateOrganizationChatSettings) {
  return api.put(`${organizationPath(organizationId)}/chat-settings`, body, ZOrganizationChatSettings);
}

export const networkRoles = ['administrator', 'director', 'teacher'] as const;
export type NetworkRole = (typeof networkRoles)[number];
export const ZNetworkPerson = z.object({ person: ZPersonRef, roles: z.array(ZRole), organizations: z.array(z.string()) });
export type TNetworkPerson = z.infer<typeof ZNetworkPerson>;

/** `GET …/network-people`: staff of an authority and of the organizations under it (its administrators and directors ask). */
export function fetchNetworkPeople(organizationId: string, role: NetworkRole | null, signal?: AbortSignal) {
  const query = role ? `?role=${role}` : '';
  return api.get(`${organizationPath(organizationId)}/network-people${query}`, z.object({ people: z.array(ZNetworkPerson) }), { signal });
}
