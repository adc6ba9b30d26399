import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describeMachine, summarize } from './machine.ts';

/**
 * `npm run bench -- startup`: time from process spawn to the first 200 on /readyz, on an empty
 * and on an existing data directory (embedded PGlite), and resident memory after idling. With
 * BENCH_DATABASE_URL set, the same on PostgreSQL (in a fresh schema, dropped afterwards).
 * The server runs exactly as `npm start` runs it (same Node flags). Loopback only; every server
 * it starts is stopped before it returns.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node = path.join(root, 'node_modules/.bin/node');
const serverEntry = path.join(root, 'apps/server/dist/main.js');
const { nodeArgs } = (JSON.parse(readFileSync(path.join(root, 'apps/server/package.json'), 'utf8')) as { parta: { nodeArgs: string[] } }).parta;

async function startServer(dataDir: string, port: number, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; readyMs: number }> {
  const started = performance.now();
  // The database is the one this run names: embedded unless extraEnv sets DATABASE_URL.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, extraEnv);
  const child = spawn(node, [...nodeArgs, serverEntry], { env, stdio: 'ignore' });
  const deadline = started + 60_000;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status === 200) return { child, readyMs: performance.now() - started };
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready within 60 s');
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

/** One first start on an empty database, then `runs` restarts on it; RSS after idling on the last `rssRuns`. */
async function measure(dataDir: string, port: number, runs: number, idleSeconds: number, env: Record<string, string> = {}) {
  const first = await startServer(dataDir, port, env);
  await sleep(idleSeconds * 1000);
  const firstRss = rssMiB(first.child.pid!);
  await stopServer(first.child);
  const readyTimes: number[] = [];
  const rss: number[] = [];
  const rssRuns = 3;
  for (let i = 0; i < runs; i++) {
    const { child, readyMs } = await startServer(dataDir, port, env);
    readyTimes.push(readyMs);
    if (i >= runs - rssRuns) {
      await sleep(idleSeconds * 1000);
      rss.push(rssMiB(child.pid!));
    }
    await stopServer(child);
  }
  return {
    firstStartEmptyDatabaseMs: Math.round(first.readyMs),
    idleRssAfterFirstStartMiB: firstRss,
    readyOnExistingDatabaseMs: summarize(readyTimes),
    idleRssMiB: summarize(rss),
  };
}

export async function runStartup(options: { runs?: number; idleSeconds?: number } = {}) {
  const runs = options.runs ?? 7;
  const idleSeconds = options.idleSeconds ?? 5;
  const port = 3300 + Math.floor(Math.random() * 500);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parta-bench-startup-'));
  const results: Record<string, unknown> = {};
  try {
    results.pglite = await measure(dataDir, port, runs, idleSeconds);
    const postgresUrl = process.env.BENCH_DATABASE_URL;
    if (postgresUrl) {
      const schema = `bench_startup_${process.pid}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
        const url = new URL(postgresUrl);
        url.searchParams.set('options', `-c search_path=${schema}`);
        results.postgres = await measure(dataDir, port, runs, idleSeconds, { DATABASE_URL: url.toString() });
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    }
    return {
      scenario: 'startup',
      machine: describeMachine(),
      nodeArgs,
      idleSeconds,
      ...results,
      goals: { readyMs: 1000, idleRssMiB: 150 },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
