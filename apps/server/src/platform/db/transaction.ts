import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type AfterCommit = () => void | Promise<void>;

/** A unit of work: the Kysely transaction plus hooks that run just before and once it has committed. */
export type Tx = {
  db: Transaction<DB>;
  afterCommit(callback: AfterCommit): void;
  /**
   * Runs `callback` inside the transaction after `work` has finished, once per `key` however
   * often it is asked for: work that many steps of one transaction trigger but that should happen
   * once (bringing chats in step with a class roster after a whole import). A failure rolls back.
   */
  beforeCommit(key: string, callback: () => Promise<void>): void;
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
  const result = await db.transaction().execute(async (trx) => {
    const before = new Map<string, () => Promise<void>>();
    const value = await work({
      db: trx,
      afterCommit: (callback) => callbacks.push(callback),
      beforeCommit: (key, callback) => {
        if (!before.has(key)) before.set(key, callback);
      },
    });
    // A callback may ask for more (keys not seen yet run too, in order).
    const done = new Set<string>();
    for (let next = [...before].find(([key]) => !done.has(key)); next; next = [...before].find(([key]) => !done.has(key))) {
      done.add(next[0]);
      await next[1]();
    }
    return value;
  });
  for (const callback of callbacks) {
    try {
      await callback();
    } catch (error) {
      reportError(error);
    }
  }
  return result;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Several units of work in ONE database transaction (group commit): each runs in its own
 * savepoint, so one that fails is undone alone and the others still commit. Results are settled
 * only after COMMIT — a caller never acts on work that could still roll back — and the
 * after-commit callbacks of the units that succeeded run then, in order. If COMMIT itself fails,
 * every unit fails with that error. The units run one after another; `beforeCommit` is not
 * available to them (it would outlive a unit that is rolled back).
 */
export async function transactionBatch<T>(
  db: Kysely<DB>,
  works: ReadonlyArray<(tx: Tx) => Promise<T>>,
  reportError: AfterCommitErrorReporter = (error) => console.error('after-commit callback failed', error),
): Promise<Settled<T>[]> {
  const callbacks: AfterCommit[][] = [];
  let settled: Settled<T>[];
  try {
    settled = await db.transaction().execute(async (trx) => {
      const results: Settled<T>[] = [];
      for (const [index, work] of works.entries()) {
        const own: AfterCommit[] = [];
        const tx: Tx = {
          db: trx,
          afterCommit: (callback) => own.push(callback),
          beforeCommit: () => {
            throw new Error('beforeCommit is not available in a batched transaction');
          },
        };
        if (works.length === 1) {
          // Alone in its batch (the usual case when nothing waits): a failure rolls back the
          // whole transaction, which is that unit; no savepoint round trips needed.
          results.push({ ok: true, value: await work(tx) });
          callbacks.push(own);
          break;
        }
        await sql.raw(`SAVEPOINT unit_${index}`).execute(trx);
        try {
          results.push({ ok: true, value: await work(tx) });
          await sql.raw(`RELEASE SAVEPOINT unit_${index}`).execute(trx);
          callbacks.push(own);
        } catch (error) {
          await sql.raw(`ROLLBACK TO SAVEPOINT unit_${index}`).execute(trx);
          results.push({ ok: false, error });
        }
      }
      return results;
    });
  } catch (error) {
    return works.map(() => ({ ok: false, error }));
  }
  for (const callback of callbacks.flat()) {
    try {
      await callback();
    } catch (error) {
      reportError(error);
    }
  }
  return settled;
}
