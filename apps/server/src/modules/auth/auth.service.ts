import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { TRequestCodeResponse, TVerifyCodeResponse } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB } from '../../platform/db/index.ts';
import { AppError, forbidden, invalidField, rateLimited, type Identity, type Locale } from '../../platform/http/index.ts';
import type { Mailer, SmsSender } from '../../platform/mail/index.ts';
import type { EventBus } from '../../platform/realtime/index.ts';
import { toMe, type PeopleService, type UserRow } from '../people/index.ts';
import * as repository from './auth.repository.ts';
import { normalizeDestination, type Destination } from './destination.ts';

export const signInCodePolicy = {
  lifetimeMs: 10 * 60_000,
  maxAttempts: 5,
  /** A new code for the same destination at most this often. */
  resendIntervalMs: 30_000,
  /** And at most this many per hour. */
  maxPerHour: 5,
} as const;

export const sessionPolicy = {
  /** Sliding lifetime: a session unused this long expires. */
  idleLifetimeMs: 30 * 24 * 3_600_000,
  /** last_seen_at is written at most this often, to keep reads cheap. */
  touchIntervalMs: 5 * 60_000,
} as const;

export type SignInResult =
  | (Extract<TVerifyCodeResponse, { status: 'signed_in' }> & { sessionToken: string; csrfToken: string })
  | Extract<TVerifyCodeResponse, { status: 'choose_account' }>;

export type AuthService = ReturnType<typeof createAuthService>;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const hashCode = (destination: string, code: string) => sha256(`${destination}:${code}`);
export const hashSessionToken = (token: string) => sha256(token);

const codeTexts: Record<Locale, { subject: string; email: (code: string) => string; sms: (code: string) => string }> = {
  ru: {
    subject: 'Код для входа в Парту',
    email: (code) => `Ваш код для входа в Парту: ${code}\n\nОн действует 10 минут. Никому его не сообщайте.\nЕсли вы не запрашивали код, просто проигнорируйте это письмо.`,
    sms: (code) => `Парта: код для входа ${code}. Никому его не сообщайте.`,
  },
  en: {
    subject: 'Your Parta sign-in code',
    email: (code) => `Your Parta sign-in code: ${code}\n\nIt is valid for 10 minutes. Do not share it with anyone.\nIf you did not ask for a code, ignore this message.`,
    sms: (code) => `Parta: your sign-in code is ${code}. Do not share it.`,
  },
};

export function createAuthService(deps: {
  db: Kysely<DB>;
  clock: Clock;
  mailer: Mailer;
  sms: SmsSender | null;
  bus: EventBus;
  people: PeopleService;
  onCodeSent?(channel: Destination['channel']): void;
  onDeliveryFailed?(channel: Destination['channel'], error: unknown): void;
}) {
  const { db, clock, mailer, sms, bus, people } = deps;

  function parseDestination(input: string): Destination {
    const destination = normalizeDestination(input);
    if (!destination) throw invalidField('destination', { ru: 'это не адрес электронной почты и не номер телефона', en: 'not an e-mail address or phone number' });
    if (destination.channel === 'phone' && !sms) throw invalidField('destination', { ru: 'вход по номеру телефона на этом сервере недоступен: укажите электронную почту', en: 'sign-in by phone is not available on this server; use e-mail' });
    return destination;
  }

  /** Sends a fresh code. The answer is the same whether or not an account exists. */
  async function requestCode(input: string, locale: Locale): Promise<TRequestCodeResponse> {
    const destination = parseDestination(input);
    const now = clock.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const inserted = await transaction(db, async (tx) => {
      const recent = await repository.listCodeSendTimes(tx.db, destination.value, new Date(now.getTime() - 3_600_000));
      const newest = recent[0];
      if (newest) {
        const sinceLast = now.getTime() - new Date(newest.created_at).getTime();
        if (sinceLast < signInCodePolicy.resendIntervalMs) throw rateLimited(Math.ceil((signInCodePolicy.resendIntervalMs - sinceLast) / 1000));
      }
      if (recent.length >= signInCodePolicy.maxPerHour) {
        const oldest = new Date(recent[recent.length - 1]!.created_at).getTime();
        throw rateLimited(Math.max(1, Math.ceil((oldest + 3_600_000 - now.getTime()) / 1000)));
      }
      await repository.supersedeCodes(tx.db, destination.value, now);
      return repository.insertCode(tx.db, {
        destination: destination.value,
        channel: destination.channel,
        codeHash: hashCode(destination.value, code),
        now,
        expiresAt: new Date(now.getTime() + signInCodePolicy.lifetimeMs),
      });
    });
    const texts = codeTexts[locale];
    try {
      if (destination.channel === 'email') await mailer.send({ to: destination.value, subject: texts.subject, text: texts.email(code) });
      else await sms!.send({ to: destination.value, text: texts.sms(code) });
    } catch (error) {
      // The provider refused or is down: the code must not exist (nobody can know it) nor count
      // against the person's resend limits.
      await repository.deleteCode(db, inserted.id);
      deps.onDeliveryFailed?.(destination.channel, error);
      throw new AppError(503, 'delivery_failed');
    }
    deps.onCodeSent?.(destination.channel);
    return { status: 'sent', channel: destination.channel, destination: destination.value, expiresInSeconds: signInCodePolicy.lifetimeMs / 1000 };
  }

  /** Checks a code; on success finds or creates the account and opens a session. */
  async function verifyCode(input: string, code: string, context: { userAgent: string | null; locale: Locale; accountId?: string | undefined }): Promise<SignInResult> {
    const destination = parseDestination(input);
    const now = clock.now();
    // A wrong attempt must be counted even though the request fails, so the transaction returns
    // the failure and it is thrown only after commit.
    const outcome = await transaction(db, async (tx) => {
      const active = await repository.findActiveCodeForUpdate(tx.db, destination.value);
      if (!active || new Date(active.expires_at) <= now || active.attempts >= signInCodePolicy.maxAttempts) {
        return { failure: new AppError(400, 'code_expired') };
      }
      const expected = Buffer.from(active.code_hash, 'hex');
      const actual = Buffer.from(hashCode(destination.value, code), 'hex');
      if (!timingSafeEqual(expected, actual)) {
        const attempts = await repository.recordFailedAttempt(tx.db, active.id);
        const attemptsLeft = signInCodePolicy.maxAttempts - attempts;
        return {
          failure: attemptsLeft > 0 ? new AppError(400, 'code_invalid', { params: { attemptsLeft } }) : new AppError(400, 'code_expired'),
        };
      }
      // A parent's e-mail may also open their young children's accounts: the person picks one,
      // and the code stays valid for that second request.
      const accounts = await people.signInAccounts(tx.db, destination.channel, destination.value);
      let chosen: UserRow | undefined;
      if (context.accountId !== undefined) {
        chosen = accounts.find((account) => account.id === context.accountId);
        if (!chosen) return { failure: invalidField('accountId', { ru: 'этот код не открывает выбранную учётную запись', en: 'this code does not open that account' }) };
      } else if (accounts.length > 1 || (accounts.length === 1 && accounts[0]!.guardian_email === destination.value && !accounts[0]!.email)) {
        const choices = accounts.map((account) => ({ id: account.id, displayName: account.display_name, isYoungStudent: account.email === null && account.phone === null }));
        return { result: { status: 'choose_account' as const, accounts: choices } };
      }
      await repository.consumeCode(tx.db, active.id, now);
      const { user, isNew } = chosen ? { user: chosen, isNew: false } : await people.findOrCreateByContact(tx, destination.channel, destination.value, context.locale);
      if (user.deactivated_at) return { failure: forbidden() };
      const sessionToken = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      await repository.insertSession(tx.db, {
        userId: user.id,
        tokenHash: hashSessionToken(sessionToken),
        csrfToken,
        userAgent: context.userAgent?.slice(0, 300) ?? null,
        now,
        expiresAt: new Date(now.getTime() + sessionPolicy.idleLifetimeMs),
      });
      return { result: { status: 'signed_in' as const, me: toMe(user), isNewAccount: isNew, sessionToken, csrfToken } };
    });
    if ('failure' in outcome) throw outcome.failure;
    return outcome.result;
  }

  /** The identity behind a session token, or null. Extends the session's idle lifetime as it is used. */
  async function authenticate(sessionToken: string): Promise<Identity | null> {
    if (sessionToken.length < 20 || sessionToken.length > 200) return null;
    const now = clock.now();
    const session = await repository.findLiveSession(db, hashSessionToken(sessionToken), now);
    if (!session) return null;
    if (now.getTime() - new Date(session.last_seen_at).getTime() > sessionPolicy.touchIntervalMs) {
      await repository.touchSession(db, session.id, now, new Date(now.getTime() + sessionPolicy.idleLifetimeMs));
    }
    return { userId: session.user_id, sessionId: session.id, csrfToken: session.csrf_token, isOperator: session.is_operator };
  }

  async function revoke(where: { sessionId: string } | { userId: string }): Promise<number> {
    const revoked = await transaction(db, async (tx) => {
      const ids = await repository.revokeSessions(tx.db, where, clock.now());
      // Open sockets of these sessions close on every node.
      tx.afterCommit(() => bus.publish([{ kind: 'sessions-revoked', sessionIds: ids }]));
      return ids;
    });
    return revoked.length;
  }

  return {
    requestCode,
    verifyCode,
    authenticate,
    signOut: (identity: Identity) => revoke({ sessionId: identity.sessionId }),
    signOutEverywhere: (identity: Identity) => revoke({ userId: identity.userId }),
  };
}
