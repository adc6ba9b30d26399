import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import type { Agent } from 'node:http';
import type { TEventPayload } from '@parta/contracts';
import { openConfiguredDatabase } from '../../apps/server/dist/platform/db/index.js';
import { machineBusyPercent, startCpuMeter } from './cpu.ts';
import { measureHistory } from './history.ts';
import { createBrowserConnections, httpRequest } from './http.ts';
import { describeMachine, summarize } from './machine.ts';
import { LoadSocket, type ServerEvent, type StreamProblems } from './realtime.ts';
import { readLines, summarizeServerLog } from './scenario.ts';
import { seedHistoryChat, seedSchool, type SeededPerson } from './seed.ts';
import { freePort, nodeArgs, startServer, stopServer, withPostgresSchema } from './server.ts';

/**
 * `npm run bench -- chat-fanout`: live delivery in one big group chat, and reading a long history.
 *
 * 1. The built server starts on an empty database (it applies the migrations) and stops again.
 * 2. Straight into the database (seed.ts): a school of 400 people with live sessions, and a chat
 *    holding 1 000 000 messages.
 * 3. The server starts again. History: 600 pages of 50 of that chat, one at a time over HTTP,
 *    after 50 unmeasured: visits of 5 pages backwards from the newest page or a random point
 *    (`measureHistory`, shared with the `history` scenario, which also reads concurrently).
 * 4. The administrator creates a group chat of all 400 through the API; all 400 connect to
 *    /api/ws and say hello.
 * 5. Closed loops, every member connected, 25 senders taking turns: one message at a time for
 *    3 s (delivery times with nothing queued), then five at a time for 5 s (how many messages a
 *    second this chat takes at most).
 * 6. Fan-out: the 25 post 50 messages a second for 3 s (warm-up, not measured) and then 20 s, at a
 *    fixed rate without waiting for answers (open loop: a slow server gets a queue, as it would
 *    from real people). Last, because an overloaded server is still working through that queue
 *    when it is stopped.
 *
 * A delivery is timed from just before its POST to the arrival of its `message.created` at that
 * member's socket, matched by the message's clientId.
 *
 * PostgreSQL in a fresh schema (dropped afterwards) when BENCH_DATABASE_URL is set, embedded PGlite
 * otherwise. BENCH_FANOUT_RATE=<messages per second> replaces the 50; BENCH_CPU_PROF=<dir> starts
 * the measured server with --cpu-prof into that directory (read it with profile-summary.ts).
 * Loopback only; every phase is bounded and the whole run gives up after 295 s; everything it
 * starts is stopped and the data directory removed. Progress goes to stderr, the figures (JSON)
 * to stdout.
 */
const settings = {
  members: 400,
  /**
   * The administrator and the first teachers post, in turn. The server lets one person send at
   * most 30 messages in 10 s (modules/chats defaultSendLimit): 50 a second need at least 17
   * people; with 25, each sends 2 a second.
   */
  senders: 25,
  /** Messages in flight at once while measuring capacity (closed loop). */
  capacityConcurrency: 5,
  ratePerSecond: Number(process.env.BENCH_FANOUT_RATE ?? 50),
  warmupSeconds: 3,
  seconds: 20,
  unloadedSeconds: 3,
  capacitySeconds: 5,
  /** After the last answer, how long missing deliveries are waited for. */
  drainTimeoutMs: 15_000,
  historyMessages: 1_000_000,
  /** Seeding the history stops after the batch that passes this (a slow disk must not stall the run). */
  historySeedBudgetMs: 120_000,
  historyWarmupRequests: 50,
  historyRequests: 600,
  /** A POST still unanswered after this counts as failed (an overloaded server queues them for long). */
  requestTimeoutMs: 30_000,
  /** The whole run, set-up included. */
  budgetMs: 295_000,
};

/** What every phase needs: where the server is, the run's overall deadline, each person's browser connections. */
type Run = { baseUrl: string; budget: AbortSignal; startedAt: number; browsers: Map<string, Agent> };

/** The person's own keep-alive connections, as their browser has them. */
function browserOf(run: Run, person: SeededPerson): Agent {
  let agent = run.browsers.get(person.userId);
  if (!agent) run.browsers.set(person.userId, (agent = createBrowserConnections()));
  return agent;
}

/** A request's own time limit, cut short by the run's. */
const limited = (run: Run, ms = settings.requestTimeoutMs) => AbortSignal.any([run.budget, AbortSignal.timeout(ms)]);

const progress = (run: Run, message: string) => console.error(`[chat-fanout ${((performance.now() - run.startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}`);

export async function runChatFanout() {
  if (!(settings.ratePerSecond > 0 && settings.ratePerSecond <= 70)) {
    // Above 70 a second the 25 senders would reach the per-person send limit and be refused.
    throw new Error(`BENCH_FANOUT_RATE must be a number of messages a second between 0 and 70, not ${process.env.BENCH_FANOUT_RATE}`);
  }
  const postgresUrl = process.env.BENCH_DATABASE_URL;
  const cpuProfileDir = process.env.BENCH_CPU_PROF;
  const figures = postgresUrl
    ? await withPostgresSchema(postgresUrl, 'bench_chat_fanout', (url) => measure(url, cpuProfileDir))
    : await measure(undefined, cpuProfileDir);
  return {
    scenario: 'chat-fanout',
    machine: describeMachine(),
    nodeArgs,
    database: postgresUrl ? 'postgres' : 'pglite',
    settings,
    ...figures,
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    goals: { deliveryP99Ms: 25, historyP99Ms: 15 },
  };
}

async function measure(databaseUrl: string | undefined, cpuProfileDir: string | undefined) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parta-bench-chat-fanout-'));
  const logFile = path.join(dataDir, 'server.log');
  const port = await freePort();
  const run: Run = { baseUrl: `http://127.0.0.1:${port}`, budget: AbortSignal.timeout(settings.budgetMs), startedAt: performance.now(), browsers: new Map() };
  const env = { PUBLIC_URL: run.baseUrl, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  let server: ChildProcess | undefined;
  const sockets: LoadSocket[] = [];
  try {
    // The first start creates the database and applies the migrations. It stops before seeding:
    // embedded PGlite is opened by one process at a time.
    progress(run, `first start on ${databaseUrl ? 'PostgreSQL' : 'PGlite'}`);
    await stopServer((await startServer({ dataDir, port, env })).child);
    progress(run, `seeding ${settings.members} people and ${settings.historyMessages} messages`);
    const seedStarted = performance.now();
    const { school, history } = await seed(databaseUrl, dataDir);
    const seedMs = performance.now() - seedStarted;
    run.budget.throwIfAborted();

    const started = await startServer({ dataDir, port, env, logFile, extraNodeArgs: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [] });
    server = started.child;
    const administrator = school.people[0]!;
    progress(run, `history: pages of 50 out of ${history.messages} messages`);
    const historyFigures = {
      messages: history.messages,
      isComplete: history.messages === settings.historyMessages,
      ...(await measureHistory({
        baseUrl: run.baseUrl,
        readers: [{ person: administrator, agent: browserOf(run, administrator) }],
        chat: history,
        warmupRequests: settings.historyWarmupRequests,
        requests: settings.historyRequests,
        signal: run.budget,
      })),
    };

    progress(run, `a chat of ${settings.members}, and their sockets`);
    const chatCreated = performance.now();
    const chat = await request<{ id: string }>(run, administrator, 'POST', `/api/organizations/${school.organizationId}/chats`, {
      title: 'Вся школа',
      memberIds: school.people.slice(1).map((person) => person.userId),
    });
    const chatCreateMs = performance.now() - chatCreated;
    const meter = new DeliveryMeter(school.people.length);
    const connectMs = await connectSockets(run, school.people, sockets, meter);
    // The server and its database are idle now: what keeps the machine busy is someone else's.
    const machineBusyBeforeLoadPercent = await machineBusyPercent(1_000);

    const senders = school.people.slice(0, settings.senders);
    progress(run, `unloaded: one message at a time for ${settings.unloadedSeconds} s`);
    const unloaded = await measureClosedLoop(run, chat.id, senders, meter, 'unloaded', { concurrency: 1, seconds: settings.unloadedSeconds });
    progress(run, `capacity: ${settings.capacityConcurrency} messages at a time for ${settings.capacitySeconds} s`);
    const capacity = await measureClosedLoop(run, chat.id, senders, meter, 'capacity', { concurrency: settings.capacityConcurrency, seconds: settings.capacitySeconds });
    const quietAfterCapacityMs = await waitUntilQuiet(run, administrator, chat.id);
    progress(run, `fan-out: ${settings.ratePerSecond} messages a second for ${settings.warmupSeconds} + ${settings.seconds} s`);
    const fanout = await measureOpenLoop(run, chat.id, senders, meter, server.pid!);
    progress(run, 'done');

    return {
      setup: {
        seedMs: Math.round(seedMs),
        serverReadyMs: Math.round(started.readyMs),
        chatCreateMs: Math.round(chatCreateMs),
        socketsConnectMs: Math.round(connectMs),
        machineBusyBeforeLoadPercent,
      },
      history: historyFigures,
      unloaded,
      capacity: { ...capacity, quietAfterMs: quietAfterCapacityMs },
      fanout: { ...fanout, sockets: sockets.length, streamProblems: sumProblems(sockets) },
      serverLog: summarizeServerLog(logFile),
    };
  } catch (error) {
    console.error(`chat-fanout failed; the server's log ends with:\n${readLines(logFile).slice(-20).join('\n')}`);
    throw error;
  } finally {
    for (const socket of sockets) socket.close();
    for (const agent of run.browsers.values()) agent.destroy();
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function seed(databaseUrl: string | undefined, dataDir: string) {
  const database = await openConfiguredDatabase({ databaseUrl, dataDir });
  try {
    const school = await seedSchool(database, { size: settings.members, teachers: settings.senders - 1 });
    const historyMembers = school.people.slice(0, settings.senders).map((person) => person.userId);
    const deadline = performance.now() + settings.historySeedBudgetMs;
    const history = await seedHistoryChat(database, { organizationId: school.organizationId, members: historyMembers, messages: settings.historyMessages, deadline });
    return { school, history };
  } finally {
    await database.close();
  }
}

type Phase = 'unloaded' | 'capacity' | 'warmup' | 'measured';
type Sent = { phase: Phase; sentAt: number; isAccepted: boolean; deliveries: number; lastArrivedAt: number };

/** Every message sent, and its deliveries to the members' sockets. */
class DeliveryMeter {
  private readonly sent = new Map<string, Sent>();
  private readonly latencies = new Map<Phase, number[]>();
  private unmatched = 0;
  readonly members: number;

  constructor(members: number) {
    this.members = members;
  }

  readonly onEvent = (event: ServerEvent, arrivedAt: number) => {
    if (event.name !== 'message.created') return;
    const { message } = event.data as TEventPayload<'message.created'>;
    const record = message.clientId ? this.sent.get(message.clientId) : undefined;
    if (!record) {
      this.unmatched += 1;
      return;
    }
    record.deliveries += 1;
    record.lastArrivedAt = Math.max(record.lastArrivedAt, arrivedAt);
    let latencies = this.latencies.get(record.phase);
    if (!latencies) this.latencies.set(record.phase, (latencies = []));
    latencies.push(arrivedAt - record.sentAt);
  };

  /** Registers a message just before its POST. */
  track(clientId: string, phase: Phase): Sent {
    const record: Sent = { phase, sentAt: performance.now(), isAccepted: false, deliveries: 0, lastArrivedAt: 0 };
    this.sent.set(clientId, record);
    return record;
  }

  /** Waits until every accepted message of these phases reached every member, at most `timeoutMs`. */
  async drain(phases: Phase[], timeoutMs: number, budget: AbortSignal) {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !budget.aborted && this.accepted(phases).some((record) => record.deliveries < this.members)) await sleep(50);
  }

  /** Delivery figures of one phase (deliveries of accepted messages only: a failed POST expects none). */
  report(phase: Phase) {
    const records = [...this.sent.values()].filter((record) => record.phase === phase);
    const accepted = this.accepted([phase]);
    const counted = accepted.reduce((sum, record) => sum + Math.min(record.deliveries, this.members), 0);
    return {
      deliveries: {
        expected: accepted.length * this.members,
        counted,
        missing: accepted.length * this.members - counted,
        extra: accepted.reduce((sum, record) => sum + Math.max(0, record.deliveries - this.members), 0),
        incompleteMessages: accepted.filter((record) => record.deliveries < this.members).length,
        /** Failed for the sender (an error, or no answer in time) but stored and delivered all the same. */
        deliveredWithoutAnswer: records.filter((record) => !record.isAccepted && record.deliveries > 0).length,
        /** message.created events of messages this run did not send (never expected). */
        unmatched: this.unmatched,
      },
      sendToDeliverMs: summarize(this.latencies.get(phase) ?? []),
      /** Per message: until the last of the members had it. */
      sendToLastDeliveryMs: summarize(accepted.filter((record) => record.deliveries >= this.members).map((record) => record.lastArrivedAt - record.sentAt)),
    };
  }

  private accepted(phases: Phase[]) {
    return [...this.sent.values()].filter((record) => record.isAccepted && phases.includes(record.phase));
  }
}

/** Opens every person's socket, 20 at a time; returns how long it took. */
async function connectSockets(run: Run, people: SeededPerson[], sockets: LoadSocket[], meter: DeliveryMeter): Promise<number> {
  const started = performance.now();
  const waiting = [...people];
  const connectNext = async () => {
    for (let person = waiting.shift(); person; person = waiting.shift()) {
      run.budget.throwIfAborted();
      sockets.push(await LoadSocket.connect(run.baseUrl, { cookie: person.cookie, origin: run.baseUrl, onEvent: meter.onEvent }));
    }
  };
  await Promise.all(Array.from({ length: 20 }, connectNext));
  return performance.now() - started;
}

/** Posts one message as `sender`; resolves with its POST latency when the answer is 201, or the reason it failed. */
async function post(run: Run, chatId: string, sender: SeededPerson, meter: DeliveryMeter, phase: Phase, text: string): Promise<{ ms: number } | { failure: string }> {
  const clientId = randomUUID();
  const body = JSON.stringify({ clientId, text });
  const record = meter.track(clientId, phase);
  try {
    const response = await httpRequest(browserOf(run, sender), `${run.baseUrl}/api/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { ...sender.headers, origin: run.baseUrl, 'content-type': 'application/json' },
      body,
      signal: limited(run),
    });
    record.isAccepted = response.status === 201;
    return record.isAccepted ? { ms: performance.now() - record.sentAt } : { failure: `HTTP ${response.status}` };
  } catch (error) {
    return { failure: describeFailure(error) };
  }
}

/** TimeoutError (no answer in time), or the network error's code (ECONNRESET…). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}

const count = (failures: Map<string, number>, reason: string) => failures.set(reason, (failures.get(reason) ?? 0) + 1);

/**
 * Closed loop: `concurrency` messages in flight, each followed by the next as soon as it is
 * answered; the senders take turns, so nobody reaches the per-person send limit.
 */
async function measureClosedLoop(run: Run, chatId: string, senders: SeededPerson[], meter: DeliveryMeter, phase: 'unloaded' | 'capacity', options: { concurrency: number; seconds: number }) {
  const postLatencies: number[] = [];
  const failures = new Map<string, number>();
  const started = performance.now();
  const end = started + options.seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end && !run.budget.aborted) {
        const index = next++;
        const text = `Сообщение ${index + 1}: проверка доставки, ${phase === 'unloaded' ? 'по одному' : 'пропускная способность'}.`;
        const result = await post(run, chatId, senders[index % senders.length]!, meter, phase, text);
        if ('ms' in result) postLatencies.push(result.ms);
        else count(failures, result.failure);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  await meter.drain([phase], settings.drainTimeoutMs, run.budget);
  return {
    concurrency: options.concurrency,
    messagesPerSecond: Math.round((postLatencies.length / elapsedSeconds) * 10) / 10,
    accepted: postLatencies.length,
    failures: Object.fromEntries(failures),
    postMs: summarize(postLatencies),
    ...meter.report(phase),
  };
}

/** Open loop: message i is due at start + i / rate, whatever the earlier ones are doing. */
async function measureOpenLoop(run: Run, chatId: string, senders: SeededPerson[], meter: DeliveryMeter, serverPid: number) {
  const total = Math.round((settings.warmupSeconds + settings.seconds) * settings.ratePerSecond);
  const warmup = Math.round(settings.warmupSeconds * settings.ratePerSecond);
  const intervalMs = 1000 / settings.ratePerSecond;
  const postLatencies: number[] = [];
  const sendLags: number[] = [];
  const failures = new Map<string, number>();
  const posts: Promise<void>[] = [];
  let cpu: ReturnType<typeof startCpuMeter> | undefined;
  const loadStarted = performance.now();
  let measuredStarted = loadStarted;
  for (let index = 0; index < total; index++) {
    const due = loadStarted + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    run.budget.throwIfAborted();
    const isMeasured = index >= warmup;
    if (index === warmup) {
      measuredStarted = performance.now();
      cpu = startCpuMeter(serverPid);
    }
    if (isMeasured) sendLags.push(performance.now() - due);
    const sender = senders[index % senders.length]!;
    const text = `Сообщение ${index + 1} для всей школы: завтра уроки начинаются в 9:00, не забудьте сменную обувь.`;
    posts.push(
      post(run, chatId, sender, meter, isMeasured ? 'measured' : 'warmup', text).then((result) => {
        if (!('ms' in result)) count(failures, result.failure);
        else if (isMeasured) postLatencies.push(result.ms);
      }),
    );
  }
  const sentPerSecond = (total - warmup) / ((performance.now() - measuredStarted) / 1000);
  await Promise.all(posts);
  const cpuDuringLoad = cpu?.stop();
  await meter.drain(['warmup', 'measured'], settings.drainTimeoutMs, run.budget);
  return {
    messages: { sent: total, measured: total - warmup, failures: Object.fromEntries(failures) },
    sentPerSecond: Math.round(sentPerSecond * 10) / 10,
    postMs: summarize(postLatencies),
    /** How late the load generator issued sends against the schedule (its own overload shows here). */
    sendLagMs: summarize(sendLags),
    ...meter.report('measured'),
    warmupDeliveries: meter.report('warmup').deliveries,
    cpu: cpuDuringLoad,
  };
}

function sumProblems(sockets: LoadSocket[]): StreamProblems {
  const sum: StreamProblems = { gaps: 0, resyncs: 0, errors: 0, unexpectedCloses: 0 };
  for (const { problems } of sockets) {
    sum.gaps += problems.gaps;
    sum.resyncs += problems.resyncs;
    sum.errors += problems.errors;
    sum.unexpectedCloses += problems.unexpectedCloses;
  }
  return sum;
}

/**
 * Waits until the chat's newest message has not changed for 1.5 s (at most 60 s): requests the
 * load generator gave up on may still be queued in the server, and must not overlap the next phase.
 */
async function waitUntilQuiet(run: Run, reader: SeededPerson, chatId: string): Promise<number> {
  const started = performance.now();
  let newest: number | undefined;
  let stableSince = started;
  while (performance.now() - started < 60_000) {
    run.budget.throwIfAborted();
    try {
      const { messages } = await request<{ messages: { seq: number }[] }>(run, reader, 'GET', `/api/chats/${chatId}/messages?limit=1`);
      const seq = messages[0]?.seq ?? 0;
      if (seq !== newest) {
        newest = seq;
        stableSince = performance.now();
      } else if (performance.now() - stableSince >= 1_500) {
        break;
      }
    } catch {
      // an overloaded server may refuse this too: keep waiting
    }
    await sleep(250);
  }
  return Math.round(performance.now() - started);
}

/** A JSON request as a signed-in browser makes it; throws unless 2xx. */
async function request<T>(run: Run, as: SeededPerson, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const response = await httpRequest(browserOf(run, as), `${run.baseUrl}${url}`, {
    method,
    headers: { ...as.headers, origin: run.baseUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: limited(run),
  });
  if (response.status < 200 || response.status > 299) throw new Error(`${method} ${url} → HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as T;
}
