import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeMachine, summarize } from './machine.ts';
import { freePort, nodeArgs, startServer, stopServer, withPostgresSchema } from './server.ts';

/**
 * `npm run bench -- startup`: time from process spawn to the first 200 on /readyz, on an empty
 * and on an existing data directory (embedded PGlite), and resident memory after idling. With
 * BENCH_DATABASE_URL set, the same on PostgreSQL (in a fresh schema, dropped afterwards).
 * The server runs exactly as `npm start` runs it (same Node flags). Loopback only; every server
 * it starts is stopped before it returns.
 */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

/** One first start on an empty database, then `runs` restarts on it; RSS after idling on the last `rssRuns`. */
async function measure(dataDir: string, port: number, runs: number, idleSeconds: number, env: Record<string, string> = {}) {
  const first = await startServer({ dataDir, port, env });
  await sleep(idleSeconds * 1000);
  const firstRss = rssMiB(first.child.pid!);
  await stopServer(first.child);
  const readyTimes: number[] = [];
  const rss: number[] = [];
  const rssRuns = 3;
  for (let i = 0; i < runs; i++) {
    const { child, readyMs } = await startServer({ dataDir, port, env });
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
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parta-bench-startup-'));
  const results: Record<string, unknown> = {};
  try {
    results.pglite = await measure(dataDir, port, runs, idleSeconds);
    const postgresUrl = process.env.BENCH_DATABASE_URL;
    if (postgresUrl) {
      results.postgres = await withPostgresSchema(postgresUrl, 'bench_startup', (url) => measure(dataDir, port, runs, idleSeconds, { DATABASE_URL: url }));
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
