import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './platform/config/index.ts';
import { migrate, openConfiguredDatabase } from './platform/db/index.ts';

/** Composition root: configuration → database → migrations → app → listen; and a graceful stop. */
async function main() {
  const startedAt = performance.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (config.isProduction && !config.smtpUrl) {
    console.error('Invalid configuration:\n  - SMTP_URL: required when NODE_ENV=production (sign-in codes are sent by e-mail)');
    process.exit(2);
  }

  // The database opens (WebAssembly start-up for PGlite) while the HTTP layer's modules load and
  // the media server starts.
  await mkdir(config.filesDir, { recursive: true });
  const [database, { buildApp }, media] = await Promise.all([openConfiguredDatabase(config), import('./app.ts'), startMedia(config)]);
  const { applied } = await migrate(database);

  let parta: Awaited<ReturnType<typeof buildApp>>;
  try {
    parta = await buildApp({ config, database, media });
  } catch (error) {
    // Redis named by REDIS_URL not answering is the likely cause; the message says which.
    console.error(`Parta could not start: ${error instanceof Error ? error.message : String(error)}`);
    await database.close();
    process.exit(1);
  }
  const { app, services, eventLog } = parta;
  if (applied.length > 0) app.log.info({ applied }, 'database migrations applied');

  const isFirstStart = await services.people.ensureOperator(config.operatorEmail);

  const pruneEvents = async () => {
    try {
      await eventLog.prune(new Date(Date.now() - config.eventRetentionMs));
      // Embedded PGlite runs no autovacuum: without this the pruned log's space is never reused.
      if (database.kind === 'pglite') await sql`VACUUM events, user_event_entries`.execute(database.db);
    } catch (error) {
      app.log.warn({ err: error }, 'event log pruning failed');
    }
  };
  const pruneTimer = setInterval(pruneEvents, 3_600_000);
  pruneTimer.unref();
  // Uploads never attached to anything (a message not sent after all) are removed after a day.
  const sweepUploads = () =>
    services.uploads.sweepUnclaimed(new Date(Date.now() - 86_400_000)).catch((error: unknown) => app.log.warn({ err: error }, 'sweeping unclaimed uploads failed'));
  const sweepTimer = setInterval(sweepUploads, 3_600_000);
  sweepTimer.unref();

  await app.listen({ host: config.host, port: config.port });
  const url = config.publicUrl;
  app.log.info({ url, database: database.kind, readyMs: Math.round(performance.now() - startedAt) }, 'Parta is ready');
  if (!parta.hasWebApp) app.log.warn('the web app is not built (apps/web/dist is missing): run `npm run build`; the API works without it');
  if (isFirstStart) {
    const where = parta.outbox ? `The code appears in this log and at ${url}/dev/outbox.` : 'The code is sent by e-mail.';
    console.log(
      `\n  Parta is running at ${url}\n  First start: the platform operator account was created.\n  Sign in at ${url}/sign-in with the e-mail ${config.operatorEmail}. ${where}\n`,
    );
  }

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    app.log.info({ signal }, 'stopping: draining connections');
    const forceExit = setTimeout(() => process.exit(1), 10_000);
    forceExit.unref();
    await parta.drain();
    await media?.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * The media servers for group calls: the instances named by JANUS_URL, or a Janus of our own when
 * the binary is installed (JANUS_AUTOSTART=false turns that off). Never fatal: without it,
 * one-to-one calls still work and group calls say the media server is missing.
 */
async function startMedia(config: Config) {
  const logger = pino({ level: config.logLevel, base: { component: 'media' } });
  const { createMediaServers, findJanusBinary, startLocalJanus } = await import('./platform/media/index.ts');
  try {
    if (config.janus.urls.length > 0) return await createMediaServers({ urls: config.janus.urls, logger, ...(config.janus.apiSecret ? { apiSecret: config.janus.apiSecret } : {}) });
    const binary = config.janus.autostart ? findJanusBinary() : undefined;
    if (!binary) {
      logger.info(config.janus.autostart ? 'janus is not installed (apt-get install -y janus): group calls are off, one-to-one calls work' : 'JANUS_AUTOSTART=false and no JANUS_URL: group calls are off');
      return null;
    }
    const local = await startLocalJanus({ dir: path.join(config.dataDir, 'janus'), binary, logger, ...(config.janus.publicIp ? { publicIp: config.janus.publicIp } : {}) });
    return await createMediaServers({ urls: [local.url], logger, supervised: local });
  } catch (error) {
    logger.warn({ err: error }, 'the media server could not be started: group calls are off');
    return null;
  }
}

await main();
