import {
  ZApplication,
  ZApproveApplicationRequest,
  ZAuthoritiesResponse,
  ZListApplicationsQuery,
  ZListApplicationsResponse,
  ZMyOrganizationsResponse,
  ZOrganization,
  ZRejectApplicationRequest,
  ZSubmitApplicationRequest,
  ZSubmitApplicationResponse,
} from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allowAnyone, requireOperator, requireSignedIn } from '../access/index.ts';
import type { OrganizationsService } from './organizations.service.ts';

const noQuery = z.object({}).strict();
const ZIdParams = z.object({ id: z.uuid() }).strict();

export function registerOrganizationRoutes(app: FastifyInstance, deps: { organizations: OrganizationsService; applicationsPerHour: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { organizations } = deps;

  r.post(
    '/api/registration-applications',
    {
      config: { rateLimit: { max: deps.applicationsPerHour, timeWindow: 3_600_000 } },
      schema: {
        summary: 'Apply to register an organization (public; reviewed by the platform operator)',
        tags: ['organizations'],
        body: ZSubmitApplicationRequest,
        response: { 201: ZSubmitApplicationResponse },
      },
    },
    async (request, reply) => {
      allowAnyone(request.identity);
      return reply.code(201).send(await organizations.submitApplication(request.body));
    },
  );

  r.get(
    '/api/operator/applications',
    { schema: { summary: 'Registration applications (operator only)', tags: ['operator'], querystring: ZListApplicationsQuery, response: { 200: ZListApplicationsResponse } } },
    async (request) => {
      requireOperator(request.identity);
      return { applications: await organizations.listApplications(request.query.status) };
    },
  );

  r.get(
    '/api/operator/applications/:id/order',
    { schema: { summary: 'The scan of the appointment order attached to an application (operator only)', tags: ['operator'], params: ZIdParams, querystring: noQuery } },
    async (request, reply) => {
      requireOperator(request.identity);
      const file = await organizations.orderOf(request.params.id);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('cache-control', 'private, no-store')
        .send(file.content);
    },
  );

  r.post(
    '/api/operator/applications/:id/approve',
    {
      schema: {
        summary: 'Approve an application: creates the organization and its administrator (operator only)',
        tags: ['operator'],
        params: ZIdParams,
        body: ZApproveApplicationRequest,
        response: { 200: ZApplication },
      },
    },
    async (request) => organizations.approve(requireOperator(request.identity), request.params.id, request.body),
  );

  r.post(
    '/api/operator/applications/:id/reject',
    {
      schema: {
        summary: 'Reject an application; the reason is e-mailed to the applicant (operator only)',
        tags: ['operator'],
        params: ZIdParams,
        body: ZRejectApplicationRequest,
        response: { 200: ZApplication },
      },
    },
    async (request) => organizations.reject(requireOperator(request.identity), request.params.id, request.body.reason),
  );

  r.get(
    '/api/operator/authorities',
    { schema: { summary: 'Regions and municipalities, to place a new organization under (operator only)', tags: ['operator'], querystring: noQuery, response: { 200: ZAuthoritiesResponse } } },
    async (request) => {
      requireOperator(request.identity);
      return organizations.authorities();
    },
  );

  r.get(
    '/api/organizations',
    { schema: { summary: 'The organizations the signed-in person belongs to, with their roles', tags: ['organizations'], querystring: noQuery, response: { 200: ZMyOrganizationsResponse } } },
    async (request) => ({ organizations: await organizations.myOrganizations(requireSignedIn(request.identity).userId) }),
  );

  r.get(
    '/api/organizations/:organizationId',
    { schema: { summary: 'One organization (members only; others get 404)', tags: ['organizations'], params: z.object({ organizationId: z.uuid() }).strict(), querystring: noQuery, response: { 200: ZOrganization } } },
    async (request) => organizations.getOrganization(request.identity, request.params.organizationId),
  );
}
