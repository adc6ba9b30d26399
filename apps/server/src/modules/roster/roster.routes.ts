import { ZRosterImportQuery, ZRosterImportResult } from '@parta/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, pickLocale } from '../../platform/http/index.ts';
import { maxRosterBytes, maxRosterRows } from './roster.csv.ts';
import type { RosterService } from './roster.service.ts';

/** What browsers and tools send for a .csv file; the body is read as raw bytes whatever it says. */
export const rosterBodyTypes = ['text/csv', 'application/vnd.ms-excel', 'application/octet-stream'];
const megabytes = maxRosterBytes / 1024 / 1024;

/** The raw file; documented as binary (zod describes JSON only, so the meta says what it is). */
const ZRosterFile = z
  .custom<Buffer | undefined>((value) => value === undefined || Buffer.isBuffer(value))
  .meta({ type: 'string', format: 'binary', description: `The CSV file itself (UTF-8, up to ${megabytes} MB and ${maxRosterRows} rows)` });

export function registerRosterRoutes(app: FastifyInstance, deps: { roster: RosterService }) {
  // An encapsulated scope: only this route reads raw CSV bodies (and no JSON); other routes stay JSON-only.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(rosterBodyTypes, { parseAs: 'buffer', bodyLimit: maxRosterBytes }, (_request, body, done) => done(null, body));
    // The generic «request too large» becomes a message about the file (the app's handler still answers).
    scope.setErrorHandler((error: { statusCode?: number }) => {
      if (error.statusCode !== 413) throw error;
      throw new AppError(413, 'payload_too_large', { detail: { ru: `Файл больше ${megabytes} МБ. Разделите список на части.`, en: `The file is larger than ${megabytes} MB. Split the list.` } });
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/organizations/:organizationId/roster-imports',
      {
        bodyLimit: maxRosterBytes,
        schema: {
          summary: 'Import classes, students, parents and teachers from a CSV file (administrators); preview first, then apply',
          description: `Body: the CSV file (${rosterBodyTypes.join(', ')}). Format: docs/subsystems/roster-import.md and /roster-sample.csv. preview writes nothing; apply writes everything or, when any row has an error, nothing (400).`,
          tags: ['school'],
          params: z.object({ organizationId: z.uuid() }).strict(),
          querystring: ZRosterImportQuery,
          consumes: rosterBodyTypes,
          body: ZRosterFile,
          response: { 200: ZRosterImportResult },
        },
      },
      async (request) =>
        deps.roster.importRoster(request.identity, request.params.organizationId, request.query.mode, request.body ?? Buffer.alloc(0), pickLocale(request.headers['accept-language'])),
    );
  });
}
