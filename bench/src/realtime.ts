import { realtimePath, type TServerMessage } from '@parta/contracts';
import WebSocket from 'ws';

/** What a load socket saw that a healthy stream never shows. */
export type StreamProblems = { gaps: number; resyncs: number; errors: number; unexpectedCloses: number };

export type ServerEvent = Extract<TServerMessage, { type: 'event' }>;
type EventHandler = (event: ServerEvent, arrivedAt: number) => void;

/**
 * One person's WebSocket to the gateway, as the web app holds it: authenticated by the session
 * cookie, with the server's own Origin, `hello` with no position, then events numbered per user.
 * Every event goes to `onEvent` with the time its frame arrived (before parsing), so what is
 * measured is the server's delivery, not this process's JSON work.
 */
export class LoadSocket {
  readonly problems: StreamProblems = { gaps: 0, resyncs: 0, errors: 0, unexpectedCloses: 0 };
  private lastSeq: number | null = null;
  private isClosing = false;
  private readonly ws: WebSocket;
  private readonly onEvent: EventHandler;

  private constructor(ws: WebSocket, onEvent: EventHandler) {
    this.ws = ws;
    this.onEvent = onEvent;
  }

  /** Opens the socket and completes hello → ready; rejects on a refused upgrade or after `timeoutMs`. */
  static async connect(
    baseUrl: string,
    options: { cookie: string; origin: string; timeoutMs?: number; onEvent: EventHandler },
  ): Promise<LoadSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${realtimePath}`, { headers: { cookie: options.cookie, origin: options.origin }, perMessageDeflate: false });
    const socket = new LoadSocket(ws, options.onEvent);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ready within the time limit')), options.timeoutMs ?? 10_000);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)));
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', lastSeq: null })));
      ws.on('message', (raw: Buffer) => {
        const arrivedAt = performance.now();
        const message = JSON.parse(raw.toString()) as TServerMessage;
        socket.receive(message, arrivedAt);
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.once('close', () => {
        clearTimeout(timer);
        if (!socket.isClosing) socket.problems.unexpectedCloses += 1;
        reject(new Error('closed before ready'));
      });
    });
    try {
      await ready;
    } catch (error) {
      ws.terminate();
      throw error;
    }
    return socket;
  }

  private receive(message: TServerMessage, arrivedAt: number) {
    switch (message.type) {
      case 'ready':
        this.lastSeq = message.seq;
        return;
      case 'event':
        // Per-user numbers go up by exactly one; anything else is a lost or repeated event.
        if (this.lastSeq !== null && message.seq !== this.lastSeq + 1) this.problems.gaps += 1;
        this.lastSeq = message.seq;
        this.onEvent(message, arrivedAt);
        return;
      case 'resync':
        this.problems.resyncs += 1;
        this.lastSeq = message.seq;
        return;
      case 'error':
        this.problems.errors += 1;
        return;
      default:
        return;
    }
  }

  close() {
    this.isClosing = true;
    this.ws.terminate();
  }
}
