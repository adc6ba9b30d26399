import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type AfterCommit = () => void | Promise<void>;

/** A unit of work: the Kysely transaction plus a hook that runs only once it has committed. */
export type Tx = {
  db: Transaction<DB>;
  afterCommit(callback: AfterCommit): void;
};

export type AfterCommitErrorReporter = (error: unknown) => void;

/**
 * Runs `work` in one database transaction. Callbacks registered with `tx.afterCommit` run after
 * COMMIT succeeds (never on rollback), in registration order; their failures are reported, not
 * thrown, because the change is already durable (events are re-read from the log by clients).
 */
export async function transaction<T>(
  db: Kysely<DB>,
  work: (tx: Tx) => Promise<T>,
  reportError: AfterCommitErrorReporter = (error) => console.error('after-commit callback failed', error),
): Promise<T> {
  const callbacks: AfterCommit[] = [];
  const result = await db.transaction().execute((trx) => work({ db: trx, afterCommit: (callback) => callbacks.push(callback) }));
  for (const callback of callbacks) {
    try {
      await callback();
    } catch (error) {
      reportError(error);
    }
  }
  return result;
}
