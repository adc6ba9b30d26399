import { uploadRules, ZUploadQuery, ZUploadResponse } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { allowAnyone } from '../access/index.ts';
import type { UploadsService } from './uploads.service.ts';

/** Content types the upload route reads as raw bytes; the content itself decides what it is. */
export const uploadBodyTypes = ['application/octet-stream', 'application/pdf', 'image/jpeg', 'image/png'];
/** The OpenAPI request body of the upload route (zod describes JSON only; app.ts adds this to the document). */
export const uploadRequestBody = {
  required: true,
  description: 'The file itself, up to the purpose\'s size limit; its content decides its type.',
  content: Object.fromEntries(uploadBodyTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
};
export const uploadPath = '/api/uploads';
const largestUpload = Math.max(...Object.values(uploadRules).map((rule) => rule.maxBytes));

export function registerUploadRoutes(app: FastifyInstance, deps: { uploads: UploadsService; uploadsPerHour: number }) {
  // An encapsulated scope: only this route accepts raw bodies; every other route stays JSON-only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(uploadBodyTypes, { parseAs: 'buffer', bodyLimit: largestUpload + 1 }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      uploadPath,
      {
        bodyLimit: largestUpload + 1,
        config: { rateLimit: { max: deps.uploadsPerHour, timeWindow: 3_600_000 } },
        schema: {
          summary: 'Upload a file (raw bytes as the body); returns a token that attaches it to one form',
          description: `Body: the file itself, sent as ${uploadBodyTypes.join(', ')}. The type is decided by the content. Limits per purpose: ${JSON.stringify(uploadRules)}.`,
          tags: ['files'],
          querystring: ZUploadQuery,
          response: { 201: ZUploadResponse },
        },
      },
      async (request, reply) => {
        // Appointment orders are uploaded by applicants before they have an account.
        const identity = allowAnyone(request.identity);
        const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await deps.uploads.upload({ purpose: request.query.purpose, name: request.query.name, content, userId: identity?.userId ?? null });
        return reply.code(201).send(result);
      },
    );
  });
}
