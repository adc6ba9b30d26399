import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLocalDispatch, type BusMessage, type EventBus } from './bus.ts';

export type RedisBusOptions = {
  url: string;
  /** Pub/sub channel shared by the nodes of one installation (the key prefix plus "events"). */
  channel: string;
  /** Problems reaching Redis; the bus keeps going (local delivery) and reconnects by itself. */
  onError(error: unknown, what: string): void;
  /** How long start-up waits for Redis before giving up. */
  connectTimeoutMs?: number;
};

/** What crosses Redis: the messages of one publish and the node that sent them. */
type Envelope = { node: string; messages: BusMessage[] };

/**
 * The event bus across nodes over Redis pub/sub. Each publish delivers to this node's sockets at
 * once (no round trip through Redis) and sends one PUBLISH with all its messages to the others.
 *
 * Pub/sub is fire-and-forget: a node whose subscription dropped misses what was sent meanwhile.
 * That is safe because every user event is in the durable log first: when the subscription comes
 * back, the bus says `bus-interrupted` locally and the gateway catches every socket up from the
 * log. Publishing never waits for a Redis that is away (no offline queue): the sender's request
 * is not held up, and the other nodes catch up when they reconnect.
 */
export async function connectRedisBus(options: RedisBusOptions): Promise<EventBus> {
  const node = randomUUID();
  const local = createLocalDispatch();
  const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2_000) + Math.floor(Math.random() * 250);
  const publisher = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy, lazyConnect: true, connectionName: `parta:${options.channel}:pub:${node}` });
  const subscriber = new Redis(options.url, { autoResubscribe: false, maxRetriesPerRequest: null, retryStrategy, lazyConnect: true, connectionName: `parta:${options.channel}:sub:${node}` });

  const report = throttleReports(options.onError);
  publisher.on('error', (error) => report(error, 'redis publisher'));
  subscriber.on('error', (error) => report(error, 'redis subscriber'));

  subscriber.on('message', (_channel: string, raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch (error) {
      report(error, 'malformed message on the bus');
      return;
    }
    if (envelope.node !== node) local.dispatch(envelope.messages);
  });

  let isClosing = false;
  let hasSubscribed = false;
  subscriber.on('ready', () => {
    if (!hasSubscribed || isClosing) return; // the first subscription is made below
    subscriber.subscribe(options.channel).then(
      () => local.dispatch([{ kind: 'bus-interrupted' }]),
      (error: unknown) => report(error, 'redis resubscribe'),
    );
  });

  const timeoutMs = options.connectTimeoutMs ?? 15_000;
  const connected = Promise.all([publisher.connect(), subscriber.connect().then(() => subscriber.subscribe(options.channel))]);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connected,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${redactUrl(options.url)} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  hasSubscribed = true;

  return {
    async publish(messages) {
      local.dispatch(messages);
      if (publisher.status !== 'ready') {
        report(new Error(`redis publisher is ${publisher.status}`), 'redis publish skipped');
        return;
      }
      const envelope: Envelope = { node, messages };
      publisher.publish(options.channel, JSON.stringify(envelope)).catch((error: unknown) => report(error, 'redis publish'));
    },
    subscribe: local.subscribe,
    async close() {
      isClosing = true;
      local.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

/**
 * At most one report per `intervalMs`: ioredis reports every failed reconnection attempt, and a
 * Redis that is away for a minute should cost a few log lines, not hundreds.
 */
export function throttleReports(report: (error: unknown, what: string) => void, intervalMs = 5_000) {
  let last = 0;
  return (error: unknown, what: string) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report(error, what);
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
