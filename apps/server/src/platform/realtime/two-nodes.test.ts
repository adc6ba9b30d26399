import { randomUUID } from 'node:crypto';
import type { TChat, TMessage, TServerMessage } from '@parta/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { asUser, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { call, populateSchool, type PopulatedSchool } from '../../test/school.ts';
import { waitFor } from '../../test/wait.ts';
import { openSocket, type TestSocket } from '../../test/ws-client.ts';
import { connectRedisBus } from './redis-bus.ts';

/**
 * Two server nodes over one database and one Redis, as in production behind a load balancer:
 * whatever happens on one node reaches the people whose sockets are on the other.
 * Needs a Redis server: TEST_REDIS_URL (`.ci/run` sets it to the machine's Redis).
 */
const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!redisUrl)('two nodes over Redis (skipped without TEST_REDIS_URL: no Redis server to use)', () => {
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  let one: TestApp;
  let two: Awaited<ReturnType<typeof buildApp>>;
  let s: PopulatedSchool;
  let chat: TChat;
  let urlOne: string;
  let urlTwo: string;
  const sockets: TestSocket[] = [];

  const listen = async (app: TestApp['app']) => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening on a TCP port');
    return `http://127.0.0.1:${address.port}`;
  };

  beforeAll(async () => {
    one = await startTestApp({ heartbeatMs: 3_600_000, sendLimit: { messages: 4, windowMs: 60_000 }, env: { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix } });
    two = await buildApp({ config: one.config, database: one.database, clock: one.clock, logger: false, heartbeatMs: 3_600_000, sendLimit: { messages: 4, windowMs: 60_000 } });
    urlOne = await listen(one.app);
    urlTwo = await listen(two.app);
    s = await populateSchool(one);
    chat = await call<TChat>(one, s.classTeacher, 'POST', `/api/organizations/${s.organizationId}/chats`, { title: 'Два узла', memberIds: [s.parent.userId, s.student.userId] });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await two?.app.close();
    await one?.close();
  });

  async function readySocket(url: string, user: SignedIn): Promise<TestSocket> {
    const socket = await openSocket(url, { cookie: user.cookie });
    sockets.push(socket);
    expect(await socket.hello(null)).toEqual([{ type: 'ready', seq: expect.any(Number), connectionId: expect.any(String) }]);
    return socket;
  }

  const send = async (node: TestApp['app'], as: SignedIn, text: string) =>
    node.inject({ method: 'POST', url: `/api/chats/${chat.id}/messages`, headers: asUser(as), payload: { clientId: randomUUID(), text } });

  /** The next event of this name on the socket, skipping others (chat.read and the like). */
  async function nextEvent(socket: TestSocket, name: string): Promise<Extract<TServerMessage, { type: 'event' }>> {
    for (;;) {
      const message = await socket.next(3_000);
      if (message.type === 'event' && message.name === name) return message;
    }
  }

  it('accepts a session made on one node on the other, for requests and sockets', async () => {
    const me = await two.app.inject({ method: 'GET', url: '/api/me', headers: asUser(s.parent) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: s.parent.userId });
    await readySocket(urlTwo, s.parent);
  });

  it('delivers a message sent through one node to sockets on both, once, with the next seq', async () => {
    const onOne = await readySocket(urlOne, s.student);
    const onTwo = await readySocket(urlTwo, s.parent);
    const sent = await send(two.app, s.classTeacher, 'Завтра экскурсия');
    expect(sent.statusCode, sent.body).toBe(201);
    const messageId = sent.json<TMessage>().id;
    for (const socket of [onOne, onTwo]) {
      const event = await nextEvent(socket, 'message.created');
      expect(event.data).toMatchObject({ message: { id: messageId, text: 'Завтра экскурсия' } });
    }
    // Sent again through the other node: the next seq, nothing skipped or repeated.
    await send(one.app, s.classTeacher, 'В 9:00');
    const seqs = [];
    for (const socket of [onOne, onTwo]) seqs.push((await nextEvent(socket, 'message.created')).seq);
    for (const socket of [onOne, onTwo]) {
      const numbered = socket.received.filter((m): m is Extract<TServerMessage, { type: 'event' }> => m.type === 'event').map((m) => m.seq);
      expect(numbered).toEqual([...new Set(numbered)].sort((a, b) => a - b));
      expect(numbered.at(-1)! - numbered[0]!).toBe(numbered.length - 1);
    }
    expect(seqs.every((seq) => seq > 0)).toBe(true);
  });

  it('passes typing to the other node', async () => {
    const listener = await readySocket(urlOne, s.parent);
    const typed = await two.app.inject({ method: 'POST', url: `/api/chats/${chat.id}/typing`, headers: asUser(s.student) });
    expect(typed.statusCode).toBe(204);
    for (;;) {
      const message = await listener.next(3_000);
      if (message.type === 'signal') {
        expect(message).toMatchObject({ name: 'chat.typing', data: { chatId: chat.id, user: { id: s.student.userId } } });
        break;
      }
    }
  });

  it('counts one person’s sends on every node against one limit', async () => {
    // The limit here is 4 a minute; the teacher used 2 above, on both nodes.
    expect((await send(one.app, s.classTeacher, 'третье')).statusCode).toBe(201);
    expect((await send(two.app, s.classTeacher, 'четвёртое')).statusCode).toBe(201);
    for (const node of [one.app, two.app]) {
      const refused = await send(node, s.classTeacher, 'пятое');
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('closes the sockets of a session signed out on the other node', async () => {
    const email = `two-nodes-${randomUUID()}@school.test`;
    const { signIn } = await import('../../test/harness.ts');
    const device = await signIn(one, email);
    const socket = await readySocket(urlTwo, device);
    const out = await one.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: asUser(device) });
    expect(out.statusCode).toBe(200);
    expect((await socket.closed).code).toBe(4403);
  });
});

describe.skipIf(!redisUrl)('the Redis bus after its connection drops (skipped without TEST_REDIS_URL: no Redis server to use)', () => {
  it('resubscribes and says bus-interrupted, so the gateway catches up from the log', async () => {
    const channel = `test-${randomUUID().slice(0, 8)}:events`;
    const errors: string[] = [];
    const listener = await connectRedisBus({ url: redisUrl!, channel, onError: (_error, what) => errors.push(what) });
    const sender = await connectRedisBus({ url: redisUrl!, channel, onError: () => undefined });
    const seen: string[] = [];
    listener.subscribe((message) => seen.push(message.kind === 'signal' ? `signal:${message.name}` : message.kind));
    const admin = new Redis(redisUrl!);
    try {
      await sender.publish([{ kind: 'signal', userIds: ['x'], name: 'first', data: {} }]);
      await waitFor(() => seen.includes('signal:first'), { what: 'the first signal across the bus' });

      // Cut the listener's subscription, as a Redis restart or a network blip would.
      const clients = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      const id = clients.split('\n').find((line) => line.includes(`name=parta:${channel}:sub:`))?.match(/\bid=(\d+)/)?.[1];
      expect(id).toBeDefined();
      await admin.call('CLIENT', 'KILL', 'ID', id!);
      await waitFor(() => seen.includes('bus-interrupted'), { what: 'bus-interrupted after resubscribing', timeoutMs: 10_000 });

      await sender.publish([{ kind: 'signal', userIds: ['x'], name: 'second', data: {} }]);
      await waitFor(() => seen.includes('signal:second'), { what: 'delivery after the reconnection' });
      // Its own messages reach a node once (locally), never a second time through Redis.
      await listener.publish([{ kind: 'signal', userIds: ['x'], name: 'own', data: {} }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen.filter((kind) => kind === 'signal:own')).toHaveLength(1);
    } finally {
      admin.disconnect();
      await listener.close();
      await sender.close();
    }
  });
});
