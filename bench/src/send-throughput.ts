import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusyPercent, startCpuMeter } from './cpu.ts';
import { Browsers, sendClosedLoop } from './load.ts';
import { describeMachine } from './machine.ts';
import { onBenchDatabase, progressOf, sourceVersion, withSeededServer } from './scenario.ts';
import { seedGroupChats, seedSchool } from './seed.ts';
import { nodeArgs } from './server.ts';

/**
 * `npm run bench -- send-throughput`: how many messages a second one node stores durably, and
 * how long a send takes to commit (POST → 201, answered after COMMIT), with many people sending
 * in many small chats, so that fan-out is not what is measured.
 *
 * 1. The built server creates its database and stops; straight into it (seed.ts): 2 000 people
 *    with live sessions in 500 group chats of 4.
 * 2. The server starts again. Nobody holds a socket: each message still gets its 4 recipients'
 *    events in the durable log (that is part of a send), but no frames are written.
 * 3. Closed loops of 8, 32 and 128 messages in flight (BENCH_SEND_CONCURRENCY), 2 s of warm-up
 *    and 10 s measured each: message i is posted by person i mod 2 000 in their own chat, so
 *    each person sends at most (messages a second) / 2 000 a second — below the per-person
 *    limit of 30 in 10 s (`defaultSendLimit`, modules/chats) up to 6 000 a second; 429s are
 *    reported. Each person posts through their own keep-alive connections (a browser's).
 *
 * PostgreSQL in a fresh schema with BENCH_DATABASE_URL, embedded PGlite otherwise;
 * BENCH_CPU_PROF=<dir> profiles the server. Loopback only; at most 200 s.
 */
const env = process.env;
const settings = {
  people: 2_000,
  membersPerChat: 4,
  concurrency: (env.BENCH_SEND_CONCURRENCY ?? '8,32,128').split(',').map(Number),
  warmupSeconds: 2,
  seconds: Number(env.BENCH_SEND_SECONDS ?? 10),
  requestTimeoutMs: 30_000,
  budgetMs: 200_000,
};

export async function runSendThroughput() {
  const source = sourceVersion();
  const progress = progressOf('send-throughput');
  const budget = AbortSignal.timeout(settings.budgetMs);
  const { database, figures } = await onBenchDatabase('bench_send_throughput', (databaseUrl) =>
    withSeededServer(
      {
        name: 'send-throughput',
        databaseUrl,
        progress,
        seed: async (db) => {
          const school = await seedSchool(db, { size: settings.people, teachers: 100 });
          const chats = Array.from({ length: settings.people / settings.membersPerChat }, (_, c) => ({
            title: `Группа проекта № ${c + 1}`,
            members: school.people.slice(c * settings.membersPerChat, (c + 1) * settings.membersPerChat).map((person) => person.userId),
          }));
          const chatIds = await seedGroupChats(db, { organizationId: school.organizationId, chats });
          return { school, chatIds };
        },
      },
      async ([node], { school, chatIds }) => {
        const { baseUrl, server } = node!;
        const browsers = new Browsers();
        const target = (index: number) => {
          const person = index % school.people.length;
          return { baseUrl, person: school.people[person]!, chatId: chatIds[Math.floor(person / settings.membersPerChat)]! };
        };
        // Every step continues the round of senders where the previous one stopped.
        let offset = 0;
        const at = (index: number) => target(offset + index);
        try {
          const machineBusyBeforeLoadPercent = await machineBusyPercent(1_000);
          const steps = [];
          for (const concurrency of settings.concurrency) {
            progress(`${concurrency} in flight: ${settings.warmupSeconds} s warm-up, ${settings.seconds} s measured`);
            const warmup = await sendClosedLoop({ concurrency, seconds: settings.warmupSeconds, target: at, browsers, requestTimeoutMs: settings.requestTimeoutMs, signal: budget });
            offset += Object.values(warmup.outcomes).reduce((sum, count) => sum + count, 0);
            const cpu = startCpuMeter(server.child.pid!, { postgres: databaseUrl !== undefined });
            const measured = await sendClosedLoop({ concurrency, seconds: settings.seconds, target: at, browsers, requestTimeoutMs: settings.requestTimeoutMs, signal: budget });
            const cpuDuring = cpu.stop();
            offset += Object.values(measured.outcomes).reduce((sum, count) => sum + count, 0);
            const step = {
              concurrency,
              messagesPerSecond: Math.round(measured.accepted / measured.seconds),
              accepted: measured.accepted,
              outcomes: measured.outcomes,
              warmupOutcomes: warmup.outcomes,
              rateLimited: (measured.outcomes['429'] ?? 0) + (warmup.outcomes['429'] ?? 0),
              commitMs: measured.commitMs.summary(),
              cpu: cpuDuring,
            };
            steps.push(step);
            progress(`${concurrency} in flight: ${step.messagesPerSecond} messages/s, commit p50 ${step.commitMs.p50} ms, p99 ${step.commitMs.p99} ms, server CPU ${cpuDuring.serverPercentOfOneCore} %`);
            await sleep(1_000);
          }
          progress('done');
          return {
            people: settings.people,
            chats: chatIds.length,
            machineBusyBeforeLoadPercent,
            serverReadyMs: Math.round(server.readyMs),
            steps,
            best: Math.max(...steps.map((step) => step.messagesPerSecond)),
          };
        } finally {
          browsers.destroy();
        }
      },
    ),
  );
  return { scenario: 'send-throughput', machine: describeMachine(), source, nodeArgs, database, settings, ...figures, ...(env.BENCH_CPU_PROF ? { cpuProfileDir: env.BENCH_CPU_PROF } : {}), goals: { messagesPerSecond: 5_000 } };
}
