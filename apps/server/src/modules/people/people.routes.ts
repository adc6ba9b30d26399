import { ZMe, ZUpdateMeRequest } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireIdentity } from '../../platform/http/index.ts';
import type { PeopleService } from './people.service.ts';

export function registerPeopleRoutes(app: FastifyInstance, people: PeopleService) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/me',
    { schema: { summary: 'The signed-in person', tags: ['people'], querystring: z.object({}).strict(), response: { 200: ZMe } } },
    async (request) => people.getMe(requireIdentity(request).userId),
  );

  r.patch(
    '/api/me',
    { schema: { summary: 'Change own name or language', tags: ['people'], body: ZUpdateMeRequest, response: { 200: ZMe } } },
    async (request) => people.updateMe(requireIdentity(request).userId, request.body),
  );
}
