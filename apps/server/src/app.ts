import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { realtimePath, ZHealth } from '@parta/contracts';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createAuthService, defaultAuthRateLimits, installAuthHooks, registerAuthRoutes, type AuthRateLimits } from './modules/auth/index.ts';
import { registerDevOutboxRoutes } from './modules/dev/index.ts';
import { createPeopleService, registerPeopleRoutes } from './modules/people/index.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './platform/config/index.ts';
import type { Database } from './platform/db/index.ts';
import { createMetrics, createOriginCheck, installErrorHandling, pickLocale, registerMetricsRoute } from './platform/http/index.ts';
import { createDevOutbox, createSmtpMailer, type Mailer, type SmsSender } from './platform/mail/index.ts';
import { createConfiguredFileStore, type FileStore } from './platform/files/index.ts';
import { createOrganizationsService, registerOrganizationRoutes } from './modules/organizations/index.ts';
import {
  createChatInvitationsService,
  createChatsService,
  createMessagesService,
  createReportsService,
  installSendLoadShedding,
  registerAttachmentRoutes,
  registerChatRoutes,
  type SendLimit,
} from './modules/chats/index.ts';
import { createInvitationsService, registerInvitationRoutes } from './modules/invitations/index.ts';
import { createSchoolService, registerSchoolRoutes } from './modules/school/index.ts';
import { createRosterService, registerRosterRoutes } from './modules/roster/index.ts';
import { createUploadsService, registerUploadRoutes, uploadPath, uploadRequestBody } from './modules/uploads/index.ts';
import { createEventLog, createInProcessBus, connectRedisBus, registerRealtimeGateway, throttleReports, type EventBus } from './platform/realtime/index.ts';
import { createMemoryRateLimiter, createRedisRateLimiter } from './platform/limits/index.ts';
import type { MediaServers } from './platform/media/index.ts';
import { createCallSignalling, createCallsService, createLessonsService, registerCallRoutes } from './modules/calls/index.ts';
import { createBroadcastLive, createBroadcastsService, registerBroadcastRoutes } from './modules/broadcasts/index.ts';
import { Redis } from 'ioredis';

export type AppOptions = {
  config: Config;
  database: Database;
  clock?: Clock;
  bus?: EventBus;
  logger?: FastifyServerOptions['logger'];
  rateLimits?: AuthRateLimits & Partial<PublicFormRateLimits>;
  /** Where uploaded files live; by default from the configuration (S3_* or local disk under DATA_DIR/files). */
  fileStore?: FileStore;
  heartbeatMs?: number;
  /** Messages one person may send per window (defaults in modules/chats). */
  sendLimit?: SendLimit;
  /** Sends waiting or running on one node beyond which new ones get 503 (defaults in modules/chats). */
  maxPendingSends?: number;
  /** The media servers for group calls (main.ts starts or connects them); without them only one-to-one calls work. */
  media?: MediaServers | null;
  /** How often unanswered calls and devices that did not come back are swept (0: never; tests sweep themselves). */
  callSweepMs?: number;
  /**
   * Broadcasts' live timings (tests): how often audience counts are written and live sockets
   * refreshed (default 5 s), and how long a viewer's media may take to connect (default 30 s).
   */
  broadcastTimings?: { tickMs?: number; mediaConnectTimeoutMs?: number };
};

/** Per client address, for forms anyone may submit without an account. */
export type PublicFormRateLimits = { uploadsPerHour: number; applicationsPerHour: number; invitationLinksPerMinute: number; broadcastWatchPerMinute?: number };
const defaultPublicFormRateLimits: PublicFormRateLimits = { uploadsPerHour: 30, applicationsPerHour: 10, invitationLinksPerMinute: 30 };

/** apps/web/dist, reached the same way from src/ and dist/. */
const defaultWebDistDir = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** WebSocket routes (hidden by @fastify/websocket) that the API description lists. */
const documentedSockets = new Set([realtimePath, '/api/public/broadcasts/:token/live', '/api/broadcasts/:broadcastId/live']);

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/**
 * Builds the whole HTTP + WebSocket application on the given dependencies, without listening.
 * main.ts calls it for the real server; integration tests call it with an in-memory database.
 */
export async function buildApp(options: AppOptions) {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: 256 * 1024,
    trustProxy: config.trustProxy,
    // Not "req-1": request ids stay unique across restarts and nodes in the logs.
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = createMetrics();
  const origin = createOriginCheck({ publicUrl: config.publicUrl, isProduction: config.isProduction });
  // Several nodes share events and rate limits through Redis when REDIS_URL is set.
  const onRedisError = throttleReports((error, what) => app.log.warn({ err: error }, `${what} failed`));
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'parta-commands', lazyConnect: true })
    : null;
  if (redis) {
    redis.on('error', (error) => onRedisError(error, 'redis'));
    await redis.connect().catch((error: unknown) => onRedisError(error, 'redis connect'));
  }
  const bus =
    options.bus ??
    (config.redisUrl ? await connectRedisBus({ url: config.redisUrl, channel: `${config.redisPrefix}events`, onError: onRedisError }) : createInProcessBus());
  const rateLimiter = redis ? createRedisRateLimiter(redis, config.redisPrefix, (error) => onRedisError(error, 'redis rate limit')) : createMemoryRateLimiter();
  app.addHook('onClose', async () => {
    if (!options.bus) await bus.close();
    await redis?.quit().catch(() => undefined);
  });
  const eventLog = createEventLog({ db: database.db, bus, clock });

  const outbox = config.isProduction ? null : createDevOutbox(app.log);
  let mailer: Mailer;
  if (config.smtpUrl) mailer = createSmtpMailer(config.smtpUrl, config.smtpFrom);
  else if (outbox) mailer = outbox.mailer;
  else throw new Error('SMTP_URL is required in production');
  const sms: SmsSender | null = outbox?.sms ?? null;

  const people = createPeopleService({ db: database.db, eventLog, clock });
  const uploads = createUploadsService({ db: database.db, store: options.fileStore ?? createConfiguredFileStore(config), clock });
  const chats = createChatsService({ db: database.db, clock, eventLog });
  const reports = createReportsService({ db: database.db, clock, eventLog, uploads });
  const chatInvitations = createChatInvitationsService({ db: database.db, clock, eventLog, publicUrl: config.publicUrl });
  const messages = createMessagesService({
    db: database.db,
    clock,
    eventLog,
    bus,
    uploads,
    rateLimiter,
    ...(options.sendLimit ? { sendLimit: options.sendLimit } : {}),
    ...(options.maxPendingSends ? { maxPendingSends: options.maxPendingSends } : {}),
  });
  const school = createSchoolService({ db: database.db, clock, eventLog, people, onRosterChanged: chats.rosterChanged });
  const organizations = createOrganizationsService({
    db: database.db,
    clock,
    eventLog,
    mailer,
    people,
    uploads,
    school,
    publicUrl: config.publicUrl,
    onMailFailed: (error, purpose) => app.log.error({ err: error, purpose }, 'e-mail could not be sent'),
  });
  const invitations = createInvitationsService({ db: database.db, clock, eventLog, school, publicUrl: config.publicUrl });
  const roster = createRosterService({ db: database.db, clock, school, people });
  const media = options.media ?? null;
  const calls = createCallsService({ db: database.db, clock, eventLog, media, onMediaError: (error) => app.log.warn({ err: error }, 'media server request failed') });
  const lessons = createLessonsService({ db: database.db, clock, eventLog, calls });
  const signalling = createCallSignalling({ calls, bus, media, logger: app.log });
  const callSweepMs = options.callSweepMs ?? 5_000;
  const callSweep = callSweepMs > 0 ? setInterval(() => void calls.sweep().catch((error: unknown) => app.log.warn({ err: error }, 'sweeping calls failed')), callSweepMs) : undefined;
  callSweep?.unref();
  const broadcasts = createBroadcastsService({ db: database.db, clock, bus, eventLog, media, publicUrl: config.publicUrl });
  const broadcastLive = createBroadcastLive({
    db: database.db,
    clock,
    bus,
    media,
    broadcasts,
    logger: app.log,
    viewersPerMediaServer: config.broadcastViewersPerMediaServer,
    ice: config.ice,
    ...options.broadcastTimings,
  });
  app.addHook('onClose', async () => {
    clearInterval(callSweep);
    signalling.close();
    await broadcastLive.close();
  });
  const publicFormLimits = { ...defaultPublicFormRateLimits, ...options.rateLimits };
  const auth = createAuthService({
    db: database.db,
    clock,
    mailer,
    sms,
    bus,
    people,
    onCodeSent: (channel) => metrics.codesSent.inc({ channel }),
    onDeliveryFailed: (channel, error) => app.log.error({ err: error, channel }, 'sign-in code delivery failed'),
  });

  await app.register(cookie);
  // Per-route limits; counted in Redis when there are several nodes (allowing, not failing, if it is away).
  await app.register(rateLimit, { global: false, ...(redis ? { redis, nameSpace: `${config.redisPrefix}rl:`, skipOnError: true } : {}) });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Parta API', version: '0.1.0', description: 'School communication platform. Errors: { error: { code, message, fields? } }.' },
    },
    // @fastify/websocket marks its routes `schema.hide`; the event stream and the broadcasts' live
    // sockets are part of the API, so they are documented like any other route.
    transform: (input) =>
      jsonSchemaTransform(documentedSockets.has(input.url) && input.schema ? { ...input, schema: { ...input.schema, hide: false } } : input),
    transformObject: (input) => {
      const document = jsonSchemaTransformObject(input) as { paths?: Record<string, Record<string, { requestBody?: unknown }>> };
      const upload = document.paths?.[uploadPath]?.post;
      if (upload) upload.requestBody = uploadRequestBody;
      return document as ReturnType<typeof jsonSchemaTransformObject>;
    },
  });

  const webDistDir = config.webDistDir ?? defaultWebDistDir;
  const hasWebApp = existsSync(`${webDistDir}/index.html`);
  installErrorHandling(app, {
    // Client-side routes of the web app (/sign-in, /chats/…) get index.html.
    fallback: (request, reply) =>
      hasWebApp && request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html')
        ? reply.header('cache-control', 'no-cache').sendFile('index.html')
        : null,
  });
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(securityHeaders)) if (!reply.hasHeader(name)) void reply.header(name, value);
  });

  installSendLoadShedding(app, messages); // before authentication: see its comment
  installAuthHooks(app, { auth, origin });
  registerMetricsRoute(app, metrics);

  let isDraining = false;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const noQuery = z.object({}).strict();
  r.get('/healthz', { schema: { summary: 'Liveness', tags: ['ops'], querystring: noQuery, response: { 200: ZHealth } } }, async () => ({ status: 'ok' as const }));
  r.get(
    '/readyz',
    { schema: { summary: 'Readiness: the database answers', tags: ['ops'], querystring: noQuery, response: { 200: ZHealth, 503: ZHealth } } },
    async (_request, reply) => {
      // A stopping node tells the load balancer first, so new requests go elsewhere while it drains.
      if (isDraining) return reply.code(503).send({ status: 'unavailable' as const, checks: { server: 'draining' } });
      try {
        await Promise.race([database.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
        // The media server is reported, not required: without it one-to-one calls still work.
        return { status: 'ok' as const, checks: { database: 'ok', media: media ? (media.isAvailable() ? 'ok' : 'unreachable') : 'off' } };
      } catch {
        return reply.code(503).send({ status: 'unavailable' as const, checks: { database: 'unreachable' } });
      }
    },
  );
  r.get('/api/openapi.json', { schema: { summary: 'This API description (OpenAPI 3)', tags: ['ops'], querystring: noQuery } }, async () => app.swagger());

  registerAuthRoutes(app, { auth, isSecureCookie: config.publicUrl.startsWith('https:'), rateLimits: options.rateLimits ?? defaultAuthRateLimits });
  registerPeopleRoutes(app, people);
  registerUploadRoutes(app, { uploads, uploadsPerHour: publicFormLimits.uploadsPerHour });
  registerOrganizationRoutes(app, { organizations, applicationsPerHour: publicFormLimits.applicationsPerHour });
  registerSchoolRoutes(app, { school });
  registerInvitationRoutes(app, { invitations, previewsPerMinute: publicFormLimits.invitationLinksPerMinute });
  registerRosterRoutes(app, { roster });
  registerChatRoutes(app, { chats, messages, reports, chatInvitations });
  registerAttachmentRoutes(app, { db: database.db, uploads });
  registerCallRoutes(app, { calls, lessons, ice: config.ice, clock });
  registerBroadcastRoutes(app, {
    db: database.db,
    broadcasts,
    live: broadcastLive,
    isOriginAllowed: (request) => origin.isAllowed(request),
    localeOf: (request) => pickLocale(request.headers['accept-language']),
    // Broadcast viewers often share one address (a school's network behind NAT): BROADCAST_WATCH_PER_MINUTE.
    watchPerMinute: publicFormLimits.broadcastWatchPerMinute ?? config.broadcastWatchPerMinute,
  });
  if (outbox) registerDevOutboxRoutes(app, outbox);

  const gateway = registerRealtimeGateway(app, {
    bus,
    eventLog,
    isOriginAllowed: (request) => origin.isAllowed(request),
    authenticate: async (request) => (request.identity ? { userId: request.identity.userId, sessionId: request.identity.sessionId } : null),
    onConnectionCountChange: (count) => metrics.wsConnections.set(count),
    localeOf: (request) => pickLocale(request.headers['accept-language']),
    onClientMessage: (from, message) => signalling.onClientMessage(from, message),
    onSocketClosed: ({ connectionId }) => {
      signalling.onSocketClosed(connectionId);
      void calls.socketClosed(connectionId).catch((error: unknown) => app.log.warn({ err: error }, 'marking a call device disconnected failed'));
    },
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });

  if (hasWebApp) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      wildcard: false,
      // Hashed asset names never change content; index.html must always be revalidated.
      setHeaders: (res, filePath) => res.setHeader('cache-control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }

  /** Graceful stop: readiness fails, sockets flush what is queued and close, in-flight requests finish. */
  const drain = async () => {
    isDraining = true;
    await gateway.closeAll();
    await app.close();
  };

  return { app, gateway, eventLog, outbox, services: { auth, people, uploads, organizations, calls, broadcasts, broadcastLive }, bus, metrics, hasWebApp, drain };
}

export type ParApp = Awaited<ReturnType<typeof buildApp>>;
