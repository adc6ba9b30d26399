import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** The code that can still be used for a destination: the newest one, not consumed or superseded. */
export function findActiveCodeForUpdate(db: Transaction<DB>, destination: string) {
  return db
    .selectFrom('sign_in_codes')
    .selectAll()
    .where('destination', '=', destination)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Send times of codes for a destination since `since`, newest first (for the per-destination limits). */
export function listCodeSendTimes(db: Executor, destination: string, since: Date) {
  return db
    .selectFrom('sign_in_codes')
    .select('created_at')
    .where('destination', '=', destination)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function supersedeCodes(db: Transaction<DB>, destination: string, now: Date) {
  await db
    .updateTable('sign_in_codes')
    .set({ superseded_at: now })
    .where('destination', '=', destination)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute();
}

/** Removes a code that never reached its recipient, so it neither counts nor blocks a new request. */
export async function deleteCode(db: Executor, codeId: string) {
  await db.deleteFrom('sign_in_codes').where('id', '=', codeId).execute();
}

export function insertCode(db: Transaction<DB>, values: { destination: string; channel: 'email' | 'phone'; codeHash: string; now: Date; expiresAt: Date }) {
  return db
    .insertInto('sign_in_codes')
    .values({ destination: values.destination, channel: values.channel, code_hash: values.codeHash, created_at: values.now, expires_at: values.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function recordFailedAttempt(db: Transaction<DB>, codeId: string): Promise<number> {
  const row = await db
    .updateTable('sign_in_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', codeId)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return row.attempts;
}

export async function consumeCode(db: Transaction<DB>, codeId: string, now: Date) {
  await db.updateTable('sign_in_codes').set({ consumed_at: now }).where('id', '=', codeId).execute();
}

export function insertSession(
  db: Executor,
  values: { userId: string; tokenHash: string; csrfToken: string; userAgent: string | null; now: Date; expiresAt: Date },
) {
  return db
    .insertInto('sessions')
    .values({
      user_id: values.userId,
      token_hash: values.tokenHash,
      csrf_token: values.csrfToken,
      user_agent: values.userAgent,
      created_at: values.now,
      last_seen_at: values.now,
      expires_at: values.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A live session with its user, by token hash; null when unknown, revoked, expired or the user is deactivated. */
export function findLiveSession(db: Executor, tokenHash: string, now: Date) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.user_id', 'sessions.csrf_token', 'sessions.last_seen_at', 'users.is_operator'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, sessionId: string, now: Date, expiresAt: Date) {
  await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', sessionId).execute();
}

/** Revokes the given session, or every live session of the user; returns the revoked ids. */
export async function revokeSessions(db: Executor, where: { sessionId: string } | { userId: string }, now: Date): Promise<string[]> {
  let query = db.updateTable('sessions').set({ revoked_at: now }).where('revoked_at', 'is', null);
  query = 'sessionId' in where ? query.where('id', '=', where.sessionId) : query.where('user_id', '=', where.userId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}
