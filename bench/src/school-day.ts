import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusyPercent, startCpuMeter } from './cpu.ts';
import { Browsers, sendOpenLoop } from './load.ts';
import { describeMachine } from './machine.ts';
import { onBenchDatabase, progressOf, sourceVersion, withSeededServer } from './scenario.ts';
import { seedGroupChats, seedSchool, type SeededPerson } from './seed.ts';
import { nodeArgs } from './server.ts';
import { SocketClients, type MergedStats } from './socket-clients.ts';

/**
 * `npm run bench -- school-day`: every class chat busy at once. 60 classes of 60 people (3 600,
 * each with one socket); senders in every chat post at a steady total rate, ramped in steps;
 * every message goes to the 60 sockets of its chat.
 *
 * 1. The built server creates its database and stops; straight into it (seed.ts): a school of
 *    3 600 people with live sessions, and 60 group chats of 60 of them (person i in chat i mod 60).
 * 2. The server starts again; the 3 600 sockets open from 2 client processes (socket-worker.ts),
 *    say hello and wait for ready.
 * 3. Steps of 25, 50, 100, 200, 400 and 850 messages a second in total (BENCH_SCHOOL_DAY_RATES): 2 s of
 *    warm-up, then 10 s measured, open loop (message i is due at a fixed time and posted then,
 *    never waiting for earlier ones). Message i goes to chat i mod 60, from that chat's members in
 *    turn, so at 850 a second each person sends one message every ~4 s — far below the per-person
 *    limit of 30 in 10 s (`defaultSendLimit`, modules/chats); any 429 is reported.
 * 4. A delivery is timed from when its message was due to the arrival of `message.created` at a
 *    member's socket (the workers read the due time from the message's text). After each step,
 *    missing deliveries are waited for (at most 15 s). The ramp stops after the first step the
 *    server did not keep up with: a message unanswered or refused, a delivery missing, or the last
 *    delivery more than 1 s after the last message was due (a backlog that only grows).
 *
 * Deliveries per second count all 60 sockets of a chat, the author's own included (the author's
 * other tabs get it too); "to others" is 59/60 of it. PostgreSQL in a fresh schema with
 * BENCH_DATABASE_URL, embedded PGlite otherwise; BENCH_CPU_PROF=<dir> profiles the server.
 * Loopback only; at most 280 s.
 */
const env = process.env;
const settings = {
  classes: Number(env.BENCH_SCHOOL_DAY_CLASSES ?? 60),
  membersPerClass: 60,
  rates: (env.BENCH_SCHOOL_DAY_RATES ?? '25,50,100,200,400,850').split(',').map(Number),
  warmupSeconds: 2,
  seconds: Number(env.BENCH_SCHOOL_DAY_SECONDS ?? 10),
  clientProcesses: 2,
  drainTimeoutMs: 15_000,
  /** The last delivery later than this after the last message was due: the server fell behind. */
  keptUpSlackMs: 1_000,
  requestTimeoutMs: 30_000,
  budgetMs: 280_000,
};

const round = (value: number) => Math.round(value * 10) / 10;

/** Deliveries of `tag` counted so far in every socket group. */
const counted = (stats: MergedStats, tag: string) => stats.deliveries.get(`all|${tag}`)?.latency.count ?? 0;

export async function runSchoolDay() {
  const source = sourceVersion();
  const progress = progressOf('school-day');
  const budget = AbortSignal.timeout(settings.budgetMs);
  const people = settings.classes * settings.membersPerClass;
  const { database, figures } = await onBenchDatabase('bench_school_day', (databaseUrl) =>
    withSeededServer(
      {
        name: 'school-day',
        databaseUrl,
        progress,
        seed: async (db) => {
          const school = await seedSchool(db, { size: people, teachers: settings.classes });
          const classes = Array.from({ length: settings.classes }, (_, c) => school.people.filter((_person, index) => index % settings.classes === c));
          const chatIds = await seedGroupChats(db, { organizationId: school.organizationId, chats: classes.map((members, c) => ({ title: `${1 + (c % 11)}«${'АБВГДЕ'[Math.floor(c / 11) % 6]}» — класс ${c + 1}`, members: members.map((person) => person.userId) })) });
          return { school, classes, chatIds };
        },
      },
      async ([node], { school, classes, chatIds }) => {
        const { baseUrl, server } = node!;
        const pid = server.child.pid!;
        const clients = await SocketClients.start(settings.clientProcesses, 10_000);
        const browsers = new Browsers();
        try {
          progress(`${people} sockets`);
          const connected = await clients.connect(
            baseUrl,
            baseUrl,
            school.people.map((person) => ({ cookie: person.cookie, group: 'all' })),
            { concurrency: 32, timeoutMs: 30_000 },
          );
          if (connected.failed > 0) throw new Error(`${connected.failed} sockets failed to open: ${JSON.stringify(connected.failures)}`);
          const machineBusyBeforeLoadPercent = await machineBusyPercent(1_000);
          const target = (index: number) => {
            const chat = index % settings.classes;
            const members = classes[chat]!;
            const person: SeededPerson = members[Math.floor(index / settings.classes) % members.length]!;
            return { baseUrl, person, chatId: chatIds[chat]! };
          };

          const steps = [];
          for (const rate of settings.rates) {
            const tag = `r${rate}`;
            progress(`${rate} messages/s (${rate * settings.membersPerClass} deliveries/s) for ${settings.warmupSeconds} + ${settings.seconds} s`);
            const cpu = startCpuMeter(pid, { postgres: databaseUrl !== undefined });
            const sent = await sendOpenLoop({ ratePerSecond: rate, warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, tag, target, browsers, requestTimeoutMs: settings.requestTimeoutMs, signal: budget });
            const cpuDuringStep = cpu.stop();
            const expected = sent.accepted * settings.membersPerClass;
            const drainStarted = performance.now();
            let stats = await clients.stats();
            while (counted(stats, tag) < expected && performance.now() - drainStarted < settings.drainTimeoutMs && !budget.aborted) {
              await sleep(250);
              stats = await clients.stats();
            }
            const record = stats.deliveries.get(`all|${tag}`);
            const deliveries = record?.latency.count ?? 0;
            const windowEnd = Math.max(record?.lastArrival ?? 0, sent.lastDue);
            const deliveriesPerSecond = deliveries / ((windowEnd - sent.measuredFrom) / 1000);
            const lastDeliveryAfterLastDueMs = record ? Math.round(record.lastArrival - sent.lastDue) : null;
            const isKeptUp = sent.accepted === sent.sent && deliveries >= sent.sent * settings.membersPerClass && lastDeliveryAfterLastDueMs !== null && lastDeliveryAfterLastDueMs <= settings.keptUpSlackMs;
            const step = {
              messagesPerSecond: rate,
              targetDeliveriesPerSecond: rate * settings.membersPerClass,
              messages: { sent: sent.sent, accepted: sent.accepted, outcomes: sent.outcomes, warmupOutcomes: sent.warmupOutcomes, rateLimited: (sent.outcomes['429'] ?? 0) + (sent.warmupOutcomes['429'] ?? 0) },
              deliveries: { expected, counted: deliveries, missing: Math.max(0, expected - deliveries) },
              deliveriesPerSecond: Math.round(deliveriesPerSecond),
              deliveriesToOthersPerSecond: Math.round((deliveriesPerSecond * (settings.membersPerClass - 1)) / settings.membersPerClass),
              sendToDeliverMs: record?.latency.summary() ?? null,
              commitMs: sent.commitMs.summary(),
              sendLagMs: sent.sendLagMs.summary(),
              lastDeliveryAfterLastDueMs,
              isKeptUp,
              cpu: cpuDuringStep,
              streamProblems: stats.problems,
              openSockets: stats.ready,
            };
            steps.push(step);
            progress(
              `${rate}/s: ${step.deliveriesPerSecond} deliveries/s, p50 ${step.sendToDeliverMs?.p50} ms, p99 ${step.sendToDeliverMs?.p99} ms, server CPU ${cpuDuringStep.serverPercentOfOneCore} %${isKeptUp ? '' : ' — did not keep up'}`,
            );
            if (!isKeptUp) break;
            await sleep(1_000);
          }
          progress('done');
          const finalStats = await clients.stats();
          return {
            people,
            classes: settings.classes,
            sockets: { opened: connected.opened, seconds: round(connected.ms / 1000), socketToReadyMs: connected.connectMs, openAtEnd: finalStats.ready, closeCodes: finalStats.closeCodes },
            machineBusyBeforeLoadPercent,
            serverReadyMs: Math.round(server.readyMs),
            steps,
            bestKeptUp: steps.filter((step) => step.isKeptUp).at(-1)?.deliveriesPerSecond ?? 0,
            clientProcessesRssMiB: finalStats.workerRssMiB,
          };
        } finally {
          browsers.destroy();
          await clients.close();
        }
      },
    ),
  );
  return { scenario: 'school-day', machine: describeMachine(), source, nodeArgs, database, settings, ...figures, ...(env.BENCH_CPU_PROF ? { cpuProfileDir: env.BENCH_CPU_PROF } : {}), goals: { deliveriesPerSecond: 50_000, sendToDeliverP99Ms: 50 } };
}
