import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, latestCode, signIn, startTestApp, type TestApp } from '../../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const requestCode = (destination: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/code', payload: { destination }, headers });
const verify = (destination: string, code: string) => t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code } });

describe('sign-in with a one-time code', () => {
  it('creates the account on first sign-in and sets HttpOnly session and readable CSRF cookies', async () => {
    const sent = await requestCode('New.Parent@School.test');
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ status: 'sent', channel: 'email', destination: 'new.parent@school.test', expiresInSeconds: 600 });
    const code = latestCode(t, 'new.parent@school.test');
    expect(code).toMatch(/^\d{6}$/);

    const verified = await verify('new.parent@school.test', code);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ isNewAccount: true, me: { email: 'new.parent@school.test', displayName: '', locale: 'ru' } });
    const session = verified.cookies.find((c) => c.name === 'parta_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(Buffer.from(session.value, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(verified.cookies.find((c) => c.name === 'parta_csrf')!.httpOnly).toBeFalsy();

    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `parta_session=${session.value}` } });
    expect(me.json()).toMatchObject({ email: 'new.parent@school.test' });
  });

  it('answers the same whether or not an account exists', async () => {
    const existing = await signIn(t, 'existing@school.test');
    expect(existing.userId).toBeTruthy();
    t.clock.advance(31_000);
    const forExisting = await requestCode('existing@school.test');
    const forUnknown = await requestCode('nobody-here@school.test');
    expect(forExisting.statusCode).toBe(forUnknown.statusCode);
    const strip = (body: Record<string, unknown>) => ({ ...body, destination: undefined });
    expect(strip(forExisting.json())).toEqual(strip(forUnknown.json()));
  });

  it('signs in by phone, normalizing Russian numbers to E.164', async () => {
    const sent = await requestCode('8 (916) 555-12-34');
    expect(sent.json()).toMatchObject({ channel: 'phone', destination: '+79165551234' });
    const verified = await verify('+7 916 555 12 34', latestCode(t, '+79165551234'));
    expect(verified.json().me.phone).toBe('+79165551234');
  });

  it('rejects a destination that is neither an e-mail nor a phone, in the caller\'s language', async () => {
    const ru = await requestCode('not a destination');
    expect(ru.statusCode).toBe(400);
    expect(ru.json().error).toMatchObject({ code: 'validation_failed', message: 'Проверьте введённые данные.' });
    expect(ru.json().error.fields.destination).toBeTruthy();
    const en = await requestCode('12', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.json().error.message).toBe('Please check the data you entered.');
  });

  it('expires a code after 10 minutes', async () => {
    await requestCode('late@school.test');
    const code = latestCode(t, 'late@school.test');
    t.clock.advance(10 * 60_000 + 1);
    const late = await verify('late@school.test', code);
    expect(late.statusCode).toBe(400);
    expect(late.json().error.code).toBe('code_expired');
  });

  it('allows 5 wrong tries, then the code is dead even when right, until a new one is sent', async () => {
    await requestCode('guesser@school.test');
    const code = latestCode(t, 'guesser@school.test');
    const wrong = code === '000000' ? '111111' : '000000';
    const left: number[] = [];
    for (let i = 0; i < 4; i++) {
      const attempt = await verify('guesser@school.test', wrong);
      expect(attempt.json().error.code).toBe('code_invalid');
      left.push(Number(attempt.json().error.message.match(/\d+/)[0]));
    }
    expect(left).toEqual([4, 3, 2, 1]);
    expect((await verify('guesser@school.test', wrong)).json().error.code).toBe('code_expired');
    expect((await verify('guesser@school.test', code)).json().error.code).toBe('code_expired');

    t.clock.advance(31_000);
    await requestCode('guesser@school.test');
    const fresh = latestCode(t, 'guesser@school.test');
    expect((await verify('guesser@school.test', fresh)).statusCode).toBe(200);
  });

  it('supersedes the previous code when a new one is sent', async () => {
    await requestCode('twice@school.test');
    const first = latestCode(t, 'twice@school.test');
    t.clock.advance(31_000);
    await requestCode('twice@school.test');
    const second = latestCode(t, 'twice@school.test');
    // The old code is checked against the new one, so it fails like any wrong code.
    if (first !== second) expect((await verify('twice@school.test', first)).json().error.code).toBe('code_invalid');
    expect((await verify('twice@school.test', second)).statusCode).toBe(200);
  });

  it('limits how often a code is sent to one destination, with 429 and Retry-After', async () => {
    expect((await requestCode('spam@school.test')).statusCode).toBe(200);
    const again = await requestCode('spam@school.test');
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect(again.json().error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 30 });
    for (let i = 0; i < 4; i++) {
      t.clock.advance(31_000);
      expect((await requestCode('spam@school.test')).statusCode).toBe(200);
    }
    t.clock.advance(31_000);
    const hourly = await requestCode('spam@school.test');
    expect(hourly.statusCode).toBe(429);
    expect(hourly.json().error.retryAfterSeconds).toBeGreaterThan(30);
  });
});

describe('sessions and CSRF', () => {
  it('refuses a cookie-authenticated write without the CSRF header, and accepts it with one', async () => {
    const user = await signIn(t);
    const without = await t.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName: 'Анна' }, headers: { cookie: user.cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName: 'Анна' }, headers: { cookie: user.cookie, 'x-csrf-token': 'x'.repeat(32) } });
    expect(wrong.statusCode).toBe(403);
    const withHeader = await t.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName: 'Анна' }, headers: asUser(user) });
    expect(withHeader.statusCode).toBe(200);
    expect(withHeader.json().displayName).toBe('Анна');
  });

  it('refuses a write from a foreign Origin', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/code',
      payload: { destination: 'x@school.test' },
      headers: { origin: 'https://evil.example', host: 'localhost:3000' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf_failed');
  });

  it('signs out one session, and everywhere', async () => {
    const email = 'devices@school.test';
    const laptop = await signIn(t, email);
    const phone = await signIn(t, email);
    const tablet = await signIn(t, email);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: asUser(laptop) });
    expect(out.json()).toEqual({ signedOutSessions: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: laptop.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: phone.cookie } })).statusCode).toBe(200);

    const everywhere = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out-everywhere', headers: asUser(phone) });
    expect(everywhere.json()).toEqual({ signedOutSessions: 2 });
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: tablet.cookie } })).statusCode).toBe(401);
  });

  it('expires a session unused for 30 days', async () => {
    const user = await signIn(t);
    t.clock.advance(31 * 24 * 3_600_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie } })).statusCode).toBe(401);
  });
});
