import {
  ZAcknowledgementsResponse,
  ZAddChatMembersRequest,
  ZChannelSummary,
  ZContactsResponse,
  ZChatInvitation,
  ZChatInvitationPreview,
  ZCreateChatInvitationRequest,
  ZCreatedChatInvitation,
  ZCreateChannelRequest,
  ZMessageReport,
  ZOrganizationChatSettings,
  ZPinMessageRequest,
  ZReportMessageRequest,
  ZResolveReportRequest,
  ZUpdateOrganizationChatSettings,
  ZChat,
  ZCreateChatRequest,
  ZCreateClassChatRequest,
  ZCreateDirectChatRequest,
  ZEditMessageRequest,
  ZListChatMembersResponse,
  ZListChatsResponse,
  ZListMessagesQuery,
  ZListMessagesResponse,
  ZListReadersResponse,
  ZMarkReadRequest,
  ZMessage,
  ZMuteChatRequest,
  ZPersonRef,
  ZRole,
  ZSearchMessagesQuery,
  ZSearchMessagesResponse,
  ZSendMessageRequest,
  ZSetReactionRequest,
  ZUpdateChatRequest,
} from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatsService } from './chats.service.ts';
import { sendsOverloaded, type MessagesService } from './messages.service.ts';
import type { ReportsService } from './reports.service.ts';
import type { ChatInvitationsService } from './chat-invitations.service.ts';

const noQuery = z.object({}).strict();
const ZChatParams = z.object({ chatId: z.uuid() }).strict();
const ZMessageParams = z.object({ chatId: z.uuid(), messageId: z.uuid() }).strict();
const ZOrganizationParams = z.object({ organizationId: z.uuid() }).strict();
const ZNoContent = z.null();
/** A POST that carries nothing: an empty body, `{}`, or none. */
const noBody = z.object({}).strict().nullish();

/** Chats, their members and messages (issue 4; docs/subsystems/chats.md). */
/** The route messages are sent by. */
const sendMessageUrl = '/api/chats/:chatId/messages';

/**
 * Refuses new sends (503, Retry-After) while this node is at its limit of sends in progress —
 * before anything else runs for them. Installed ahead of authentication: under overload, clients
 * retry, and a refusal that looked the session up first would spend the database on requests it
 * turns away, until nothing else got through.
 */
export function installSendLoadShedding(app: FastifyInstance, messages: Pick<MessagesService, 'isOverloaded'>) {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'POST' && request.routeOptions.url === sendMessageUrl && messages.isOverloaded()) throw sendsOverloaded();
  });
}

export function registerChatRoutes(app: FastifyInstance, deps: { chats: ChatsService; messages: MessagesService; reports: ReportsService; chatInvitations: ChatInvitationsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { chats, messages, reports, chatInvitations } = deps;
  const tags = ['chats'];

  // --- Chats

  r.get('/api/chats', { schema: { summary: 'The chats the signed-in person is in, newest activity first', tags, querystring: noQuery, response: { 200: ZListChatsResponse } } }, async (request) => ({
    chats: await chats.listChats(request.identity),
  }));

  r.get(
    '/api/chats/search',
    { schema: { summary: 'Search messages in one chat or all of one’s chats (Russian morphology; only chats one is in, never from before joining)', tags, querystring: ZSearchMessagesQuery, response: { 200: ZSearchMessagesResponse } } },
    async (request) => ({ results: await messages.search(request.identity, request.query) }),
  );

  r.get('/api/chats/:chatId', { schema: { summary: 'One chat as the signed-in member sees it', tags, params: ZChatParams, querystring: noQuery, response: { 200: ZChat } } }, async (request) =>
    chats.getChat(request.identity, request.params.chatId),
  );

  r.post(
    '/api/organizations/:organizationId/chats',
    { schema: { summary: 'Create a group chat of the organization (staff; unverified teachers only with colleagues)', tags, params: ZOrganizationParams, body: ZCreateChatRequest, response: { 201: ZChat } } },
    async (request, reply) => reply.code(201).send(await chats.createChat(request.identity, request.params.organizationId, request.body)),
  );

  r.post(
    '/api/organizations/:organizationId/direct-chats',
    {
      schema: {
        summary: 'Open the direct chat with a person: the existing one (200) or a new one (201) where the policy allows',
        tags,
        params: ZOrganizationParams,
        body: ZCreateDirectChatRequest,
        response: { 200: ZChat, 201: ZChat },
      },
    },
    async (request, reply) => {
      const { chat, created } = await chats.openDirectChat(request.identity, request.params.organizationId, request.body.userId);
      return reply.code(created ? 201 : 200).send(chat);
    },
  );

  r.get(
    '/api/organizations/:organizationId/contacts',
    { schema: { summary: 'The people the signed-in member may start a direct chat with', tags, params: ZOrganizationParams, querystring: noQuery, response: { 200: ZContactsResponse } } },
    async (request) => ({ contacts: await chats.contacts(request.identity, request.params.organizationId) }),
  );

  r.get(
    '/api/organizations/:organizationId/network-people',
    {
      schema: {
        summary: 'Staff of the organization and of those under it, for an authority’s chats (its administrators and directors)',
        tags,
        params: ZOrganizationParams,
        querystring: z.object({ role: z.enum(['administrator', 'director', 'teacher']).optional() }).strict(),
        response: { 200: z.object({ people: z.array(z.object({ person: ZPersonRef, roles: z.array(ZRole), organizations: z.array(z.string()) })) }) },
      },
    },
    async (request) => ({ people: await chats.networkPeople(request.identity, request.params.organizationId, request.query.role ? [request.query.role] : []) }),
  );

  r.get(
    '/api/organizations/:organizationId/chat-settings',
    { schema: { summary: 'The organization’s chat rules (members)', tags, params: ZOrganizationParams, querystring: noQuery, response: { 200: ZOrganizationChatSettings } } },
    async (request) => chats.chatSettings(request.identity, request.params.organizationId),
  );

  r.put(
    '/api/organizations/:organizationId/chat-settings',
    { schema: { summary: 'Change some of the organization’s chat rules (administrators)', tags, params: ZOrganizationParams, body: ZUpdateOrganizationChatSettings, response: { 200: ZOrganizationChatSettings } } },
    async (request) => chats.updateChatSettings(request.identity, request.params.organizationId, request.body),
  );

  r.post(
    '/api/classes/:classId/chats',
    {
      schema: {
        summary: 'Open the class chat or the parents’ chat of a class (administrators, verified class teachers); members follow the roster',
        tags,
        params: z.object({ classId: z.uuid() }).strict(),
        body: ZCreateClassChatRequest,
        response: { 200: ZChat, 201: ZChat },
      },
    },
    async (request, reply) => {
      const { chat, created } = await chats.openClassChat(request.identity, request.params.classId, request.body);
      return reply.code(created ? 201 : 200).send(chat);
    },
  );

  r.patch(
    '/api/chats/:chatId',
    { schema: { summary: 'Rename a chat or switch «only administrators write» (chat administrators)', tags, params: ZChatParams, body: ZUpdateChatRequest, response: { 200: ZChat } } },
    async (request) => chats.updateChat(request.identity, request.params.chatId, request.body),
  );

  r.get(
    '/api/chats/:chatId/members',
    { schema: { summary: 'The chat’s members with role badges and last seen', tags, params: ZChatParams, querystring: noQuery, response: { 200: ZListChatMembersResponse } } },
    async (request) => ({ members: await chats.listMembers(request.identity, request.params.chatId) }),
  );

  r.post(
    '/api/chats/:chatId/members',
    { schema: { summary: 'Add people of the organization (chat administrators who are staff)', tags, params: ZChatParams, body: ZAddChatMembersRequest, response: { 204: ZNoContent } } },
    async (request, reply) => {
      await chats.addMembers(request.identity, request.params.chatId, request.body);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/api/chats/:chatId/members/:userId',
    { schema: { summary: 'Remove a member (chat administrators)', tags, params: z.object({ chatId: z.uuid(), userId: z.uuid() }).strict(), response: { 204: ZNoContent } } },
    async (request, reply) => {
      await chats.removeMember(request.identity, request.params.chatId, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  r.post('/api/chats/:chatId/leave', { schema: { summary: 'Leave a chat', tags, params: ZChatParams, body: noBody, response: { 204: ZNoContent } } }, async (request, reply) => {
    await chats.leave(request.identity, request.params.chatId);
    return reply.code(204).send(null);
  });

  r.put('/api/chats/:chatId/mute', { schema: { summary: 'Mute or unmute a chat for oneself', tags, params: ZChatParams, body: ZMuteChatRequest, response: { 204: ZNoContent } } }, async (request, reply) => {
    await chats.mute(request.identity, request.params.chatId, request.body.muted);
    return reply.code(204).send(null);
  });

  // --- Messages

  r.post('/api/chats/:chatId/read', { schema: { summary: 'Mark the chat read up to a message', tags, params: ZChatParams, body: ZMarkReadRequest, response: { 204: ZNoContent } } }, async (request, reply) => {
    await messages.markRead(request.identity, request.params.chatId, request.body.seq);
    return reply.code(204).send(null);
  });

  r.post('/api/chats/:chatId/typing', { schema: { summary: 'Tell the others «печатает…» (ephemeral)', tags, params: ZChatParams, body: noBody, response: { 204: ZNoContent } } }, async (request, reply) => {
    await messages.typing(request.identity, request.params.chatId);
    return reply.code(204).send(null);
  });

  r.get(
    '/api/chats/:chatId/messages',
    { schema: { summary: 'A page of a chat’s history: newest first, or oldest first after `afterSeq` (members only)', tags, params: ZChatParams, querystring: ZListMessagesQuery, response: { 200: ZListMessagesResponse } } },
    async (request) => messages.listMessages(request.identity, request.params.chatId, request.query),
  );

  r.post(
    sendMessageUrl,
    { schema: { summary: 'Send a message; a retry with the same clientId returns the stored one (200) instead of a copy', tags, params: ZChatParams, body: ZSendMessageRequest, response: { 200: ZMessage, 201: ZMessage } } },
    async (request, reply) => {
      const { message, created } = await messages.send(request.identity, request.params.chatId, request.body);
      return reply.code(created ? 201 : 200).send(message);
    },
  );

  r.patch(
    '/api/chats/:chatId/messages/:messageId',
    { schema: { summary: 'Edit one’s own message (marked «изменено»)', tags, params: ZMessageParams, body: ZEditMessageRequest, response: { 200: ZMessage } } },
    async (request) => messages.edit(request.identity, request.params.chatId, request.params.messageId, request.body),
  );

  r.delete(
    '/api/chats/:chatId/messages/:messageId',
    { schema: { summary: 'Delete a message for everyone (its author, or a chat administrator)', tags, params: ZMessageParams, response: { 200: ZMessage } } },
    async (request) => messages.remove(request.identity, request.params.chatId, request.params.messageId),
  );

  r.put(
    '/api/chats/:chatId/messages/:messageId/reaction',
    { schema: { summary: 'Set one’s reaction to a message (replaces an earlier one)', tags, params: ZMessageParams, body: ZSetReactionRequest, response: { 200: ZMessage } } },
    async (request) => messages.react(request.identity, request.params.chatId, request.params.messageId, request.body.emoji),
  );

  r.delete(
    '/api/chats/:chatId/messages/:messageId/reaction',
    { schema: { summary: 'Take back one’s reaction', tags, params: ZMessageParams, response: { 200: ZMessage } } },
    async (request) => messages.react(request.identity, request.params.chatId, request.params.messageId, null),
  );

  r.get(
    '/api/chats/:chatId/messages/:messageId/readers',
    { schema: { summary: 'Who has read a message (its author only)', tags, params: ZMessageParams, querystring: noQuery, response: { 200: ZListReadersResponse } } },
    async (request) => ({ readers: await messages.readers(request.identity, request.params.chatId, request.params.messageId) }),
  );

  // --- Channels

  r.post(
    '/api/organizations/:organizationId/channels',
    { schema: { summary: 'Create a channel (administrators, directors, verified teachers)', tags, params: ZOrganizationParams, body: ZCreateChannelRequest, response: { 201: ZChat } } },
    async (request, reply) => reply.code(201).send(await chats.createChannel(request.identity, request.params.organizationId, request.body)),
  );

  r.get(
    '/api/organizations/:organizationId/channels',
    { schema: { summary: 'The organization’s channels one may subscribe to', tags, params: ZOrganizationParams, querystring: noQuery, response: { 200: z.object({ channels: z.array(ZChannelSummary) }) } } },
    async (request) => ({ channels: await chats.listChannels(request.identity, request.params.organizationId) }),
  );

  r.post('/api/chats/:chatId/subscribe', { schema: { summary: 'Subscribe to a channel of one’s organization', tags, params: ZChatParams, body: noBody, response: { 200: ZChat } } }, async (request) =>
    chats.subscribe(request.identity, request.params.chatId),
  );

  // --- Pinning and acknowledgements

  r.put('/api/chats/:chatId/pin', { schema: { summary: 'Pin a message (chat administrators; either person of a direct chat)', tags, params: ZChatParams, body: ZPinMessageRequest, response: { 200: ZChat } } }, async (request) =>
    chats.pin(request.identity, request.params.chatId, request.body.messageId),
  );

  r.delete('/api/chats/:chatId/pin', { schema: { summary: 'Unpin the pinned message', tags, params: ZChatParams, response: { 200: ZChat } } }, async (request) => chats.pin(request.identity, request.params.chatId, null));

  r.post('/api/chats/:chatId/messages/:messageId/ack', { schema: { summary: '«Прочитал и подтверждаю» a channel post', tags, params: ZMessageParams, body: noBody, response: { 204: ZNoContent } } }, async (request, reply) => {
    await messages.acknowledge(request.identity, request.params.chatId, request.params.messageId);
    return reply.code(204).send(null);
  });

  r.get(
    '/api/chats/:chatId/messages/:messageId/acks',
    { schema: { summary: 'Who confirmed a post and who has not yet (channel administrators, the author)', tags, params: ZMessageParams, querystring: noQuery, response: { 200: ZAcknowledgementsResponse } } },
    async (request) => messages.acknowledgements(request.identity, request.params.chatId, request.params.messageId),
  );

  // --- Reports

  r.post(
    '/api/chats/:chatId/messages/:messageId/report',
    { schema: { summary: 'Report a message to the organization’s administrators and the class teacher', tags, params: ZMessageParams, body: ZReportMessageRequest, response: { 201: z.object({ id: z.uuid() }) } } },
    async (request, reply) => reply.code(201).send(await reports.report(request.identity, request.params.chatId, request.params.messageId, request.body)),
  );

  r.get(
    '/api/organizations/:organizationId/message-reports',
    {
      schema: {
        summary: 'The report queue (administrators: all; class teachers: their classes’)',
        tags,
        params: ZOrganizationParams,
        querystring: z.object({ status: z.enum(['open', 'closed']).default('open') }).strict(),
        response: { 200: z.object({ reports: z.array(ZMessageReport) }) },
      },
    },
    async (request) => ({ reports: await reports.listReports(request.identity, request.params.organizationId, request.query.status) }),
  );

  r.post(
    '/api/organizations/:organizationId/message-reports/:reportId/resolve',
    { schema: { summary: 'Delete the reported message for everyone, or dismiss the report', tags, params: z.object({ organizationId: z.uuid(), reportId: z.uuid() }).strict(), body: ZResolveReportRequest, response: { 204: ZNoContent } } },
    async (request, reply) => {
      await reports.resolve(request.identity, request.params.organizationId, request.params.reportId, request.body);
      return reply.code(204).send(null);
    },
  );

  // --- Invitation links

  r.post(
    '/api/chats/:chatId/invitations',
    { schema: { summary: 'Make an invitation link to a group chat or channel (its administrators who are staff); the token is shown once', tags, params: ZChatParams, body: ZCreateChatInvitationRequest, response: { 201: ZCreatedChatInvitation } } },
    async (request, reply) => reply.code(201).send(await chatInvitations.create(request.identity, request.params.chatId, request.body)),
  );

  r.get(
    '/api/chats/:chatId/invitations',
    { schema: { summary: 'The chat’s invitation links with their uses and state', tags, params: ZChatParams, querystring: noQuery, response: { 200: z.object({ invitations: z.array(ZChatInvitation) }) } } },
    async (request) => ({ invitations: await chatInvitations.list(request.identity, request.params.chatId) }),
  );

  r.delete(
    '/api/chats/:chatId/invitations/:invitationId',
    { schema: { summary: 'Revoke an invitation link (at once)', tags, params: z.object({ chatId: z.uuid(), invitationId: z.uuid() }).strict(), response: { 200: ZChatInvitation } } },
    async (request) => chatInvitations.revoke(request.identity, request.params.chatId, request.params.invitationId),
  );

  const ZTokenParams = z.object({ token: z.string().min(20).max(100) }).strict();
  r.get(
    '/api/chat-invitations/:token',
    { schema: { summary: 'What a chat link leads to (signed-in people of its organization; otherwise «Ссылка недействительна.»)', tags, params: ZTokenParams, querystring: noQuery, response: { 200: ZChatInvitationPreview } } },
    async (request) => chatInvitations.preview(request.identity, request.params.token),
  );

  r.post('/api/chat-invitations/:token/accept', { schema: { summary: 'Join the chat a link leads to', tags, params: ZTokenParams, body: noBody, response: { 200: ZChat } } }, async (request) =>
    chatInvitations.accept(request.identity, request.params.token),
  );
}
