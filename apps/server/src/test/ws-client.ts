import { realtimePath, type TServerMessage } from '@parta/contracts';
import WebSocket from 'ws';
import { within } from './wait.ts';

/**
 * A real WebSocket client for gateway tests: it records every server message, hands them out in
 * arrival order with a bounded wait, and knows the hello/ping protocol of @parta/contracts.
 */
export class TestSocket {
  /** Every message received, in order (including those already taken with next()). */
  readonly received: TServerMessage[] = [];
  /** Resolves when the socket closes, with the close code the client saw. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  private readonly unread: TServerMessage[] = [];
  private waiter: (() => void) | null = null;

  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as TServerMessage;
      this.received.push(message);
      this.unread.push(message);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString(), at: performance.now() });
        this.waiter?.(); // a pending next() fails at once instead of at its deadline
      });
    });
    ws.on('error', () => undefined); // surfaced through `closed` and failed expectations instead
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: unknown) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not yet taken, waiting at most `timeoutMs` for it. */
  async next(timeoutMs = 2_000): Promise<TServerMessage> {
    const deadline = performance.now() + timeoutMs;
    while (this.unread.length === 0) {
      const left = deadline - performance.now();
      if (left <= 0 || !this.isOpen) {
        throw new Error(`no message within ${timeoutMs} ms (socket ${this.isOpen ? 'open' : 'closed'}); received so far: ${JSON.stringify(this.received)}`);
      }
      await within(new Promise<void>((resolve) => (this.waiter = resolve)), left, 'a server message').catch(() => undefined);
      this.waiter = null;
    }
    return this.unread.shift()!;
  }

  /** Takes messages up to and including the first of type `type`. */
  async takeUntil(type: TServerMessage['type'], timeoutMs = 2_000): Promise<TServerMessage[]> {
    const taken: TServerMessage[] = [];
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(1, deadline - performance.now()));
      taken.push(message);
      if (message.type === type) return taken;
    }
  }

  /** Sends hello and returns everything the server answered up to and including `ready`. */
  async hello(lastSeq: number | null): Promise<TServerMessage[]> {
    this.send({ type: 'hello', lastSeq });
    return this.takeUntil('ready');
  }

  /**
   * A barrier: sends ping and returns the messages that arrived before the pong. The server
   * answers ping at once and a socket delivers in order, so anything already sent to this client
   * arrives before the pong: an empty result proves nothing was sent.
   */
  async drainUntilPong(timeoutMs = 2_000): Promise<TServerMessage[]> {
    this.send({ type: 'ping' });
    const taken = await this.takeUntil('pong', timeoutMs);
    return taken.slice(0, -1);
  }

  terminate() {
    this.ws.terminate();
  }
}

export type SocketOptions = {
  /** Cookie header; omitted when undefined. */
  cookie?: string | undefined;
  /** Origin header; omitted when null. Defaults to the server's own origin. */
  origin?: string | null;
  /** Whether the client answers protocol pings (ws does by default). */
  autoPong?: boolean;
  /** Appended to the gateway path, e.g. "?token=…". */
  query?: string;
  /** Another socket than the gateway's (a broadcast's live socket). */
  path?: string;
};

const wsUrl = (baseUrl: string, query = '', path = realtimePath) => `${baseUrl.replace(/^http/, 'ws')}${path}${query}`;

function headersFor(baseUrl: string, options: SocketOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  const origin = options.origin === undefined ? baseUrl : options.origin;
  if (origin !== null) headers.origin = origin;
  return headers;
}

/** Opens a socket to the gateway; rejects with the HTTP status when the upgrade is refused. */
export function openSocket(baseUrl: string, options: SocketOptions = {}): Promise<TestSocket> {
  // `origin` is deliberately passed as a header: the ws client sends no Origin unless told to.
  const ws = new WebSocket(wsUrl(baseUrl, options.query, options.path), { headers: headersFor(baseUrl, options), autoPong: options.autoPong ?? true });
  const socket = new TestSocket(ws);
  return within(
    new Promise<TestSocket>((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (request, response) => {
        request.destroy();
        reject(new UpgradeRefused(response.statusCode ?? 0));
      });
      ws.once('error', reject);
    }),
    5_000,
    'the WebSocket upgrade',
  );
}

export class UpgradeRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`upgrade refused with HTTP ${status}`);
    this.status = status;
  }
}

/** The HTTP status with which the gateway refuses an upgrade; fails when the upgrade succeeds. */
export async function refusedUpgradeStatus(baseUrl: string, options: SocketOptions): Promise<number> {
  try {
    const socket = await openSocket(baseUrl, options);
    socket.terminate();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error('the upgrade was accepted');
}
