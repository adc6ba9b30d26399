import { closeCodes, type TMe, type TServerMessage } from '@parta/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { waitFor, within } from '../../test/wait.ts';
import { openSocket, refusedUpgradeStatus, type SocketOptions, type TestSocket } from '../../test/ws-client.ts';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { transaction } from '../db/index.ts';
import { createInProcessBus, type EventBus } from './bus.ts';
import type { EventLog, StoredEvent } from './event-log.ts';
import { registerRealtimeGateway } from './gateway.ts';

let t: TestApp;
let baseUrl: string;
const opened = new Set<TestSocket>();
/** Apps whose gateway must be back to zero sockets after each test, so counts never leak between tests. */
const listening = new Set<TestApp>();

async function listenOn(app: TestApp): Promise<string> {
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on a TCP port');
  listening.add(app);
  return `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  // No heartbeat during these tests: exact message sequences are asserted (heartbeats are tested below).
  t = await startTestApp({ heartbeatMs: 3_600_000 });
  baseUrl = await listenOn(t);
});
afterEach(async () => {
  for (const socket of opened) socket.terminate();
  opened.clear();
  for (const app of listening) await waitFor(() => app.gateway.connectionCount() === 0, { what: 'the gateway to see every socket closed' });
});
afterAll(async () => {
  await t.close();
});

/** A socket of this user (cookie only, same-origin), tracked so every test leaves none open. */
async function connect(user: SignedIn, options: SocketOptions = {}, url = baseUrl): Promise<TestSocket> {
  const socket = await openSocket(url, { cookie: user.cookie, ...options });
  opened.add(socket);
  return socket;
}

/** A socket that has said hello with lastSeq null and received `ready`. */
async function connectReady(user: SignedIn): Promise<{ socket: TestSocket; seq: number }> {
  const socket = await connect(user);
  const answer = await socket.hello(null);
  expect(answer).toEqual([{ type: 'ready', seq: expect.any(Number), connectionId: expect.any(String) }]);
  return { socket, seq: (answer[0] as { seq: number }).seq };
}

async function renameTo(user: SignedIn, displayName: string): Promise<TMe> {
  const response = await t.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName }, headers: asUser(user) });
  expect(response.statusCode).toBe(200);
  return response.json();
}

const profileEvent = (seq: number, displayName: string) => ({
  type: 'event',
  seq,
  name: 'profile.updated',
  data: { me: expect.objectContaining({ displayName }) },
  at: expect.any(String),
});

/** Two sign-ins of one e-mail: two sessions (two devices) of the same person. */
async function signInTwice(): Promise<[SignedIn, SignedIn]> {
  const email = `two-devices-${crypto.randomUUID()}@school.test`;
  return [await signIn(t, email), await signIn(t, email)];
}

describe('upgrade', () => {
  it('refuses a request without a session cookie with 401', async () => {
    expect(await refusedUpgradeStatus(baseUrl, {})).toBe(401);
  });

  it('refuses a session token passed in the URL instead of the cookie', async () => {
    const user = await signIn(t);
    expect(await refusedUpgradeStatus(baseUrl, { query: `?token=${user.sessionToken}` })).toBe(401);
    expect(await refusedUpgradeStatus(baseUrl, { query: `?parta_session=${user.sessionToken}` })).toBe(401);
  });

  it('refuses an unknown session cookie with 401', async () => {
    expect(await refusedUpgradeStatus(baseUrl, { cookie: `parta_session=${'x'.repeat(43)}` })).toBe(401);
  });

  it('refuses a foreign Origin with 403, even with a valid session', async () => {
    const user = await signIn(t);
    expect(await refusedUpgradeStatus(baseUrl, { cookie: user.cookie, origin: 'https://evil.example' })).toBe(403);
  });

  it('refuses an upgrade without an Origin header, even with a valid session', async () => {
    const user = await signIn(t);
    expect(await refusedUpgradeStatus(baseUrl, { cookie: user.cookie, origin: null })).toBe(403);
  });

  it('accepts a same-host Origin with a valid session cookie', async () => {
    const user = await signIn(t);
    expect(t.gateway.connectionCount()).toBe(0);
    const socket = await connect(user);
    expect(socket.isOpen).toBe(true);
    await waitFor(() => t.gateway.connectionCount() === 1, { what: 'the gateway to count the socket' });
  });
});

describe('hello and live delivery', () => {
  it('answers hello with lastSeq null with ready at the current seq', async () => {
    const fresh = await signIn(t);
    expect((await connectReady(fresh)).seq).toBe(0);

    const active = await signIn(t);
    await renameTo(active, 'Первое');
    await renameTo(active, 'Второе');
    const { socket, seq } = await connectReady(active);
    expect(seq).toBe(2);
    expect(seq).toBe(await t.eventLog.latestSeq(active.userId));
    expect(await socket.drainUntilPong()).toEqual([]); // no replay of older events
  });

  it('delivers a committed event with seq + 1 to every socket of the user and to no one else', async () => {
    const [laptop, phone] = await signInTwice();
    const other = await signIn(t);
    const first = await connectReady(laptop);
    const second = await connectReady(phone);
    const stranger = await connectReady(other);
    expect(second.seq).toBe(first.seq);

    const me = await renameTo(laptop, 'Анна Петрова');

    const expected = { ...profileEvent(first.seq + 1, 'Анна Петрова'), data: { me } };
    expect(await first.socket.next()).toEqual(expected);
    expect(await second.socket.next()).toEqual(expected);
    expect(await stranger.socket.drainUntilPong()).toEqual([]);
    expect(await first.socket.drainUntilPong()).toEqual([]); // exactly one event
  });

  it('sends nothing to a socket that has not said hello', async () => {
    const user = await signIn(t);
    const silent = await connect(user);
    const { socket: listening, seq } = await connectReady(user);

    await renameTo(user, 'Без приветствия');

    expect(await listening.next()).toEqual(profileEvent(seq + 1, 'Без приветствия')); // the event was published
    expect(await silent.drainUntilPong()).toEqual([]);
  });

  it('publishes nothing for a rolled-back transaction and does not advance the seq', async () => {
    const user = await signIn(t);
    const me = (await t.app.inject({ method: 'GET', url: '/api/me', headers: asUser(user) })).json<TMe>();
    const { socket, seq } = await connectReady(user);

    await expect(
      transaction(t.database.db, async (tx) => {
        await t.eventLog.append(tx, [user.userId], 'profile.updated', { me: { ...me, displayName: 'Откат' } });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    expect(await socket.drainUntilPong()).toEqual([]);
    expect(await t.eventLog.latestSeq(user.userId)).toBe(seq);
    expect(await t.eventLog.readSince(user.userId, seq)).toMatchObject({ status: 'ok', events: [] });
    // The next real change takes the very next number: no gap for clients to trip over.
    await renameTo(user, 'После отката');
    expect(await socket.next()).toEqual(profileEvent(seq + 1, 'После отката'));
  });
});

describe('resume', () => {
  it('replays exactly the missed events in order, then ready', async () => {
    const user = await signIn(t);
    const { socket, seq } = await connectReady(user);
    socket.terminate();
    await socket.closed;

    for (const name of ['Один', 'Два', 'Три']) await renameTo(user, name);

    const again = await connect(user);
    expect(await again.hello(seq)).toEqual([
      profileEvent(seq + 1, 'Один'),
      profileEvent(seq + 2, 'Два'),
      profileEvent(seq + 3, 'Три'),
      { type: 'ready', seq: seq + 3, connectionId: expect.any(String) },
    ]);
    expect(await again.drainUntilPong()).toEqual([]);
    // Live delivery continues from there.
    await renameTo(user, 'Четыре');
    expect(await again.next()).toEqual(profileEvent(seq + 4, 'Четыре'));
  });

  it('answers resync when the missed events were pruned, never skipping silently', async () => {
    const user = await signIn(t);
    const { socket, seq } = await connectReady(user);
    socket.terminate();
    await socket.closed;

    await renameTo(user, 'Старое'); // seq + 1, will be pruned
    t.clock.advance(3_600_000);
    const cutoff = t.clock.now();
    t.clock.advance(1_000);
    await renameTo(user, 'Новое'); // seq + 2, kept
    expect(await t.eventLog.prune(cutoff)).toBeGreaterThanOrEqual(1);

    const again = await connect(user);
    expect(await again.hello(seq)).toEqual([
      { type: 'resync', seq: seq + 2 },
      { type: 'ready', seq: seq + 2, connectionId: expect.any(String) },
    ]);
    await renameTo(user, 'Дальше');
    expect(await again.next()).toEqual(profileEvent(seq + 3, 'Дальше'));
  });

  it('answers resync when lastSeq is ahead of the server (another database, a wiped log)', async () => {
    const user = await signIn(t);
    await renameTo(user, 'Единственное');
    const socket = await connect(user);
    expect(await socket.hello(1_000)).toEqual([
      { type: 'resync', seq: 1 },
      { type: 'ready', seq: 1, connectionId: expect.any(String) },
    ]);
  });
});

describe('client messages', () => {
  it('answers a malformed message with an error and keeps the socket open', async () => {
    const user = await signIn(t);
    const { socket } = await connectReady(user);
    const malformed = ['not json', '{"type":"hello"', JSON.stringify({ type: 'subscribe' }), JSON.stringify({ type: 'hello', lastSeq: -1 }), JSON.stringify({ type: 'hello', lastSeq: '5' }), JSON.stringify({ type: 'ping', extra: 1 }), '[]', 'null', '42'];
    for (const text of malformed) {
      socket.send(text);
      expect(await socket.next(), text).toEqual({ type: 'error', code: 'validation_failed', message: expect.any(String) });
    }
    expect(socket.isOpen).toBe(true);
    expect(await socket.drainUntilPong()).toEqual([]);
  });

  it('refuses signalling past a burst of 120 from one socket (rate_limited) and keeps the socket open', async () => {
    const user = await signIn(t);
    const { socket } = await connectReady(user);
    const callId = crypto.randomUUID();
    const sent = 150;
    for (let index = 0; index < sent; index += 1) socket.send({ type: 'media.candidate', callId, target: 'publisher', candidate: null });
    // Every message is answered: refused by the gateway, or passed on (and refused by the calls module: no such call).
    const answers = () => socket.received.filter((message) => (message.type === 'error' && message.code === 'rate_limited') || (message.type === 'signal' && message.name === 'media.error'));
    await waitFor(() => answers().length === sent, { what: 'every signalling message to be answered', timeoutMs: 10_000 });
    const refused = answers().filter((message) => message.type === 'error').length;
    // 150 sent within a few milliseconds: the burst of 120 passes (plus what refilled meanwhile at 20/s).
    expect(refused).toBeGreaterThanOrEqual(20);
    expect(refused).toBeLessThanOrEqual(30);
    expect(socket.isOpen).toBe(true);
  });

  it('answers ping with pong, also before hello', async () => {
    const user = await signIn(t);
    const socket = await connect(user);
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
    await socket.hello(null);
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
  });
});

describe('sign-out closes sockets', () => {
  it('closes the signed-out session’s sockets with 4403 within 5 s, and only those', async () => {
    const [laptop, phone] = await signInTwice();
    const laptopSockets = [await connect(laptop), await connect(laptop)];
    const { socket: phoneSocket } = await connectReady(phone);

    const started = performance.now();
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: asUser(laptop) });
    expect(response.statusCode).toBe(200);
    for (const socket of laptopSockets) {
      const closed = await within(socket.closed, 5_000, 'the signed-out socket to close');
      expect(closed.code).toBe(closeCodes.sessionRevoked);
      expect(closed.at - started).toBeLessThan(5_000);
    }

    expect(phoneSocket.isOpen).toBe(true);
    expect(await phoneSocket.drainUntilPong()).toEqual([]);
    expect(await refusedUpgradeStatus(baseUrl, { cookie: laptop.cookie })).toBe(401);
  });

  it('sign-out-everywhere closes every socket of the user, and no one else’s', async () => {
    const [laptop, phone] = await signInTwice();
    const other = await signIn(t);
    const userSockets = [await connect(laptop), (await connectReady(laptop)).socket, (await connectReady(phone)).socket];
    const { socket: strangerSocket } = await connectReady(other);

    const response = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out-everywhere', headers: asUser(phone) });
    expect(response.json()).toEqual({ signedOutSessions: 2 });
    for (const socket of userSockets) expect((await within(socket.closed, 5_000, 'every socket of the user to close')).code).toBe(closeCodes.sessionRevoked);

    expect(strangerSocket.isOpen).toBe(true);
    expect(await strangerSocket.drainUntilPong()).toEqual([]);
  });
});

describe('heartbeat', () => {
  let fast: TestApp;
  let fastUrl: string;
  beforeAll(async () => {
    fast = await startTestApp({ heartbeatMs: 100 });
    fastUrl = await listenOn(fast);
  });
  afterAll(async () => {
    listening.delete(fast);
    await fast.close();
  });

  it('sends heartbeat messages and keeps a client that answers pings', async () => {
    const user = await signIn(fast);
    const socket = await connect(user, {}, fastUrl);
    const heartbeats: TServerMessage[] = [];
    while (heartbeats.length < 4) {
      const message = await socket.next(2_000);
      expect(message).toEqual({ type: 'heartbeat', at: expect.any(String) });
      heartbeats.push(message);
    }
    expect(socket.isOpen).toBe(true);
  });

  it('drops a client that stops answering pings', async () => {
    const user = await signIn(fast);
    const socket = await connect(user, { autoPong: false }, fastUrl);
    await waitFor(() => fast.gateway.connectionCount() === 1, { what: 'the gateway to count the socket' });
    const closed = await within(socket.closed, 2_000, 'the unresponsive socket to be dropped');
    expect(closed.code).toBe(1006); // terminated, no close frame
    expect(socket.received.some((m) => m.type === 'heartbeat')).toBe(true);
    await waitFor(() => fast.gateway.connectionCount() === 0, { what: 'the gateway to forget the socket' });
  });
});

describe('delivery that survives a lossy bus, slow sockets and shutdown', () => {
  it('catches every ready socket up from the log when the bus says messages may have been lost', async () => {
    // A bus that loses what is published while `isLosing` (a Redis subscription that dropped).
    const inner = createInProcessBus();
    let isLosing = false;
    const bus: EventBus = { publish: async (messages) => (isLosing ? undefined : inner.publish(messages)), subscribe: inner.subscribe, close: inner.close };
    const lossy = await startTestApp({ heartbeatMs: 3_600_000, bus });
    try {
      const url = await listenOn(lossy);
      const user = await signIn(lossy);
      const socket = await openSocket(url, { cookie: user.cookie });
      opened.add(socket);
      const [ready] = await socket.hello(null);
      const seq = (ready as { seq: number }).seq;
      isLosing = true;
      const renamed = await lossy.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName: 'Потерянное событие' }, headers: asUser(user) });
      expect(renamed.statusCode).toBe(200);
      expect(await socket.drainUntilPong()).toEqual([]); // lost in transit
      isLosing = false;
      await bus.publish([{ kind: 'bus-interrupted' }]);
      expect(await socket.next()).toEqual(profileEvent(seq + 1, 'Потерянное событие'));
      expect(await socket.drainUntilPong()).toEqual([]); // once
    } finally {
      listening.delete(lossy);
      await lossy.close();
    }
  });

  it('stops queueing live events for a socket that is behind and reads them from the log instead, in order, none twice', async () => {
    // A gateway of its own over a log whose reads wait until released: the socket's queue is
    // stuck behind its replay while live events keep coming.
    const app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    await app.register(websocket);
    const bus = createInProcessBus();
    const stored: StoredEvent[] = [];
    const store = (seq: number) => stored.push({ seq, name: 'profile.updated', data: { n: seq }, at: new Date(0).toISOString() });
    for (let seq = 1; seq <= 2; seq += 1) store(seq);
    let releaseReads!: () => void;
    const readsReleased = new Promise<void>((resolve) => (releaseReads = resolve));
    let reads = 0;
    const eventLog = {
      latestSeq: async () => stored.length,
      latestSeqs: async () => new Map(),
      async readSince(_userId: string, afterSeq: number) {
        reads += 1;
        await readsReleased;
        return { status: 'ok' as const, events: stored.filter((e) => e.seq > afterSeq), latestSeq: stored.length, hasMore: false };
      },
    } as unknown as EventLog;
    registerRealtimeGateway(app, {
      bus,
      eventLog,
      authenticate: async () => ({ userId: 'u1', sessionId: 's1' }),
      isOriginAllowed: () => true,
      heartbeatMs: 3_600_000,
      maxQueuedEvents: 3,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address() as { port: number };
      const socket = await openSocket(`http://127.0.0.1:${address.port}`, {});
      opened.add(socket);
      socket.send({ type: 'hello', lastSeq: 0 }); // replays 1–2 … once the log answers
      await waitFor(() => reads === 1, { what: 'the replay to start' });
      for (let seq = 3; seq <= 12; seq += 1) {
        store(seq);
        await bus.publish([{ kind: 'user-events', name: 'profile.updated', data: { n: seq }, at: new Date(0).toISOString(), recipients: [['u1', seq]] }]);
      }
      releaseReads();
      const seqs = (await socket.takeUntil('ready')).filter((m) => m.type === 'event').map((m) => (m as { seq: number }).seq);
      await waitFor(async () => (seqs.push(...(await socket.drainUntilPong()).map((m) => (m as { seq: number }).seq)), seqs.length >= 12), { what: 'all twelve events' });
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(reads).toBe(2); // the replay, then one read for everything that did not fit the queue
    } finally {
      await app.close();
    }
  });

  it('drains on shutdown: readiness fails first, then sockets close with "going away" and requests stop', async () => {
    const stopping = await startTestApp({ heartbeatMs: 3_600_000 });
    try {
      const url = await listenOn(stopping);
      const user = await signIn(stopping);
      const socket = await openSocket(url, { cookie: user.cookie });
      opened.add(socket);
      await socket.hello(null);
      const drained = stopping.drain();
      const readiness = await fetch(`${url}/readyz`).catch(() => null);
      if (readiness) expect(readiness.status).toBe(503); // told the balancer, unless already closed
      expect((await within(socket.closed, 5_000, 'the socket to close')).code).toBe(closeCodes.serverShutdown);
      await drained;
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      listening.delete(stopping);
      await stopping.database.drop();
    }
  });
});
