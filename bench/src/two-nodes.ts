import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusyPercent, startCpuMeter } from './cpu.ts';
import { Browsers, sendClosedLoop, sendOpenLoop } from './load.ts';
import { describeMachine } from './machine.ts';
import { progressOf, sourceVersion, withSeededServer } from './scenario.ts';
import { seedGroupChats, seedSchool } from './seed.ts';
import { nodeArgs, withPostgresSchema } from './server.ts';
import { SocketClients, type MergedStats } from './socket-clients.ts';
import { deliveryMarker, monotonicMs } from './socket-protocol.ts';

/**
 * `npm run bench -- two-nodes`: one 400-member chat served by two server nodes that share one
 * PostgreSQL and one Redis (REDIS_URL: events cross nodes over Redis pub/sub). Half the members'
 * sockets are on node A, half on node B; everybody posts through node A. A delivery to a socket on
 * A is same-node (the bus hands it over in the process), one to B crosses Redis.
 *
 * 1. PostgreSQL (BENCH_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/test) in a
 *    fresh schema, dropped afterwards; Redis at REDIS_URL (by default redis://127.0.0.1:6379) under
 *    a prefix of this run's own (REDIS_PREFIX=parta-bench-<pid>:), whose keys are deleted after.
 * 2. The built server creates the schema and stops; straight into it (seed.ts): a school of 400
 *    people with live sessions, all in one group chat.
 * 3. Two nodes start on the schema with REDIS_URL; member i's socket opens on node A when i is
 *    even, on node B when odd (2 client processes, socket-worker.ts).
 * 4. Unloaded: 25 senders take turns posting one message at a time through node A for 5 s.
 *    Loaded: open loop at 20 messages a second (BENCH_TWO_NODES_RATE) for 2 s of warm-up and 10 s
 *    measured, also through A. Each delivery is timed from when its message was due to the arrival
 *    of `message.created` at the member's socket, and reported per node of the socket.
 *
 * Loopback only; at most 200 s.
 */
const env = process.env;
const settings = {
  databaseUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  redisPrefix: `parta-bench-${process.pid}:`,
  members: 400,
  senders: 25,
  unloadedSeconds: 5,
  ratePerSecond: Number(env.BENCH_TWO_NODES_RATE ?? 20),
  warmupSeconds: 2,
  seconds: 10,
  clientProcesses: 2,
  drainTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  budgetMs: 200_000,
};

/** Deletes the keys under `prefix` (a minimal RESP client: SCAN and UNLINK); returns how many. */
async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  const { hostname, port, password, username } = new URL(url);
  const socket = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffer = '';
  const waiting: ((reply: unknown) => void)[] = [];
  /** Parses one RESP reply at `at`; undefined when the buffer does not hold all of it yet. */
  const parse = (at: number): [unknown, number] | undefined => {
    const end = buffer.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const kind = buffer[at];
    const head = buffer.slice(at + 1, end);
    if (kind === '+' || kind === '-') return [kind === '-' ? new Error(head) : head, end + 2];
    if (kind === ':') return [Number(head), end + 2];
    if (kind === '$') {
      const length = Number(head);
      if (length < 0) return [null, end + 2];
      if (buffer.length < end + 2 + length + 2) return undefined;
      return [buffer.slice(end + 2, end + 2 + length), end + 2 + length + 2];
    }
    const items: unknown[] = [];
    let next = end + 2;
    for (let index = 0; index < Number(head); index++) {
      const item = parse(next);
      if (!item) return undefined;
      items.push(item[0]);
      next = item[1];
    }
    return [items, next];
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let reply = parse(0); reply; reply = parse(0)) {
      buffer = buffer.slice(reply[1]);
      waiting.shift()?.(reply[0]);
    }
  });
  const command = (...parts: string[]) =>
    new Promise<unknown>((resolve, reject) => {
      waiting.push((reply) => (reply instanceof Error ? reject(reply) : resolve(reply)));
      socket.write(`*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`);
    });
  try {
    if (password) await command('AUTH', ...(username ? [decodeURIComponent(username)] : []), decodeURIComponent(password));
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = (await command('SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000')) as [string, string[]];
      cursor = next;
      if (keys.length > 0) deleted += (await command('UNLINK', ...keys)) as number;
    } while (cursor !== '0');
    return deleted;
  } finally {
    socket.end();
  }
}

const perNode = (stats: MergedStats, tag: string) => ({
  /** Sockets on node A: the bus hands the event over inside the process that committed it. */
  sameNode: stats.deliveries.get(`A|${tag}`)?.latency ?? null,
  /** Sockets on node B: the event crosses Redis pub/sub. */
  crossNode: stats.deliveries.get(`B|${tag}`)?.latency ?? null,
});

export async function runTwoNodes() {
  const source = sourceVersion();
  const progress = progressOf('two-nodes');
  const budget = AbortSignal.timeout(settings.budgetMs);
  let redisKeysDeleted: number | string = 0;
  const figures = await withPostgresSchema(settings.databaseUrl, 'bench_two_nodes', async (databaseUrl) => {
    try {
      return await withSeededServer(
        {
          name: 'two-nodes',
          databaseUrl,
          nodes: 2,
          env: { REDIS_URL: settings.redisUrl, REDIS_PREFIX: settings.redisPrefix },
          progress,
          seed: async (db) => {
            const school = await seedSchool(db, { size: settings.members, teachers: settings.senders - 1 });
            const [chatId] = await seedGroupChats(db, { organizationId: school.organizationId, chats: [{ title: 'Вся школа', members: school.people.map((person) => person.userId) }] });
            return { school, chatId: chatId! };
          },
        },
        async ([a, b], { school, chatId }) => {
          const nodeA = a!;
          const nodeB = b!;
          const clients = await SocketClients.start(settings.clientProcesses, 10_000);
          const browsers = new Browsers();
          try {
            progress(`${settings.members} sockets, half on each node`);
            const onA = school.people.filter((_person, index) => index % 2 === 0);
            const onB = school.people.filter((_person, index) => index % 2 === 1);
            const options = { concurrency: 20, timeoutMs: 30_000 };
            const connected = await Promise.all([
              clients.connect(nodeA.baseUrl, nodeA.baseUrl, onA.map((person) => ({ cookie: person.cookie, group: 'A' })), options),
              clients.connect(nodeB.baseUrl, nodeB.baseUrl, onB.map((person) => ({ cookie: person.cookie, group: 'B' })), options),
            ]);
            const failed = connected.reduce((sum, result) => sum + result.failed, 0);
            if (failed > 0) throw new Error(`${failed} sockets failed to open: ${JSON.stringify(connected.map((result) => result.failures))}`);
            const machineBusyBeforeLoadPercent = await machineBusyPercent(1_000);
            const senders = school.people.slice(0, settings.senders);
            const target = (index: number) => ({ baseUrl: nodeA.baseUrl, person: senders[index % senders.length]!, chatId });
            const drain = async (tag: string, accepted: number) => {
              const started = performance.now();
              let stats = await clients.stats();
              const count = () => (stats.deliveries.get(`A|${tag}`)?.latency.count ?? 0) + (stats.deliveries.get(`B|${tag}`)?.latency.count ?? 0);
              while (count() < accepted * settings.members && performance.now() - started < settings.drainTimeoutMs && !budget.aborted) {
                await sleep(250);
                stats = await clients.stats();
              }
              return stats;
            };
            const report = (stats: MergedStats, tag: string, accepted: number) => {
              const { sameNode, crossNode } = perNode(stats, tag);
              return {
                deliveries: { expected: accepted * settings.members, sameNode: sameNode?.count ?? 0, crossNode: crossNode?.count ?? 0 },
                sameNodeMs: sameNode?.summary() ?? null,
                crossNodeMs: crossNode?.summary() ?? null,
              };
            };

            progress(`unloaded: one message at a time through node A for ${settings.unloadedSeconds} s`);
            const unloadedCpu = startCpuMeter(nodeA.server.child.pid!, { postgres: true });
            const unloaded = await sendClosedLoop({
              concurrency: 1,
              seconds: settings.unloadedSeconds,
              target,
              browsers,
              requestTimeoutMs: settings.requestTimeoutMs,
              signal: budget,
              text: (index) => `${deliveryMarker('unloaded', monotonicMs())} Сообщение ${index + 1}: проверка доставки между узлами.`,
            });
            const unloadedCpuA = unloadedCpu.stop();
            const unloadedStats = await drain('unloaded', unloaded.accepted);

            progress(`loaded: ${settings.ratePerSecond} messages/s through node A for ${settings.warmupSeconds} + ${settings.seconds} s`);
            const cpuA = startCpuMeter(nodeA.server.child.pid!, { postgres: true });
            const cpuB = startCpuMeter(nodeB.server.child.pid!);
            const loaded = await sendOpenLoop({
              ratePerSecond: settings.ratePerSecond,
              warmupSeconds: settings.warmupSeconds,
              seconds: settings.seconds,
              tag: 'loaded',
              target,
              browsers,
              requestTimeoutMs: settings.requestTimeoutMs,
              signal: budget,
            });
            const loadedCpu = { nodeA: cpuA.stop(), nodeB: cpuB.stop() };
            const loadedStats = await drain('loaded', loaded.accepted);
            progress('done');
            return {
              members: settings.members,
              socketsPerNode: { A: connected[0].opened, B: connected[1].opened },
              machineBusyBeforeLoadPercent,
              unloaded: {
                messagesPerSecond: Math.round((unloaded.accepted / unloaded.seconds) * 10) / 10,
                outcomes: unloaded.outcomes,
                commitMs: unloaded.commitMs.summary(),
                ...report(unloadedStats, 'unloaded', unloaded.accepted),
                cpuNodeA: unloadedCpuA,
              },
              loaded: {
                messagesPerSecond: settings.ratePerSecond,
                sent: loaded.sent,
                outcomes: loaded.outcomes,
                commitMs: loaded.commitMs.summary(),
                sendLagMs: loaded.sendLagMs.summary(),
                ...report(loadedStats, 'loaded', loaded.accepted),
                cpu: loadedCpu,
              },
              streamProblems: loadedStats.problems,
              closeCodes: loadedStats.closeCodes,
            };
          } finally {
            browsers.destroy();
            await clients.close();
          }
        },
      );
    } finally {
      redisKeysDeleted = await deleteRedisKeys(settings.redisUrl, settings.redisPrefix).catch((error: unknown) => `could not delete: ${String(error)}`);
    }
  });
  return {
    scenario: 'two-nodes',
    machine: describeMachine(),
    source,
    nodeArgs,
    database: 'postgres',
    redis: { url: settings.redisUrl.replace(/\/\/[^@]*@/, '//***@'), prefix: settings.redisPrefix, keysDeletedAfter: redisKeysDeleted },
    settings: { ...settings, databaseUrl: undefined, redisUrl: undefined },
    ...figures,
  };
}
