import { broadcastCloseCodes, ZBroadcast, ZCreateBroadcastRequest, ZListBroadcastsResponse, ZPublicBroadcast, type TBroadcast } from '@parta/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../platform/db/index.ts';
import { conflict, forbidden, notFound, unauthenticated, type Identity } from '../../platform/http/index.ts';
import { requireMember } from '../access/index.ts';
import type { BroadcastLive } from './broadcasts.live.ts';
import { statusOf, type BroadcastRow, type BroadcastsService } from './broadcasts.service.ts';

const noQuery = z.object({}).strict();
const noBody = z.object({}).strict().nullish();
const ZOrganizationParams = z.object({ organizationId: z.uuid() }).strict();
const ZBroadcastParams = z.object({ broadcastId: z.uuid() }).strict();
const ZTokenParams = z.object({ token: z.string().min(1).max(200) }).strict();

/** Broadcasts «трансляции» (issue 6; docs/subsystems/broadcasts.md). */
export function registerBroadcastRoutes(
  app: FastifyInstance,
  deps: {
    db: Kysely<DB>;
    broadcasts: BroadcastsService;
    live: BroadcastLive;
    isOriginAllowed(request: FastifyRequest): boolean;
    localeOf(request: FastifyRequest): 'ru' | 'en';
    /** Public link look-ups and viewer sockets per address per minute. */
    watchPerMinute: number;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { broadcasts, live } = deps;
  const tags = ['broadcasts'];
  const watchLimit = { rateLimit: { max: deps.watchPerMinute, timeWindow: 60_000 } };

  r.get(
    '/api/organizations/:organizationId/broadcasts',
    { schema: { summary: 'The school’s broadcasts: live, planned, ended (members of the school)', tags, params: ZOrganizationParams, querystring: noQuery, response: { 200: ZListBroadcastsResponse } } },
    async (request) => ({ broadcasts: await broadcasts.list(request.identity, request.params.organizationId) }),
  );

  r.post(
    '/api/organizations/:organizationId/broadcasts',
    {
      schema: {
        summary: 'Plan a broadcast, or start one at once (administrators, the director, verified teachers); speakers are staff of the school',
        tags,
        params: ZOrganizationParams,
        body: ZCreateBroadcastRequest,
        response: { 201: ZBroadcast },
      },
    },
    async (request, reply) => reply.code(201).send(await broadcasts.create(request.identity, request.params.organizationId, request.body)),
  );

  r.get('/api/broadcasts/:broadcastId', { schema: { summary: 'One broadcast (members of its school)', tags, params: ZBroadcastParams, querystring: noQuery, response: { 200: ZBroadcast } } }, async (request) =>
    broadcasts.get(request.identity, request.params.broadcastId),
  );

  const manage = (method: 'POST' | 'DELETE', url: string, summary: string, action: (identity: Identity | null, broadcastId: string) => Promise<TBroadcast>) =>
    r.route({
      method,
      url,
      schema: { summary, tags, params: ZBroadcastParams, ...(method === 'POST' ? { body: noBody } : {}), querystring: noQuery, response: { 200: ZBroadcast } },
      handler: async (request) => action(request.identity, request.params.broadcastId),
    });
  manage('POST', '/api/broadcasts/:broadcastId/start', 'Start a planned broadcast (its author, administrators, the director)', broadcasts.start);
  manage('POST', '/api/broadcasts/:broadcastId/end', 'End a broadcast for everyone, or cancel a planned one', broadcasts.end);
  manage('POST', '/api/broadcasts/:broadcastId/link', 'A new public watch link; the old one stops working at once', broadcasts.renewLink);
  manage('DELETE', '/api/broadcasts/:broadcastId/link', 'Revoke the public watch link (viewers who came by it are disconnected)', broadcasts.revokeLink);

  r.get(
    '/api/public/broadcasts/:token',
    { config: watchLimit, schema: { summary: 'A broadcast by its public link (anyone, signed in or not; 404 for an unknown or revoked link)', tags, params: ZTokenParams, querystring: noQuery, response: { 200: ZPublicBroadcast } } },
    async (request) => broadcasts.publicView(request.params.token),
  );

  // ---- Live sockets (@fastify/websocket hides them from the API description; they are described in broadcasts.ts of the contracts) ----

  const viewers = new WeakMap<FastifyRequest, BroadcastRow | null>();

  r.get(
    '/api/public/broadcasts/:token/live',
    {
      websocket: true,
      config: watchLimit,
      schema: { summary: 'Watch a broadcast (WebSocket upgrade; anyone with the link)', tags, params: ZTokenParams, querystring: noQuery },
      // Checked after the parameters are (preHandler), before the upgrade: a refusal is a localized
      // HTTP answer. An unknown or revoked link is not refused there but closed with 4404 once
      // open: a browser sees no HTTP status of a refused upgrade, and a viewer whose link was
      // revoked while they reconnected must learn it.
      preHandler: async (request) => {
        if (!deps.isOriginAllowed(request)) throw forbidden();
        viewers.set(request, (await broadcasts.byToken((request.params as { token: string }).token)) ?? null);
      },
    },
    (socket, request) => {
      const row = viewers.get(request);
      if (!row) return socket.close(broadcastCloseCodes.notFound, 'not found');
      live.attach(socket, { broadcastId: row.id, role: 'viewer', userId: null, sessionId: null, token: row.watch_token, locale: deps.localeOf(request) });
    },
  );

  const speakers = new WeakMap<FastifyRequest, BroadcastRow>();
  r.get(
    '/api/broadcasts/:broadcastId/live',
    {
      websocket: true,
      schema: { summary: 'Go on air as a speaker and see the other speakers (WebSocket upgrade; speakers, while it is live)', tags, params: ZBroadcastParams, querystring: noQuery },
      preHandler: async (request) => {
        if (!deps.isOriginAllowed(request)) throw forbidden();
        if (!request.identity) throw unauthenticated();
        const row = await broadcasts.find((request.params as { broadcastId: string }).broadcastId);
        if (!row) throw notFound();
        await requireMember(deps.db, request.identity, row.organization_id); // 404 outside the school
        const speaker = await deps.db.selectFrom('broadcast_speakers').select('user_id').where('broadcast_id', '=', row.id).where('user_id', '=', request.identity.userId).executeTakeFirst();
        if (!speaker) throw forbidden({ ru: 'В эфир выходят только выступающие этой трансляции.', en: 'Only the broadcast’s speakers go on air.' });
        // Ended: opened and closed with 4410 (a studio reconnecting after the end learns it); planned: 409.
        if (statusOf(row) === 'scheduled') throw conflict({ ru: 'Трансляция ещё не началась.', en: 'The broadcast has not started yet.' });
        speakers.set(request, row);
      },
    },
    (socket, request) => {
      const row = speakers.get(request)!;
      if (row.ended_at) return socket.close(broadcastCloseCodes.ended, 'ended');
      live.attach(socket, { broadcastId: row.id, role: 'speaker', userId: request.identity!.userId, sessionId: request.identity!.sessionId, token: null, locale: deps.localeOf(request) });
    },
  );
}
