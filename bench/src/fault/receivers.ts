import { closeCodes, heartbeatIntervalMs, realtimePath, type TServerMessage } from '@parta/contracts';
import WebSocket from 'ws';
import type { SeededPerson } from '../seed.ts';
import { backoffMs, errorKind, type ErrorCounts } from './errors.ts';

/** Message ids seen on any socket, numbered once so that each receiver keeps small integers. */
export class MessageIndex {
  readonly ids: string[] = [];
  readonly clientIds: (string | null)[] = [];
  private readonly byId = new Map<string, number>();

  intern(id: string, clientId: string | null): number {
    let index = this.byId.get(id);
    if (index === undefined) {
      index = this.ids.length;
      this.byId.set(id, index);
      this.ids.push(id);
      this.clientIds.push(clientId);
    }
    return index;
  }
}

export type CreatedMessage = { id: string; chatId: string; clientId: string | null };

type ReceiverOptions = {
  person: SeededPerson;
  /** Base URLs of the server nodes. */
  nodes: string[];
  /** The node of the first connection; reconnections pick either node at random. */
  homeNode: number;
  index: MessageIndex;
  errors: ErrorCounts;
  onMessageCreated(message: CreatedMessage, arrivedAt: number): void;
};

/**
 * One person's socket, as the web app keeps it: on close or error it reconnects (jittered
 * exponential back-off, to either node) and says hello with the last seq it applied; it applies an
 * event only when its seq is the next one, and reconnects on a gap. It records every
 * `message.created` it applied and anything a healthy stream never shows.
 */
export class Receiver {
  readonly person: SeededPerson;
  /** Last seq applied; the first hello says 0 (the seeded people have no events yet). */
  lastSeq = 0;
  state: 'connecting' | 'ready' | 'waiting' | 'stopped' = 'waiting';
  /** MessageIndex numbers of the `message.created` events applied, in order. */
  readonly delivered: number[] = [];
  readonly problems = { resyncs: 0, gaps: 0, repeatedSeqs: 0, readyAhead: 0, revoked: 0 };
  connects = 0;
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastHeardAt = 0;
  private readyWaiters: (() => void)[] = [];
  private readonly options: ReceiverOptions;

  constructor(options: ReceiverOptions) {
    this.options = options;
    this.person = options.person;
  }

  start() {
    this.open(this.options.homeNode);
  }

  /** Resolves when the socket is ready (at once if it is). */
  whenReady(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Drops the socket on purpose and comes back at once with hello(lastSeq): fetches anything still missing. */
  reconnectNow(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    this.drop();
    this.attempt = 0;
    this.open(Math.floor(Math.random() * this.options.nodes.length));
    return ready;
  }

  stop() {
    this.state = 'stopped';
    this.drop();
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  /** A client that hears nothing for three heartbeat periods reconnects (as the web app does). */
  checkSilence(now: number) {
    if (this.state === 'ready' && now - this.lastHeardAt > 3 * heartbeatIntervalMs) {
      this.options.errors.add('ws silent for 45 s');
      this.drop();
      this.retry();
    }
  }

  private drop() {
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }

  private retry() {
    if (this.state === 'stopped') return;
    this.state = 'waiting';
    const wait = backoffMs(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.open(Math.floor(Math.random() * this.options.nodes.length)), wait);
  }

  private open(node: number) {
    if (this.state === 'stopped') return;
    const baseUrl = this.options.nodes[node]!;
    this.state = 'connecting';
    this.connects += 1;
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${realtimePath}`, {
      headers: { cookie: this.person.cookie, origin: baseUrl },
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    // No ready within 15 s (a node that accepts but cannot read the log): start over.
    this.timer = setTimeout(() => {
      if (this.ws !== ws || this.state === 'ready') return;
      this.options.errors.add('ws no ready within 15 s');
      this.drop();
      this.retry();
    }, 15_000);
    ws.on('open', () => {
      this.lastHeardAt = performance.now();
      ws.send(JSON.stringify({ type: 'hello', lastSeq: this.lastSeq }));
    });
    ws.on('message', (raw: Buffer) => {
      if (this.ws !== ws) return;
      const arrivedAt = performance.now();
      this.lastHeardAt = arrivedAt;
      this.receive(JSON.parse(raw.toString()) as TServerMessage, arrivedAt);
    });
    ws.on('error', (error) => {
      if (this.ws === ws) this.options.errors.add(`ws error: ${errorKind(error)}`);
    });
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.options.errors.add(`ws close ${code}`);
      this.ws = undefined;
      clearTimeout(this.timer);
      if (code === closeCodes.sessionRevoked || code === closeCodes.unauthenticated) this.problems.revoked += 1;
      this.retry();
    });
  }

  private receive(message: TServerMessage, arrivedAt: number) {
    switch (message.type) {
      case 'event': {
        if (message.seq <= this.lastSeq) {
          // Already applied: the server sent it twice.
          this.problems.repeatedSeqs += 1;
          return;
        }
        if (message.seq !== this.lastSeq + 1) {
          // Never apply across a gap: reconnect and let hello(lastSeq) fill it.
          this.problems.gaps += 1;
          this.options.errors.add('ws seq gap');
          this.drop();
          this.retry();
          return;
        }
        this.lastSeq = message.seq;
        if (message.name === 'message.created') {
          const created = (message.data as { message: CreatedMessage }).message;
          this.delivered.push(this.options.index.intern(created.id, created.clientId));
          this.options.onMessageCreated(created, arrivedAt);
        }
        return;
      }
      case 'ready':
        // After hello every missed event has been sent, so ready names the seq just applied.
        if (message.seq > this.lastSeq) this.problems.readyAhead += 1;
        this.state = 'ready';
        this.attempt = 0;
        clearTimeout(this.timer);
        for (const resolve of this.readyWaiters.splice(0)) resolve();
        return;
      case 'resync':
        this.problems.resyncs += 1;
        this.options.errors.add('ws resync');
        this.lastSeq = message.seq;
        return;
      case 'error':
        this.options.errors.add(`ws error frame: ${message.code}`);
        return;
      default:
        return;
    }
  }
}
