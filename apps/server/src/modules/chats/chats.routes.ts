import { ZChat, ZCreateChatRequest, ZListChatsResponse, ZListMessagesQuery, ZListMessagesResponse, ZMessage, ZSendMessageRequest } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatsService } from './chats.service.ts';

const noQuery = z.object({}).strict();
const ZChatParams = z.object({ chatId: z.uuid() }).strict();

/** Group chats and their messages (the first slice of issue 4). */
export function registerChatRoutes(app: FastifyInstance, deps: { chats: ChatsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { chats } = deps;
  const tags = ['chats'];

  r.get('/api/chats', { schema: { summary: 'The chats the signed-in person is in, newest activity first', tags, querystring: noQuery, response: { 200: ZListChatsResponse } } }, async (request) => ({
    chats: await chats.listChats(request.identity),
  }));

  r.post(
    '/api/organizations/:organizationId/chats',
    { schema: { summary: 'Create a group chat of the organization (staff; unverified teachers only with colleagues)', tags, params: z.object({ organizationId: z.uuid() }).strict(), body: ZCreateChatRequest, response: { 201: ZChat } } },
    async (request, reply) => reply.code(201).send(await chats.createChat(request.identity, request.params.organizationId, request.body)),
  );

  r.get('/api/chats/:chatId/messages', { schema: { summary: 'A page of a chat’s history, newest first (members only)', tags, params: ZChatParams, querystring: ZListMessagesQuery, response: { 200: ZListMessagesResponse } } }, async (request) => ({
    messages: await chats.listMessages(request.identity, request.params.chatId, request.query),
  }));

  r.post(
    '/api/chats/:chatId/messages',
    { schema: { summary: 'Send a message; a retry with the same clientId returns the stored one (200) instead of a copy', tags, params: ZChatParams, body: ZSendMessageRequest, response: { 200: ZMessage, 201: ZMessage } } },
    async (request, reply) => {
      const { message, created } = await chats.send(request.identity, request.params.chatId, request.body);
      return reply.code(created ? 201 : 200).send(message);
    },
  );
}
