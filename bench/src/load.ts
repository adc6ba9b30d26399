import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Histogram } from './histogram.ts';
import { createBrowserConnections, httpRequest } from './http.ts';
import type { SeededPerson } from './seed.ts';
import { deliveryMarker, monotonicMs } from './socket-protocol.ts';

/**
 * Posting messages as many people at once: each person's own browser connections, open loops at
 * a fixed rate, closed loops with a fixed number in flight.
 */

/** Every person's own keep-alive connections (at most 6, as a browser), created on first use. */
export class Browsers {
  private readonly agents = new Map<string, Agent>();

  of(person: SeededPerson): Agent {
    let agent = this.agents.get(person.userId);
    if (!agent) this.agents.set(person.userId, (agent = createBrowserConnections()));
    return agent;
  }

  destroy() {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

export type PostOutcome = { status: number } | { failure: string };

/** TimeoutError (no answer in time), or the network error's code (ECONNRESET…). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}

/** `POST /api/chats/:id/messages` as `person`'s browser, with a fresh clientId. */
export async function postMessage(agent: Agent, baseUrl: string, person: SeededPerson, chatId: string, text: string, signal: AbortSignal): Promise<PostOutcome> {
  try {
    const response = await httpRequest(agent, `${baseUrl}/api/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { ...person.headers, origin: baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: randomUUID(), text }),
      signal,
    });
    return { status: response.status };
  } catch (error) {
    return { failure: describeFailure(error) };
  }
}

/** Answers counted by status or failure, e.g. { "201": 998, "429": 2 }. */
export type Outcomes = Record<string, number>;
const countOutcome = (outcomes: Outcomes, outcome: PostOutcome) => {
  const key = 'status' in outcome ? String(outcome.status) : outcome.failure;
  outcomes[key] = (outcomes[key] ?? 0) + 1;
};

export type SendTarget = { baseUrl: string; person: SeededPerson; chatId: string };

/**
 * Open loop: message i is due at start + i / rate and posted then, whatever the earlier ones are
 * doing (a slow server gets a queue, as it would from real people). The first `warmupSeconds`
 * are tagged `<tag>-warmup`, the rest `<tag>`. Its text carries the delivery marker with its tag
 * and due time, so the socket workers time each delivery from when the message was due. The POST
 * time (→ 201, the commit) is counted from the due time too. Figures are of the measured part.
 */
export async function sendOpenLoop(options: {
  ratePerSecond: number;
  warmupSeconds: number;
  seconds: number;
  tag: string;
  target: (index: number) => SendTarget;
  browsers: Browsers;
  requestTimeoutMs: number;
  signal: AbortSignal;
}) {
  const warmup = Math.round(options.ratePerSecond * options.warmupSeconds);
  const total = warmup + Math.round(options.ratePerSecond * options.seconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const outcomes: Outcomes = {};
  const warmupOutcomes: Outcomes = {};
  const commitMs = new Histogram();
  const sendLagMs = new Histogram();
  const posts: Promise<void>[] = [];
  const started = monotonicMs();
  for (let index = 0; index < total; ) {
    options.signal.throwIfAborted();
    const now = monotonicMs();
    // Everything due by now goes out at once; then sleep until the next one is due.
    for (; index < total && started + index * intervalMs <= now; index++) {
      const due = started + index * intervalMs;
      const isMeasured = index >= warmup;
      if (isMeasured) sendLagMs.record(now - due);
      const { baseUrl, person, chatId } = options.target(index);
      const tag = isMeasured ? options.tag : `${options.tag}-warmup`;
      const text = `${deliveryMarker(tag, due)} Сообщение ${index + 1}: завтра контрольная по математике, повторите параграфы 12–14.`;
      const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.requestTimeoutMs)]);
      posts.push(
        postMessage(options.browsers.of(person), baseUrl, person, chatId, text, signal).then((outcome) => {
          countOutcome(isMeasured ? outcomes : warmupOutcomes, outcome);
          if (isMeasured && 'status' in outcome && outcome.status === 201) commitMs.record(monotonicMs() - due);
        }),
      );
    }
    if (index < total) await sleep(Math.max(0, started + index * intervalMs - monotonicMs()));
  }
  const measuredFrom = started + warmup * intervalMs;
  const lastDue = started + (total - 1) * intervalMs;
  await Promise.all(posts);
  return { sent: total - warmup, measuredFrom, lastDue, outcomes, accepted: outcomes['201'] ?? 0, warmupOutcomes, warmupAccepted: warmupOutcomes['201'] ?? 0, commitMs, sendLagMs };
}

/**
 * Closed loop: `concurrency` messages in flight, each followed by the next as soon as it is
 * answered, for `seconds`; `target(i)` picks the i-th message's sender and chat.
 */
export async function sendClosedLoop(options: { concurrency: number; seconds: number; target: (index: number) => SendTarget; browsers: Browsers; requestTimeoutMs: number; signal: AbortSignal; text?: (index: number) => string }) {
  const outcomes: Outcomes = {};
  const commitMs = new Histogram();
  const started = performance.now();
  const end = started + options.seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end && !options.signal.aborted) {
        const index = next++;
        const { baseUrl, person, chatId } = options.target(index);
        const text = options.text?.(index) ?? `Сообщение ${index + 1}: родительское собрание в четверг в 18:30, кабинет 214.`;
        const began = performance.now();
        const outcome = await postMessage(options.browsers.of(person), baseUrl, person, chatId, text, AbortSignal.any([options.signal, AbortSignal.timeout(options.requestTimeoutMs)]));
        countOutcome(outcomes, outcome);
        if ('status' in outcome && outcome.status === 201) commitMs.record(performance.now() - began);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, outcomes, accepted: outcomes['201'] ?? 0, commitMs };
}
