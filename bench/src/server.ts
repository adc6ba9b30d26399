import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * Starting and stopping the built server for benchmark scenarios, exactly as `npm start` runs it
 * (same Node and flags), on loopback, with the database a scenario names.
 */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node = path.join(root, 'node_modules/.bin/node');
const serverEntry = path.join(root, 'apps/server/dist/main.js');
export const { nodeArgs } = (JSON.parse(readFileSync(path.join(root, 'apps/server/package.json'), 'utf8')) as { parta: { nodeArgs: string[] } }).parta;

export type StartOptions = {
  dataDir: string;
  port: number;
  /** More environment; the database is embedded PGlite unless this sets DATABASE_URL. */
  env?: Record<string, string>;
  /** Node flags added after `parta.nodeArgs` (e.g. --cpu-prof). */
  extraNodeArgs?: string[];
  /** The server's stdout and stderr go to this file; discarded when absent. */
  logFile?: string;
};

export type StartedServer = { child: ChildProcess; readyMs: number };

/** Spawns the server and waits for the first 200 from /readyz (at most 60 s). */
export async function startServer(options: StartOptions): Promise<StartedServer> {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  // No media server unless a scenario asks for one (`JANUS_AUTOSTART: 'true'`, the lesson bench):
  // a Janus per node would take CPU from what is measured.
  Object.assign(env, { DATA_DIR: options.dataDir, PORT: String(options.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', JANUS_AUTOSTART: 'false' }, options.env);
  const log = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(node, [...nodeArgs, ...(options.extraNodeArgs ?? []), serverEntry], { env, stdio: ['ignore', log, log] });
  if (typeof log === 'number') closeSync(log); // the child has its own copy
  const deadline = started + 60_000;
  while (performance.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`http://127.0.0.1:${options.port}/readyz`);
      if (response.status === 200) return { child, readyMs: performance.now() - started };
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error(child.exitCode === null ? 'server did not become ready within 60 s' : `server exited with code ${child.exitCode} before it was ready`);
}

/** SIGTERM (the graceful stop), SIGKILL if it has not exited 10 s later. */
export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs `work` with a fresh schema on the PostgreSQL server at `url` and a connection URL whose
 * search_path is that schema (what the server gets as DATABASE_URL); the schema is dropped
 * afterwards, whatever happens.
 */
export async function withPostgresSchema<T>(url: string, prefix: string, work: (schemaUrl: string) => Promise<T>): Promise<T> {
  const schema = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    const schemaUrl = new URL(url);
    schemaUrl.searchParams.set('options', `-c search_path=${schema}`);
    return await work(schemaUrl.toString());
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
