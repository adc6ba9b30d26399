import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../test/harness.ts';

/**
 * SMTP delivery end to end: the server, configured with SMTP_URL, hands the sign-in code to a
 * real SMTP server (smtp-server, on loopback) and the code in that e-mail signs the person in.
 */

type Received = { envelopeTo: string[]; user: string | undefined; mail: ParsedMail };

let smtp: SMTPServer;
let port: number;
const received: Received[] = [];
let t: TestApp;

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'parta' && auth.password === 's3cret') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
  t = await startTestApp({ env: { SMTP_URL: `smtp://parta:s3cret@127.0.0.1:${port}`, SMTP_FROM: 'Парта <no-reply@school.test>' } });
});

afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

describe('SMTP delivery (SMTP_URL)', () => {
  it('sends the code by e-mail through the configured server, authenticated, and that code signs in', async () => {
    const destination = 'Teacher.Smtp@School.test';
    const requested = await t.app.inject({ method: 'POST', url: '/api/auth/code', payload: { destination, locale: 'ru' } });
    expect(requested.statusCode).toBe(200);

    expect(received).toHaveLength(1);
    const { envelopeTo, user, mail } = received[0]!;
    expect(envelopeTo).toEqual(['teacher.smtp@school.test']);
    expect(user).toBe('parta');
    expect(mail.from?.value[0]).toMatchObject({ address: 'no-reply@school.test', name: 'Парта' });
    expect(mail.subject).toMatch(/Парт/);
    const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
    expect(code, mail.text).toBeDefined();

    // With SMTP configured the development outbox still exists outside production, but the mail
    // went out by SMTP and not to it.
    expect(t.outbox?.list().some((m) => m.to === 'teacher.smtp@school.test') ?? false).toBe(false);

    const verified = await t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code } });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ me: { email: 'teacher.smtp@school.test' }, isNewAccount: true });
  });

  it('answers 503 «не удалось отправить код» when the mail server refuses, keeps no code, and lets the person ask again at once', async () => {
    const refused = await startTestApp({ env: { SMTP_URL: `smtp://parta:wrong-password@127.0.0.1:${port}` } });
    try {
      const ask = () =>
        refused.app.inject({ method: 'POST', url: '/api/auth/code', payload: { destination: 'parent@school.test' }, headers: { 'accept-language': 'ru' } });
      const countCodes = async () =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM sign_in_codes`.execute(refused.database.db)).rows[0]!.n;
      const before = received.length;
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await ask();
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({ error: { code: 'delivery_failed', message: 'Не удалось отправить код. Повторите попытку через минуту.' } });
        // Not 429 on the second attempt: the failed code does not count against the resend limit.
        expect(await countCodes()).toBe(0);
      }
      expect(received.length).toBe(before);
    } finally {
      await refused.close();
    }
  });
});
