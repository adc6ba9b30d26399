import {
  ZCall,
  ZCreateLessonRequest,
  ZIceServersResponse,
  ZJoinCallRequest,
  ZLesson,
  ZListCallsResponse,
  ZListLessonsResponse,
  ZMuteParticipantRequest,
  ZSetHandRequest,
  ZStartCallRequest,
  ZUpdateCallMediaRequest,
} from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { IceConfig } from '../../platform/config/index.ts';
import { iceServersFor } from '../../platform/media/index.ts';
import type { CallsService } from './calls.service.ts';
import type { LessonsService } from './lessons.service.ts';

const noQuery = z.object({}).strict();
const noBody = z.object({}).strict().nullish();
const ZChatParams = z.object({ chatId: z.uuid() }).strict();
const ZCallParams = z.object({ callId: z.uuid() }).strict();
const ZParticipantParams = z.object({ callId: z.uuid(), userId: z.uuid() }).strict();
const ZClassParams = z.object({ classId: z.uuid() }).strict();
const ZLessonParams = z.object({ lessonId: z.uuid() }).strict();

/** Calls from chats (issue 6; docs/subsystems/calls.md). Media negotiation is over the WebSocket (signalling.ts). */
export function registerCallRoutes(app: FastifyInstance, deps: { calls: CallsService; lessons: LessonsService; ice: IceConfig; clock: Clock }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { calls, lessons } = deps;
  const tags = ['calls'];

  r.get(
    '/api/media/ice-servers',
    { schema: { summary: 'STUN and TURN servers for this device’s calls, with short-lived TURN credentials (empty without them: host candidates only); for members of a school', tags, querystring: noQuery, response: { 200: ZIceServersResponse } } },
    async (request) => iceServersFor(deps.ice, (await calls.requireCallCapable(request.identity)).userId, deps.clock.now()),
  );

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

  // --- Hands and moderation (the host: a lesson's teacher, whoever started a call, a chat administrator)

  r.put(
    '/api/calls/:callId/participants/:userId/hand',
    { schema: { summary: 'Raise or lower one’s hand (the queue is in raising order); the host may lower anyone’s', tags, params: ZParticipantParams, body: ZSetHandRequest, response: { 200: ZCall } } },
    async (request) => calls.setHand(request.identity, request.params.callId, request.params.userId, request.body.raised),
  );

  r.post(
    '/api/calls/:callId/participants/:userId/mute',
    { schema: { summary: '(Host) mute a participant at the media server, or let them speak again', tags, params: ZParticipantParams, body: ZMuteParticipantRequest, response: { 200: ZCall } } },
    async (request) => calls.muteParticipant(request.identity, request.params.callId, request.params.userId, request.body.muted),
  );

  r.post(
    '/api/calls/:callId/mute-all',
    { schema: { summary: '(Host) mute everyone but oneself', tags, params: ZCallParams, body: noBody, response: { 200: ZCall } } },
    async (request) => calls.muteAll(request.identity, request.params.callId),
  );

  r.post(
    '/api/calls/:callId/participants/:userId/remove',
    { schema: { summary: '(Host) remove a participant (from a lesson for good)', tags, params: ZParticipantParams, body: noBody, response: { 200: ZCall } } },
    async (request) => calls.removeParticipant(request.identity, request.params.callId, request.params.userId),
  );

  r.post(
    '/api/calls/:callId/participants/:userId/admit',
    { schema: { summary: '(Host) let someone in from the lesson’s waiting room', tags, params: ZParticipantParams, body: noBody, response: { 200: ZCall } } },
    async (request) => calls.admit(request.identity, request.params.callId, request.params.userId),
  );

  // --- Video lessons «Новый урок в один клик»

  r.post(
    '/api/classes/:classId/lessons',
    { schema: { summary: 'Plan a video lesson for a class, or make one to start at once (verified teachers of the class, administrators)', tags, params: ZClassParams, body: ZCreateLessonRequest, response: { 201: ZLesson } } },
    async (request, reply) => reply.code(201).send(await lessons.create(request.identity, request.params.classId, request.body)),
  );

  r.get(
    '/api/classes/:classId/lessons',
    { schema: { summary: 'A class’s lessons: planned, live and the last ended ones', tags, params: ZClassParams, querystring: noQuery, response: { 200: ZListLessonsResponse } } },
    async (request) => ({ lessons: await lessons.listForClass(request.identity, request.params.classId) }),
  );

  r.get(
    '/api/lessons/:lessonId',
    { schema: { summary: 'One lesson (its attendance for staff once it has ended)', tags, params: ZLessonParams, querystring: noQuery, response: { 200: ZLesson } } },
    async (request) => lessons.get(request.identity, request.params.lessonId),
  );

  r.post(
    '/api/lessons/:lessonId/start',
    { schema: { summary: 'The teacher starts the lesson from this device (or rejoins it)', tags, params: ZLessonParams, body: ZJoinCallRequest, response: { 200: ZCall } } },
    async (request) => lessons.start(request.identity, request.params.lessonId, request.body.connectionId),
  );

  r.patch(
    '/api/calls/:callId/me',
    { schema: { summary: 'Tell the others whether one’s microphone is muted or camera off', tags, params: ZCallParams, body: ZUpdateCallMediaRequest, response: { 200: ZCall } } },
    async (request) => calls.updateMedia(request.identity, request.params.callId, request.body),
  );
}
