import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type TestApp } from '../../test/harness.ts';
import { within } from '../../test/wait.ts';
import { openSocket } from '../../test/ws-client.ts';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await startTestApp({ heartbeatMs: 3_600_000 });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await t.close();
});

describe('request size limits', () => {
  it('refuses a JSON body over 256 KiB with a localized 413 and changes nothing', async () => {
    const user = await signIn(t);
    const before = await t.app.inject({ method: 'GET', url: '/api/me', headers: asUser(user) });
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { ...asUser(user), 'content-type': 'application/json' },
      payload: JSON.stringify({ displayName: 'Я'.repeat(150_000) }), // 300 000 bytes of UTF-8
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'payload_too_large', message: expect.stringMatching(/[А-Яа-я]/) } });
    const after = await t.app.inject({ method: 'GET', url: '/api/me', headers: asUser(user) });
    expect(after.json()).toEqual(before.json());
  });

  it('closes a socket that sends a frame over 64 KiB (1009), without affecting others', async () => {
    const user = await signIn(t);
    const bystander = await openSocket(url, { cookie: user.cookie });
    await bystander.hello(null);
    const sender = await openSocket(url, { cookie: user.cookie });
    sender.send({ type: 'ping', padding: 'x'.repeat(70 * 1024) });
    expect((await within(sender.closed, 5_000, 'the oversized socket to close')).code).toBe(1009);
    expect(await bystander.drainUntilPong()).toEqual([]);
    bystander.terminate();
  });
});
