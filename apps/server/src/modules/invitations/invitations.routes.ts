import {
  ZAcceptInvitationRequest,
  ZAcceptInvitationResponse,
  ZCreatedInvitation,
  ZCreateInvitationRequest,
  ZInvitation,
  ZInvitationPreview,
  ZInvitationToken,
  ZJoinRequest,
  ZListInvitationsResponse,
  ZListJoinRequestsResponse,
} from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allowAnyone } from '../access/index.ts';
import type { InvitationsService } from './invitations.service.ts';

const noQuery = z.object({}).strict();
const ZOrg = z.object({ organizationId: z.uuid() }).strict();
const base = '/api/organizations/:organizationId';

/** Invitation links (ссылки-приглашения) with their public landing, and join requests. */
export function registerInvitationRoutes(app: FastifyInstance, deps: { invitations: InvitationsService; previewsPerMinute: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { invitations } = deps;
  const tags = ['invitations'];

  r.get(`${base}/invitations`, { schema: { summary: 'Invitation links with their uses (administrators; class teachers: their classes’)', tags, params: ZOrg, querystring: noQuery, response: { 200: ZListInvitationsResponse } } }, async (request) => ({
    invitations: await invitations.list(request.identity, request.params.organizationId),
  }));

  r.post(
    `${base}/invitations`,
    { schema: { summary: 'Make an invitation link for one role (its token is shown only now)', tags, params: ZOrg, body: ZCreateInvitationRequest, response: { 201: ZCreatedInvitation } } },
    async (request, reply) => reply.code(201).send(await invitations.create(request.identity, request.params.organizationId, request.body)),
  );

  r.post(
    `${base}/invitations/:invitationId/revoke`,
    { schema: { summary: 'Revoke a link; it stops working at once', tags, params: ZOrg.extend({ invitationId: z.uuid() }).strict(), body: z.object({}).strict().nullish(), response: { 200: ZInvitation } } },
    async (request) => invitations.revoke(request.identity, request.params.organizationId, request.params.invitationId),
  );

  // Public: guessing tokens is hopeless (192 bits), and the rate limit keeps it that way.
  const tokenParams = z.object({ token: ZInvitationToken }).strict();
  r.get(
    '/api/invitations/:token',
    {
      config: { rateLimit: { max: deps.previewsPerMinute, timeWindow: 60_000 } },
      schema: { summary: 'Where an invitation link leads (anyone; an invalid link is 404 «ссылка недействительна»)', tags, params: tokenParams, querystring: noQuery, response: { 200: ZInvitationPreview } },
    },
    async (request) => invitations.preview(allowAnyone(request.identity), request.params.token),
  );

  r.post(
    '/api/invitations/:token/accept',
    {
      config: { rateLimit: { max: deps.previewsPerMinute, timeWindow: 60_000 } },
      schema: { summary: 'Join by a link (signed in); with approval, a join request is made', tags, params: tokenParams, body: ZAcceptInvitationRequest, response: { 200: ZAcceptInvitationResponse } },
    },
    async (request) => invitations.accept(request.identity, request.params.token, request.body.note ?? ''),
  );

  const ZRequestStatus = z.object({ status: z.enum(['pending', 'accepted', 'declined']).optional() }).strict();
  r.get(`${base}/join-requests`, { schema: { summary: 'Join requests (administrators; class teachers: their classes’)', tags, params: ZOrg, querystring: ZRequestStatus, response: { 200: ZListJoinRequestsResponse } } }, async (request) => ({
    requests: await invitations.listRequests(request.identity, request.params.organizationId, request.query.status ?? 'pending'),
  }));

  const requestParams = ZOrg.extend({ requestId: z.uuid() }).strict();
  for (const decision of ['accept', 'decline'] as const) {
    r.post(
      `${base}/join-requests/:requestId/${decision}`,
      { schema: { summary: decision === 'accept' ? 'Accept a join request; the person is told' : 'Decline a join request; the person is told', tags, params: requestParams, body: z.object({}).strict().nullish(), response: { 200: ZJoinRequest } } },
      async (request) => invitations.decide(request.identity, request.params.organizationId, request.params.requestId, decision === 'accept' ? 'accepted' : 'declined'),
    );
  }
}
