import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../../apps/server/dist/platform/db/index.js';
import { machineBusyPercent } from '../cpu.ts';
import { onBenchDatabase, withSeededServer, type ServerNode } from '../scenario.ts';
import { childrenNamed, descendantsOf, environmentOf, isAlive, rssMiB } from './proc.ts';

/**
 * The life cycle the media scenarios (lesson.ts, broadcast.ts) share: a hard deadline, a seeded
 * server on PGlite or PostgreSQL (BENCH_DATABASE_URL) that starts its own Janus, the Janus found
 * among its children, the machine's load and both processes' memory before any load, and after
 * the server stopped, a Janus left behind killed.
 */
export async function runMediaScenario<S, T extends object>(
  options: { name: string; hardDeadlineMs: number; progress: (message: string) => void; seed: (database: Database) => Promise<S> },
  work: (context: { node: ServerNode; seeded: S; pids: { server: number; janus: number } }) => Promise<T>,
) {
  let janusPid: number | undefined;
  const disarmHardDeadline = armHardDeadline(options.name, options.hardDeadlineMs);
  try {
    const { database, figures } = await onBenchDatabase(`bench_${options.name}`, (databaseUrl) =>
      withSeededServer(
        // The server starts its own Janus (bench/src/server.ts turns that off for other scenarios).
        { name: options.name, databaseUrl, env: { JANUS_AUTOSTART: 'true' }, progress: options.progress, seed: options.seed },
        async ([node], seeded) => {
          const server = node!.server.child.pid!;
          const janus = await findJanus(server);
          janusPid = janus;
          const machineBusyBeforeLoadPercent = await machineBusyPercent(1_000);
          const idle = { serverRssMiB: rssMiB(server), janusRssMiB: rssMiB(janus) };
          const figures = await work({ node: node!, seeded, pids: { server, janus } });
          return { janusPid: janus, idle, machineBusyBeforeLoadPercent, serverReadyMs: Math.round(node!.server.readyMs), ...figures };
        },
      ),
    );
    // The server stopped (withSeededServer); its Janus must have gone with it.
    const strayJanusKilled = await killStrayJanus(janusPid);
    return { database, ...figures, strayJanusKilled };
  } finally {
    disarmHardDeadline();
  }
}

/**
 * Ends everything this process started if the run hangs past `ms`: whichever server is running
 * (the first start's or the measured one), its Janus, the client processes. Returns the disarm.
 */
function armHardDeadline(scenario: string, ms: number): () => void {
  const timer = setTimeout(() => {
    console.error(`[${scenario}] hard deadline passed: stopping every process this run started`);
    const started = descendantsOf(process.pid);
    // The temporary data directory withSeededServer would have removed: a server's DATA_DIR.
    const dataDirs = started.map((pid) => environmentOf(pid, 'DATA_DIR')).filter((dir) => dir?.includes(`parta-bench-${scenario}-`));
    // SIGTERM to the direct children only: a server stops its own Janus (killing Janus first would
    // make the server start another).
    for (const pid of childrenNamed(process.pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    setTimeout(() => {
      for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      for (const dir of new Set(dataDirs)) rmSync(dir!, { recursive: true, force: true });
      process.exit(1);
    }, 5_000);
  }, ms);
  return () => clearTimeout(timer);
}

/** The Janus the server started (JANUS_AUTOSTART), among its children; waits up to 5 s. */
async function findJanus(serverPid: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const janus = childrenNamed(serverPid, 'janus')[0];
    if (janus) return janus;
    await sleep(100);
  }
  throw new Error('the server started no Janus (is /usr/bin/janus installed?)');
}

/** After the server stopped, its Janus must have gone with it: killed if still there 3 s later; true if it had to be. */
async function killStrayJanus(janus: number | undefined): Promise<boolean> {
  if (!janus) return false;
  for (let attempt = 0; attempt < 30 && isAlive(janus); attempt++) await sleep(100);
  if (!isAlive(janus)) return false;
  process.kill(janus, 'SIGKILL');
  return true;
}

