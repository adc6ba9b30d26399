import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heartbeatIntervalMs } from '@parta/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusyPercent, startCpuMeter } from './cpu.ts';
import { nofileOf, raiseNofile } from './limits.ts';
import { describeMachine } from './machine.ts';
import { onBenchDatabase, progressOf, rssKiB, sourceVersion, withSeededServer } from './scenario.ts';
import { seedSchool } from './seed.ts';
import { nodeArgs } from './server.ts';
import { loopbackSource, SocketClients } from './socket-clients.ts';

/**
 * `npm run bench -- connections`: how many idle signed-in WebSockets one server node holds, and
 * what each costs in memory and in heartbeat CPU.
 *
 * 1. The built server creates its database and stops; 1 000 people with a live session each are
 *    written into it (seed.ts). Sockets share these sessions round-robin (a person with many
 *    tabs and devices, as far as the server is concerned: one socket, one session lookup, one
 *    `hello` each).
 * 2. The server starts again; its open-file limit is raised as far as the machine lets (prlimit),
 *    and so is each client process's. After 5 s idle its RSS (VmRSS) is the baseline.
 * 3. Steps (10 000, 20 000, 50 000, 100 000 sockets, or BENCH_CONNECTIONS_STEPS, up to
 *    BENCH_CONNECTIONS_MAX): the sockets missing to the next step are opened from the client
 *    processes (socket-worker.ts, 15 000 sockets each at most, 64 connecting at a time in each),
 *    each bound to a source address 127.0.0.2, 127.0.0.3, … (10 000 per address: one address has
 *    ~28 000 ephemeral ports towards one server port). Every socket says hello and waits for
 *    ready. Then everything idles for one heartbeat interval and 2 s (the server pings and sends a
 *    heartbeat frame to every socket once in that time) while the server's CPU is measured; then
 *    its RSS is read and every socket is checked still open.
 * 4. The ramp stops at the first step not fully held, or when the server's open-file limit would
 *    be passed: the last step is then the most the limit leaves room for (a server out of
 *    descriptors cannot accept anything, not even /readyz). BENCH_CONNECTIONS_PAST_LIMIT=1 goes
 *    past it anyway, to see what the server does then.
 *
 * PostgreSQL in a fresh schema with BENCH_DATABASE_URL, embedded PGlite otherwise. Loopback only;
 * gives up after 290 s; every process and socket it started is stopped.
 */
const env = process.env;
const settings = {
  steps: (env.BENCH_CONNECTIONS_STEPS ?? '10000,20000,50000,100000').split(',').map(Number),
  max: Number(env.BENCH_CONNECTIONS_MAX ?? 100_000),
  people: Number(env.BENCH_CONNECTIONS_PEOPLE ?? 1_000),
  perClientProcess: 15_000,
  perSourceAddress: 10_000,
  connectConcurrencyPerProcess: 64,
  connectTimeoutMs: 30_000,
  /** One heartbeat interval and a margin: every socket is pinged once while idle. */
  idleMs: heartbeatIntervalMs + 2_000,
  baselineIdleMs: 5_000,
  /** Descriptors the server keeps beyond its sockets (database files, log, listening socket…) besides what it has open at the baseline. */
  serverDescriptorMargin: 100,
  isPastLimitAllowed: env.BENCH_CONNECTIONS_PAST_LIMIT === '1',
  budgetMs: 290_000,
};

const openDescriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

const probeFile = path.join(tmpdir(), `parta-bench-memory-${process.pid}.json`);
const probeModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-probe.ts');

/**
 * The server's memory after a full garbage collection (memory-probe.ts, asked with SIGUSR2): its
 * V8 heap in use, external memory and RSS then, in KiB. null if the probe did not answer in 5 s.
 */
async function liveMemory(pid: number) {
  rmSync(probeFile, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 5_000 && !existsSync(probeFile); waited += 100) await sleep(100);
  await sleep(100);
  try {
    const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as { heapUsed: number; external: number; arrayBuffers: number };
    return { heapUsedKiB: Math.round(probe.heapUsed / 1024), externalKiB: Math.round(probe.external / 1024), rssAfterGcKiB: rssKiB(pid) };
  } catch {
    return null;
  }
}
const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** The server's own count of open sockets (`parta_ws_connections` on /metrics). */
async function serverSocketCount(baseUrl: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const value = /^parta_ws_connections (\d+)/m.exec(text)?.[1];
    return value === undefined ? null : Number(value);
  } catch {
    return null;
  }
}

export async function runConnections() {
  const source = sourceVersion();
  const progress = progressOf('connections');
  const startedAt = performance.now();
  const planned = settings.steps.filter((step) => step > 0 && step <= settings.max).sort((a, b) => a - b);
  if (planned.length === 0) throw new Error(`no step within BENCH_CONNECTIONS_MAX=${settings.max}: ${settings.steps.join(', ')}`);
  const { database, figures } = await onBenchDatabase('bench_connections', (databaseUrl) =>
    withSeededServer(
      {
        name: 'connections',
        databaseUrl,
        progress,
        env: { BENCH_MEMORY_PROBE_FILE: probeFile },
        extraNodeArgs: ['--expose-gc', '--import', probeModule],
        seed: (db) => seedSchool(db, { size: settings.people, teachers: 20 }),
      },
      async ([node], school) => {
      const { baseUrl, server } = node!;
      const pid = server.child.pid!;
      const largest = planned[planned.length - 1]!;
      const serverLimit = raiseNofile(pid, largest + 1_000);
      await sleep(settings.baselineIdleMs);
      const baselineKiB = rssKiB(pid);
      const baselineLive = await liveMemory(pid);
      const baselineDescriptors = openDescriptors(pid);
      const serverRoom = serverLimit.after.soft - baselineDescriptors - settings.serverDescriptorMargin;
      // Steps beyond the room the server's limit leaves are replaced by one step at that room.
      const steps = settings.isPastLimitAllowed ? planned : [...new Set(planned.map((step) => Math.min(step, serverRoom)))];
      const limitedBy = !settings.isPastLimitAllowed && largest > serverRoom ? 'the server process open-file limit' : null;
      const clients = await SocketClients.start(Math.ceil(steps[steps.length - 1]! / settings.perClientProcess), settings.perClientProcess + 1_000);
      try {
        progress(`baseline RSS ${mib(baselineKiB)} MiB; server nofile ${serverLimit.after.soft}; steps ${steps.join(', ')}${limitedBy ? ` (capped by ${limitedBy})` : ''}`);
        const machineBusyBeforePercent = await machineBusyPercent(1_000);

        const results = [];
        let held = 0;
        let previousKiB = baselineKiB;
        for (const step of steps) {
          if (performance.now() - startedAt > settings.budgetMs - 60_000) {
            progress(`stopping before ${step}: the time budget is nearly spent`);
            break;
          }
          progress(`step ${step}: opening ${step - held} sockets`);
          const targets = Array.from({ length: step - held }, (_, offset) => {
            const index = held + offset;
            return { cookie: school.people[index % school.people.length]!.cookie, group: 'idle', localAddress: loopbackSource(index, settings.perSourceAddress) };
          });
          const connectCpu = startCpuMeter(pid, { postgres: databaseUrl !== undefined });
          const connected = await clients.connect(baseUrl, baseUrl, targets, { concurrency: settings.connectConcurrencyPerProcess, timeoutMs: settings.connectTimeoutMs });
          const cpuWhileConnecting = connectCpu.stop();
          const afterConnect = await clients.stats();
          const rssAfterConnectKiB = rssKiB(pid);
          progress(`step ${step}: ${afterConnect.ready} ready in ${(connected.ms / 1000).toFixed(1)} s${connected.failed > 0 ? `, ${connected.failed} failed: ${JSON.stringify(connected.failures)}` : ''}; idling ${settings.idleMs / 1000} s`);
          const idleCpu = startCpuMeter(pid, { postgres: databaseUrl !== undefined });
          await sleep(settings.idleMs);
          const cpuWhileIdle = idleCpu.stop();
          const afterIdle = await clients.stats();
          const isServerUp = server.child.exitCode === null && server.child.signalCode === null;
          const rssKiBNow = isServerUp ? rssKiB(pid) : NaN;
          const serverCount = isServerUp ? await serverSocketCount(baseUrl) : null;
          const live = isServerUp ? await liveMemory(pid) : null;
          const perSocket = (now: number | undefined, base: number | undefined) => (now === undefined || base === undefined ? null : Math.round(((now - base) / afterIdle.ready) * 10) / 10);
          const isHeld = connected.failed === 0 && afterIdle.ready === step;
          results.push({
            connections: step,
            opened: connected.opened,
            failed: connected.failed,
            failures: connected.failures,
            readyAfterConnect: afterConnect.ready,
            readyAfterIdle: afterIdle.ready,
            serverCountsSockets: serverCount,
            isHeld,
            connect: {
              seconds: Math.round(connected.ms / 100) / 10,
              perSecond: Math.round(connected.opened / (connected.ms / 1000)),
              socketToReadyMs: connected.connectMs,
              cpu: cpuWhileConnecting,
            },
            serverRssMiB: mib(rssKiBNow),
            serverRssAfterConnectMiB: mib(rssAfterConnectKiB),
            /** (RSS − baseline) / sockets, after idling. */
            rssPerConnectionKiB: Math.round(((rssKiBNow - baselineKiB) / afterIdle.ready) * 10) / 10,
            /** RSS added since the previous step / sockets added. */
            rssPerAddedConnectionKiB: Math.round(((rssKiBNow - previousKiB) / (afterIdle.ready - held)) * 10) / 10,
            /** After a forced full garbage collection (memory-probe.ts): what each socket really keeps. */
            afterFullGc: live && {
              serverRssMiB: mib(live.rssAfterGcKiB),
              rssPerConnectionKiB: perSocket(live.rssAfterGcKiB, baselineLive?.rssAfterGcKiB),
              heapUsedPerConnectionKiB: perSocket(live.heapUsedKiB, baselineLive?.heapUsedKiB),
              externalPerConnectionKiB: perSocket(live.externalKiB, baselineLive?.externalKiB),
            },
            serverOpenDescriptors: isServerUp ? openDescriptors(pid) : null,
            idle: { seconds: settings.idleMs / 1000, ...cpuWhileIdle },
            streamProblems: afterIdle.problems,
            closeCodes: afterIdle.closeCodes,
            clientProcessesRssMiB: afterIdle.workerRssMiB,
            isServerUp,
          });
          held = afterIdle.ready;
          previousKiB = rssKiBNow;
          progress(`step ${step}: RSS ${mib(rssKiBNow)} MiB (${results.at(-1)!.rssPerConnectionKiB} KiB per socket); idle CPU ${cpuWhileIdle.serverPercentOfOneCore} % of a core`);
          if (!isHeld || !isServerUp) break;
        }
        const heldSteps = results.filter((result) => result.isHeld);
        return {
          people: settings.people,
          sessions: settings.people,
          serverNofile: { ...serverLimit, descriptorsAtBaseline: baselineDescriptors, roomForSockets: serverRoom },
          clientProcesses: clients.limits.length,
          clientNofile: clients.limits[0],
          parentNofile: nofileOf(process.pid),
          limitedBy,
          machineBusyBeforePercent,
          baselineRssMiB: mib(baselineKiB),
          baselineAfterFullGc: baselineLive && { rssMiB: mib(baselineLive.rssAfterGcKiB), heapUsedMiB: mib(baselineLive.heapUsedKiB), externalMiB: mib(baselineLive.externalKiB) },
          largestHeld: heldSteps.at(-1)?.connections ?? 0,
          steps: results,
        };
      } finally {
        await clients.close();
        rmSync(probeFile, { force: true });
      }
    }),
  );
  progress('done');
  return { scenario: 'connections', machine: describeMachine(), source, nodeArgs, database, settings, ...figures, goals: { connections: 100_000, rssPerConnectionKiB: 20 } };
}
