import { ZCall, ZJoinCallRequest, ZListCallsResponse, ZStartCallRequest, ZUpdateCallMediaRequest } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallsService } from './calls.service.ts';

const noQuery = z.object({}).strict();
const noBody = z.object({}).strict().nullish();
const ZChatParams = z.object({ chatId: z.uuid() }).strict();
const ZCallParams = z.object({ callId: z.uuid() }).strict();

/** Calls from chats (issue 6; docs/subsystems/calls.md). Media negotiation is over the WebSocket (signalling.ts). */
export function registerCallRoutes(app: FastifyInstance, deps: { calls: CallsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { calls } = deps;
  const tags = ['calls'];

  r.get('/api/calls', { schema: { summary: 'Calls in progress in the signed-in person’s chats', tags, querystring: noQuery, response: { 200: ZListCallsResponse } } }, async (request) => ({
    calls: await calls.list(request.identity),
  }));

  r.post(
    '/api/chats/:chatId/calls',
    {
      schema: {
        summary: 'Start a call in a chat from this device (201), or join the one in progress there (200); one-to-one in a direct chat, through the media server otherwise',
        tags,
        params: ZChatParams,
        body: ZStartCallRequest,
        response: { 200: ZCall, 201: ZCall },
      },
    },
    async (request, reply) => {
      const { call, created } = await calls.start(request.identity, request.params.chatId, request.body);
      return reply.code(created ? 201 : 200).send(call);
    },
  );

  r.get('/api/calls/:callId', { schema: { summary: 'One call, for members of its chat', tags, params: ZCallParams, querystring: noQuery, response: { 200: ZCall } } }, async (request) =>
    calls.get(request.identity, request.params.callId),
  );

  r.post(
    '/api/calls/:callId/join',
    { schema: { summary: 'Answer or join a call from this device (again from another device moves it there)', tags, params: ZCallParams, body: ZJoinCallRequest, response: { 200: ZCall } } },
    async (request) => calls.join(request.identity, request.params.callId, request.body),
  );

  r.post(
    '/api/calls/:callId/decline',
    { schema: { summary: 'Decline a ringing call', tags, params: ZCallParams, body: noBody, response: { 200: ZCall } } },
    async (request) => calls.decline(request.identity, request.params.callId),
  );

  r.post(
    '/api/calls/:callId/leave',
    { schema: { summary: 'Hang up on this device', tags, params: ZCallParams, body: ZJoinCallRequest, response: { 200: ZCall } } },
    async (request) => calls.leave(request.identity, request.params.callId, request.body),
  );

  r.post(
    '/api/calls/:callId/end',
    { schema: { summary: 'End the call for everyone (whoever started it, or a chat administrator)', tags, params: ZCallParams, body: noBody, response: { 200: ZCall } } },
    async (request) => calls.end(request.identity, request.params.callId),
  );

  r.patch(
    '/api/calls/:callId/me',
    { schema: { summary: 'Tell the others whether one’s microphone is muted or camera off', tags, params: ZCallParams, body: ZUpdateCallMediaRequest, response: { 200: ZCall } } },
    async (request) => calls.updateMedia(request.identity, request.params.callId, request.body),
  );
}
