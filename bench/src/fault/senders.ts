import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Histogram } from '../histogram.ts';
import { createBrowserConnections, httpRequest } from '../http.ts';
import type { SeededPerson } from '../seed.ts';
import { backoffMs, errorKind, type ErrorCounts } from './errors.ts';

export type Sender = { person: SeededPerson; chatId: string; homeNode: number };

/** One message the test sent: its clientId, and what became of it. */
export type SendRecord = {
  clientId: string;
  chatId: string;
  authorId: string;
  /** The phase of the run it was scheduled in. */
  phase: string;
  scheduledAt: number;
  attempts: number;
  /** Set when acknowledged (201, or 200 for a retry the server had already stored). */
  ackedAt?: number;
  status?: number;
  messageId?: string;
  /** The node (0-based) that acknowledged it. */
  ackedBy?: number;
  /** An answer that retrying cannot change (4xx other than 429). */
  rejected?: string;
};

type SendLoadOptions = {
  senders: Sender[];
  nodes: string[];
  ratePerSecond: number;
  errors: ErrorCounts;
  /** Name of the phase new messages are scheduled in. */
  phase: () => string;
  requestTimeoutMs: number;
};

/**
 * Open-loop senders: messages are scheduled at a fixed total rate whatever the answers (taking
 * the senders in turn), each with its own clientId. A message is retried with the SAME clientId
 * after a network error, a timeout, a 5xx or a 429 (jittered exponential back-off; the first
 * attempt goes to the sender's home node, retries to either) until it is acknowledged.
 */
export class SendLoad {
  readonly records: SendRecord[] = [];
  readonly byClientId = new Map<string, SendRecord>();
  readonly ackLatency = new Histogram();
  /** End of every attempt: when, and whether it was acknowledged (for the recovery times). */
  readonly attemptLog: { at: number; ok: boolean }[] = [];
  private readonly options: SendLoadOptions;
  private readonly agents = new Map<string, Agent>();
  private ticker: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private isHalted = false;
  /** Aborts every request in flight or queued in an agent when the load is halted. */
  private readonly halted = new AbortController();
  private text = 0;

  constructor(options: SendLoadOptions) {
    this.options = options;
  }

  get pending() {
    return this.inFlight;
  }

  start() {
    const startedAt = performance.now();
    let issued = 0;
    this.ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - startedAt) * this.options.ratePerSecond) / 1000);
      for (; issued < due; issued += 1) this.send(this.options.senders[issued % this.options.senders.length]!);
    }, 5);
  }

  /** No new messages; those already scheduled keep retrying until acknowledged. */
  stopScheduling() {
    clearInterval(this.ticker);
  }

  /** Resolves when every scheduled message is acknowledged or rejected, or at `deadline` (performance.now()). */
  async settle(deadline: number) {
    while (this.inFlight > 0 && performance.now() < deadline) await sleep(50);
    return this.inFlight === 0;
  }

  /**
   * Gives up on whatever is still retrying, and closes the connections. Requests waiting in an
   * agent for a free connection are aborted too: otherwise the agent would open new connections
   * for them, and messages would go on being sent (and acknowledged) after the end.
   */
  halt() {
    this.isHalted = true;
    clearInterval(this.ticker);
    this.halted.abort();
    for (const agent of this.agents.values()) agent.destroy();
  }

  private agentOf(sender: Sender, node: number) {
    const key = `${sender.person.userId}|${node}`;
    let agent = this.agents.get(key);
    if (!agent) this.agents.set(key, (agent = createBrowserConnections()));
    return agent;
  }

  private send(sender: Sender) {
    this.text += 1;
    const record: SendRecord = {
      clientId: randomUUID(),
      chatId: sender.chatId,
      authorId: sender.person.userId,
      phase: this.options.phase(),
      scheduledAt: performance.now(),
      attempts: 0,
    };
    this.records.push(record);
    this.byClientId.set(record.clientId, record);
    this.inFlight += 1;
    const body = JSON.stringify({ clientId: record.clientId, text: `Сообщение теста отказов № ${this.text}` });
    void this.deliver(sender, record, body).finally(() => {
      this.inFlight -= 1;
    });
  }

  private async deliver(sender: Sender, record: SendRecord, body: string) {
    const { nodes, errors } = this.options;
    for (let attempt = 0; !this.isHalted; attempt += 1) {
      const node = attempt === 0 ? sender.homeNode : Math.floor(Math.random() * nodes.length);
      const baseUrl = nodes[node]!;
      record.attempts += 1;
      let wait: number;
      try {
        const response = await httpRequest(this.agentOf(sender, node), `${baseUrl}/api/chats/${record.chatId}/messages`, {
          method: 'POST',
          headers: { ...sender.person.headers, origin: baseUrl, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.any([this.halted.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
        });
        if (this.isHalted) return;
        if (response.status === 201 || response.status === 200) {
          const now = performance.now();
          record.ackedAt = now;
          record.status = response.status;
          record.ackedBy = node;
          record.messageId = (JSON.parse(response.body) as { id: string }).id;
          this.ackLatency.record(now - record.scheduledAt);
          this.attemptLog.push({ at: now, ok: true });
          if (response.status === 200) errors.add(attempt === 0 ? 'POST 200 on a first attempt' : 'POST 200 (retry of a stored message)');
          return;
        }
        const code = /"code":"([a-z_]+)"/.exec(response.body)?.[1] ?? '';
        errors.add(`POST HTTP ${response.status}${code ? ` ${code}` : ''}`);
        this.attemptLog.push({ at: performance.now(), ok: false });
        if (response.status !== 429 && response.status < 500) {
          record.rejected = `HTTP ${response.status} ${code}`.trim();
          return;
        }
        // 429 and 503 both say "come back later" (Retry-After: 1 s or more): a client that comes
        // back sooner only adds to the overload it was told about.
        wait = response.status === 429 || response.status === 503 ? 1_000 + backoffMs(attempt, 250, 8_000) : backoffMs(attempt);
      } catch (error) {
        if (this.isHalted) return;
        errors.add(`POST ${errorKind(error)}`);
        this.attemptLog.push({ at: performance.now(), ok: false });
        wait = backoffMs(attempt);
      }
      await sleep(wait);
    }
  }
}
