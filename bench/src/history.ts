import type { Agent } from 'node:http';
import { machineBusyPercent, startCpuMeter } from './cpu.ts';
import { createBrowserConnections, httpRequest } from './http.ts';
import { describeMachine, summarize } from './machine.ts';
import { onBenchDatabase, progressOf, sourceVersion, withSeededServer } from './scenario.ts';
import { seedHistoryChat, seedSchool, type SeededPerson } from './seed.ts';
import { nodeArgs } from './server.ts';

/**
 * `npm run bench -- history`: pages of 50 out of a chat of 1 000 000 messages, read through the
 * HTTP API as members do when they open a chat and scroll up.
 *
 * 1. The built server creates its database (migrations) and stops; straight into the database
 *    (seed.ts): a school of 25 people with live sessions, all members of one group chat holding
 *    1 000 000 messages (bulk INSERT … SELECT generate_series, then ANALYZE).
 * 2. The server starts again. Readers "visit" the chat: the newest page (one visit in ten) or a
 *    page below a random point of the history, then 4 more pages backwards, each from the oldest
 *    message of the one before (`GET /api/chats/:id/messages?limit=50&beforeSeq=…`), as scrolling
 *    up does. Every page is checked: 50 messages, the right ones.
 * 3. Sequential: one reader, one request at a time, 600 measured after 50 unmeasured. Then
 *    concurrent: 8 members reading at once, each its own keep-alive connection, for 15 s after 2 s
 *    of warm-up. Both report page p50/p99 and requests a second.
 *
 * The same measurement (sequential only) runs inside chat-fanout (`measureHistory`), so there is
 * one copy of this code. PostgreSQL in a fresh schema with BENCH_DATABASE_URL, embedded PGlite
 * otherwise; BENCH_HISTORY_MESSAGES changes the million (for short trial runs), BENCH_CPU_PROF=<dir>
 * profiles the measured server. Loopback only, at most 290 s.
 */
export const historySettings = {
  messages: Number(process.env.BENCH_HISTORY_MESSAGES ?? 1_000_000),
  /** Seeding stops after the batch that passes this (a slow disk must not stall the run). */
  seedBudgetMs: 150_000,
  pageSize: 50,
  /** Pages read per visit: the first, then backwards from it. */
  pagesPerVisit: 5,
  /** One visit in this many starts at the newest page. */
  newestEvery: 10,
  sequential: { warmupRequests: 50, requests: 600 },
  concurrent: { readers: 8, warmupSeconds: 2, seconds: 15 },
  budgetMs: 290_000,
  requestTimeoutMs: 30_000,
};

export type HistoryChat = { chatId: string; messages: number };
export type HistoryReader = { person: SeededPerson; agent: Agent };

type PageKind = 'newest' | 'random' | 'backwards';

/** One reader's visits, endlessly: the newest page or a random point, then backwards. */
function* visits(messages: number) {
  const { pageSize, pagesPerVisit } = historySettings;
  for (let visit = 0; ; visit++) {
    const isNewest = visit % historySettings.newestEvery === 0;
    // Room for every page of the visit to be full: the first below a point in [pages × size + 1, N].
    const lowest = pageSize * pagesPerVisit + 1;
    let beforeSeq = isNewest ? messages + 1 : lowest + Math.floor(Math.random() * (messages + 1 - lowest));
    for (let page = 0; page < pagesPerVisit; page++) {
      const kind: PageKind = page > 0 ? 'backwards' : isNewest ? 'newest' : 'random';
      const oldest: number = yield { kind, beforeSeq, query: `limit=${pageSize}${kind === 'newest' ? '' : `&beforeSeq=${beforeSeq}`}` };
      beforeSeq = oldest;
    }
  }
}

/** Reads one page and checks it; returns its time and its oldest seq (where the next page starts). */
async function readPage(baseUrl: string, reader: HistoryReader, chatId: string, page: { beforeSeq: number; query: string }, signal: AbortSignal) {
  const started = performance.now();
  const response = await httpRequest(reader.agent, `${baseUrl}/api/chats/${chatId}/messages?${page.query}`, { headers: { cookie: reader.person.cookie }, signal });
  const ms = performance.now() - started;
  const seqs = response.status === 200 ? (JSON.parse(response.body) as { messages: { seq: number }[] }).messages.map((message) => message.seq) : [];
  const newest = seqs.length > 0 ? Math.max(...seqs) : undefined;
  const oldest = seqs.length > 0 ? Math.min(...seqs) : page.beforeSeq;
  const problem = seqs.length !== historySettings.pageSize || newest !== page.beforeSeq - 1 ? `${page.query} → HTTP ${response.status}, ${seqs.length} messages, newest ${newest}` : undefined;
  return { ms, oldest, problem };
}

/**
 * Reads pages of `chat` as `readers` do, each reader one request at a time (so `readers.length`
 * in flight): sequential with one reader. Stops after `requests` measured pages or `seconds` of
 * measuring, whichever is given, after `warmupRequests` / `warmupSeconds` unmeasured.
 */
export async function measureHistory(options: {
  baseUrl: string;
  readers: HistoryReader[];
  chat: HistoryChat;
  warmupRequests?: number;
  requests?: number;
  warmupSeconds?: number;
  seconds?: number;
  signal: AbortSignal;
  serverPid?: number;
  /** The server runs on PostgreSQL: its CPU is measured too. */
  isPostgres?: boolean;
}) {
  const { baseUrl, chat, signal } = options;
  const times: Record<PageKind, number[]> = { newest: [], random: [], backwards: [] };
  const problems: string[] = [];
  let measuredStarted = 0;
  let measuredEnded = 0;
  let cpu: ReturnType<typeof startCpuMeter> | undefined;
  let issued = 0;
  const warmupEnds = performance.now() + (options.warmupSeconds ?? 0) * 1000;
  const isWarmup = (index: number) => index < (options.warmupRequests ?? 0) || performance.now() < warmupEnds;
  const isDone = () => (options.requests !== undefined ? issued >= (options.warmupRequests ?? 0) + options.requests : performance.now() >= measuredStarted + (options.seconds ?? 0) * 1000 && measuredStarted > 0);
  const startMeasuring = () => {
    if (measuredStarted > 0) return;
    measuredStarted = performance.now();
    if (options.serverPid) cpu = startCpuMeter(options.serverPid, { postgres: options.isPostgres ?? false });
  };
  await Promise.all(
    options.readers.map(async (reader) => {
      const pages = visits(chat.messages);
      let next = pages.next();
      while (!isDone()) {
        signal.throwIfAborted();
        const index = issued++;
        const warmup = isWarmup(index);
        if (!warmup) startMeasuring();
        const page = next.value as { kind: PageKind; beforeSeq: number; query: string };
        const result = await readPage(baseUrl, reader, chat.chatId, page, AbortSignal.any([signal, AbortSignal.timeout(historySettings.requestTimeoutMs)]));
        if (result.problem) problems.push(result.problem);
        if (!warmup) times[page.kind].push(result.ms);
        next = pages.next(result.oldest);
      }
      measuredEnded = Math.max(measuredEnded, performance.now());
    }),
  );
  const all = [...times.newest, ...times.random, ...times.backwards];
  const seconds = (measuredEnded - measuredStarted) / 1000;
  return {
    readers: options.readers.length,
    requests: all.length,
    requestsPerSecond: Math.round((all.length / seconds) * 10) / 10,
    wrongPages: problems.length,
    firstWrongPages: problems.slice(0, 3),
    pageMs: summarize(all),
    newestPageMs: summarize(times.newest),
    randomPointPageMs: summarize(times.random),
    backwardsPageMs: summarize(times.backwards),
    ...(cpu ? { cpu: cpu.stop() } : {}),
  };
}

export async function runHistory() {
  const source = sourceVersion();
  const progress = progressOf('history');
  const cpuProfileDir = process.env.BENCH_CPU_PROF;
  const budget = AbortSignal.timeout(historySettings.budgetMs);
  const { database, figures } = await onBenchDatabase('bench_history', (databaseUrl) =>
    withSeededServer(
      {
        name: 'history',
        databaseUrl,
        progress,
        seed: async (db) => {
          const school = await seedSchool(db, { size: 25, teachers: 24 });
          progress(`seeding a chat of ${historySettings.messages} messages`);
          const members = school.people.map((person) => person.userId);
          const chat = await seedHistoryChat(db, { organizationId: school.organizationId, members, messages: historySettings.messages, deadline: performance.now() + historySettings.seedBudgetMs });
          return { school, chat };
        },
      },
      async ([node], { school, chat }) => {
        const { baseUrl, server } = node!;
        const readers = school.people.slice(0, historySettings.concurrent.readers).map((person) => ({ person, agent: createBrowserConnections() }));
        try {
          const machineBusyBeforePercent = await machineBusyPercent(1_000);
          progress(`sequential: ${historySettings.sequential.requests} pages of ${historySettings.pageSize} out of ${chat.messages}`);
          const sequential = await measureHistory({ baseUrl, readers: readers.slice(0, 1), chat, ...historySettings.sequential, signal: budget, serverPid: server.child.pid!, isPostgres: databaseUrl !== undefined });
          progress(`concurrent: ${historySettings.concurrent.readers} readers for ${historySettings.concurrent.seconds} s`);
          const concurrent = await measureHistory({
            baseUrl,
            readers,
            chat,
            warmupSeconds: historySettings.concurrent.warmupSeconds,
            seconds: historySettings.concurrent.seconds,
            signal: budget,
            serverPid: server.child.pid!,
            isPostgres: databaseUrl !== undefined,
          });
          progress('done');
          return { messages: chat.messages, isComplete: chat.messages === historySettings.messages, serverReadyMs: Math.round(server.readyMs), machineBusyBeforePercent, sequential, concurrent };
        } finally {
          for (const reader of readers) reader.agent.destroy();
        }
      },
    ),
  );
  return { scenario: 'history', machine: describeMachine(), source, nodeArgs, database, settings: historySettings, ...figures, ...(cpuProfileDir ? { cpuProfileDir } : {}), goals: { pageP99Ms: 15 } };
}
