import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openConfiguredDatabase, type Database } from '../../apps/server/dist/platform/db/index.js';
import { httpRequest } from './http.ts';
import type { SeededPerson } from './seed.ts';
import { freePort, root, startServer, stopServer, withPostgresSchema, type StartedServer } from './server.ts';

/**
 * What the load scenarios share: progress lines, the database choice, a seeded server's life
 * cycle, JSON requests as a signed-in browser, memory of a process, the server's log.
 */

/** Progress on stderr, prefixed with the scenario and the seconds since it began (stdout is the JSON). */
export function progressOf(scenario: string) {
  const startedAt = performance.now();
  return (message: string) => console.error(`[${scenario} ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}`);
}

/**
 * Runs `work` on PostgreSQL in a fresh schema (dropped afterwards) when BENCH_DATABASE_URL is
 * set, or on embedded PGlite (`databaseUrl` undefined) otherwise.
 */
export async function onBenchDatabase<T>(schemaPrefix: string, work: (databaseUrl: string | undefined) => Promise<T>) {
  const postgresUrl = process.env.BENCH_DATABASE_URL;
  const figures = postgresUrl ? await withPostgresSchema(postgresUrl, schemaPrefix, work) : await work(undefined);
  return { database: postgresUrl ? ('postgres' as const) : ('pglite' as const), figures };
}

/**
 * The commit the measured server was built from, and the files under apps/ and packages/ that
 * differed from it (a figure belongs to that code, not to the commit alone).
 */
export function sourceVersion() {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout ?? '';
  // Porcelain lines are "XY path": two status letters (either may be a space), a space, the path.
  const changed = git('status', '--porcelain', '--', 'apps', 'packages').split('\n').filter(Boolean).map((line) => line.slice(3));
  return { commit: git('rev-parse', '--short', 'HEAD').trim() || 'unknown', uncommittedServerFiles: changed };
}

/** VmRSS of a process, in KiB. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

export function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The measured server logs at LOG_LEVEL=warn: its warnings and errors, counted by message. */
export function summarizeServerLog(logFile: string) {
  const counts = new Map<string, number>();
  for (const line of readLines(logFile)) {
    let key = line.slice(0, 200);
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      key = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
    } catch {
      // not JSON: counted as it is
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries(counts);
}

/** `--cpu-prof` into `dir` (BENCH_CPU_PROF) when set; read the profile with profile-summary.ts. */
export const cpuProfileArgs = (dir: string | undefined) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);

/** A JSON request as `as`'s browser makes it (cookie, CSRF header, Origin); throws unless 2xx. */
export async function requestJson<T>(agent: Agent, baseUrl: string, as: SeededPerson, method: 'GET' | 'POST', url: string, options: { body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const { body, signal } = options;
  const response = await httpRequest(agent, `${baseUrl}${url}`, {
    method,
    headers: { ...as.headers, origin: baseUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
  if (response.status < 200 || response.status > 299) throw new Error(`${method} ${url} → HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as T;
}

export type ServerNode = { baseUrl: string; port: number; server: StartedServer; logFile: string };

export type SeededServerOptions<S> = {
  /** Names the temporary data directory and the progress lines. */
  name: string;
  databaseUrl: string | undefined;
  /** Writes the scenario's data straight into the database, while no server has it open. */
  seed: (database: Database) => Promise<S>;
  /** Servers to start on the seeded database (several need PostgreSQL); 1 by default. */
  nodes?: number;
  /** More environment for every node (e.g. REDIS_URL). */
  env?: Record<string, string>;
  /**
   * Node flags for the measured server(s); BENCH_CPU_PROF=<dir> adds --cpu-prof into that
   * directory (read it with profile-summary.ts) and BENCH_SERVER_NODE_ARGS any other flags
   * (space-separated, e.g. --heapsnapshot-signal=SIGUSR2).
   */
  extraNodeArgs?: string[];
  progress: (message: string) => void;
};

/**
 * The life cycle of a measured server: the built server starts once on an empty data directory
 * (creating the database and applying the migrations) and stops — embedded PGlite is opened by one
 * process at a time —, `seed` fills the database, the server (or `nodes` of them, on their own
 * loopback ports) starts again, `work` measures. Whatever happens, every server is stopped and the
 * data directory removed; on failure the end of the server's log is printed to stderr.
 */
export async function withSeededServer<S, T>(options: SeededServerOptions<S>, work: (nodes: ServerNode[], seeded: S) => Promise<T>): Promise<T & { seedMs: number; serverLog: Record<string, number> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `parta-bench-${options.name}-`));
  const count = options.nodes ?? 1;
  if (count > 1 && !options.databaseUrl) throw new Error('several server nodes need PostgreSQL (BENCH_DATABASE_URL)');
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const nodes: ServerNode[] = [];
  const database: Record<string, string> = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {};
  try {
    options.progress(`first start on ${options.databaseUrl ? 'PostgreSQL' : 'PGlite'} (migrations)`);
    await stopServer((await startServer({ dataDir, port: ports[0]!, env: { ...database, PUBLIC_URL: `http://127.0.0.1:${ports[0]}` } })).child);
    options.progress('seeding');
    const seedStarted = performance.now();
    const opened = await openConfiguredDatabase({ databaseUrl: options.databaseUrl, dataDir });
    let seeded: S;
    try {
      seeded = await options.seed(opened);
    } finally {
      await opened.close();
    }
    const seedMs = Math.round(performance.now() - seedStarted);
    options.progress(`seeded in ${(seedMs / 1000).toFixed(1)} s; starting ${count > 1 ? `${count} server nodes` : 'the server'}`);
    for (const [index, port] of ports.entries()) {
      const baseUrl = `http://127.0.0.1:${port}`;
      const logFile = path.join(dataDir, `server-${index + 1}.log`);
      // Each node its own files directory (they would share a volume in production; nothing here uploads).
      const nodeDataDir = index === 0 ? dataDir : mkdtempSync(path.join(dataDir, `node-${index + 1}-`));
      const extraNodeArgs = [...(options.extraNodeArgs ?? []), ...cpuProfileArgs(process.env.BENCH_CPU_PROF), ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
      const server = await startServer({ dataDir: nodeDataDir, port, env: { ...database, PUBLIC_URL: baseUrl, ...options.env }, logFile, extraNodeArgs });
      nodes.push({ baseUrl, port, server, logFile });
    }
    const figures = await work(nodes, seeded);
    const serverLog: Record<string, number> = {};
    for (const node of nodes) for (const [message, times] of Object.entries(summarizeServerLog(node.logFile))) serverLog[message] = (serverLog[message] ?? 0) + times;
    return { ...figures, seedMs, serverLog };
  } catch (error) {
    for (const node of nodes) console.error(`${options.name} failed; ${node.baseUrl}'s log ends with:\n${readLines(node.logFile).slice(-20).join('\n')}`);
    throw error;
  } finally {
    for (const node of nodes) await stopServer(node.server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
