import {
  ZAddChatMembersRequest,
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
import type { MessagesService } from './messages.service.ts';

const noQuery = z.object({}).strict();
const ZChatParams = z.object({ chatId: z.uuid() }).strict();
const ZMessageParams = z.object({ chatId: z.uuid(), messageId: z.uuid() }).strict();
const ZOrganizationParams = z.object({ organizationId: z.uuid() }).strict();
const ZNoContent = z.null();
const ZContactsResponse = z.object({ contacts: z.array(z.object({ person: ZPersonRef, roles: z.array(ZRole) })) }).meta({ id: 'ContactsResponse' });
const ZChatSettings = z.object({ studentsMayMessageEachOther: z.boolean() }).strict().meta({ id: 'OrganizationChatSettings' });

/** Chats, their members and messages (issue 4; docs/subsystems/chats.md). */
export function registerChatRoutes(app: FastifyInstance, deps: { chats: ChatsService; messages: MessagesService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { chats, messages } = deps;
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
    '/api/organizations/:organizationId/chat-settings',
    { schema: { summary: 'The organization’s chat rules (members)', tags, params: ZOrganizationParams, querystring: noQuery, response: { 200: ZChatSettings } } },
    async (request) => chats.chatSettings(request.identity, request.params.organizationId),
  );

  r.put(
    '/api/organizations/:organizationId/chat-settings',
    { schema: { summary: 'Change the organization’s chat rules (administrators)', tags, params: ZOrganizationParams, body: ZChatSettings, response: { 200: ZChatSettings } } },
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

  r.post('/api/chats/:chatId/leave', { schema: { summary: 'Leave a chat', tags, params: ZChatParams, response: { 204: ZNoContent } } }, async (request, reply) => {
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

  r.post('/api/chats/:chatId/typing', { schema: { summary: 'Tell the others «печатает…» (ephemeral)', tags, params: ZChatParams, response: { 204: ZNoContent } } }, async (request, reply) => {
    await messages.typing(request.identity, request.params.chatId);
    return reply.code(204).send(null);
  });

  r.get(
    '/api/chats/:chatId/messages',
    { schema: { summary: 'A page of a chat’s history: newest first, or oldest first after `afterSeq` (members only)', tags, params: ZChatParams, querystring: ZListMessagesQuery, response: { 200: ZListMessagesResponse } } },
    async (request) => ({ messages: await messages.listMessages(request.identity, request.params.chatId, request.query) }),
  );

  r.post(
    '/api/chats/:chatId/messages',
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
}
