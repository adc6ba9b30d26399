import type { Readable } from 'node:stream';
import { uploadRules, ZUploadQuery, ZUploadResponse } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { invalidField } from '../../platform/http/index.ts';
import { allowAnyone, requireSignedIn } from '../access/index.ts';
import { tooLarge, type UploadsService } from './uploads.service.ts';

/** Content types the upload route is documented to read as raw bytes (it reads any); the content itself decides what it is. */
export const uploadBodyTypes = ['application/octet-stream', ...new Set(Object.values(uploadRules).flatMap((rule) => rule.contentTypes))];
/** The OpenAPI request body of the upload route (zod describes JSON only; app.ts adds this to the document). */
export const uploadRequestBody = {
  required: true,
  description: 'The file itself, up to the size limit of its type; its content decides its type, whatever the Content-Type says.',
  content: Object.fromEntries(uploadBodyTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
};
export const uploadPath = '/api/uploads';

/** Uploads per signed-in person per hour (chat attachments); anonymous uploads count per address. */
export const defaultUploadsPerUserPerHour = 100;

const isStream = (body: unknown): body is Readable => typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function' && Symbol.asyncIterator in body;

export function registerUploadRoutes(app: FastifyInstance, deps: { uploads: UploadsService; uploadsPerHour: number; uploadsPerUserPerHour?: number }) {
  const perUser = deps.uploadsPerUserPerHour ?? defaultUploadsPerUserPerHour;
  // An encapsulated scope: only this route takes raw bodies, of any type, as a stream (a video is
  // written to disk as it arrives, never held in memory); every other route stays JSON-only. A
  // JSON body keeps the JSON parser, so it is refused as a file.
  void app.register(async (scope) => {
    scope.removeContentTypeParser(['text/plain']);
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      uploadPath,
      {
        config: {
          rateLimit: {
            max: (request) => (request.identity ? perUser : deps.uploadsPerHour),
            keyGenerator: (request) => (request.identity ? `user:${request.identity.userId}` : `address:${request.ip}`),
            timeWindow: 3_600_000,
          },
        },
        schema: {
          summary: 'Upload a file (raw bytes as the body); returns a token that attaches it to one form or message',
          description: `Body: the file itself, sent with any Content-Type. The type is decided by the content. Limits per purpose: ${JSON.stringify(uploadRules)}. Chat attachments need a session (401 without); too large → 413, a type not accepted → 415 with the list of accepted ones.`,
          tags: ['files'],
          querystring: ZUploadQuery,
          response: { 201: ZUploadResponse },
        },
      },
      async (request, reply) => {
        const { purpose, name } = request.query;
        const rules = uploadRules[purpose];
        // Appointment orders are uploaded by applicants before they have an account.
        const identity = rules.signInRequired ? requireSignedIn(request.identity) : allowAnyone(request.identity);
        const body = request.body;
        try {
          if (!isStream(body)) throw invalidField('body', { ru: 'файл пуст', en: 'the file is empty' });
          const declared = Number(request.headers['content-length']);
          if (declared > rules.maxBytes) throw tooLarge(rules.maxBytes);
          const result = await deps.uploads.upload({ purpose, name, body, userId: identity?.userId ?? null });
          return await reply.code(201).send(result);
        } catch (error) {
          // Refused before the whole body arrived: close the connection instead of reading the rest.
          if (isStream(body) && !body.readableEnded) void reply.header('connection', 'close');
          throw error;
        }
      },
    );
  });
}
