import type { Settled } from '../db/index.ts';

/**
 * Work per key, one batch at a time, in arrival order: whatever arrives for a key while its
 * batch runs goes into the next batch (up to `maxBatch`). With a bound on how much may wait in all.
 *
 * Sends to one chat are serialized by the database anyway (the chat's row is locked until
 * COMMIT). Queueing them here means a waiting send holds no database connection, so a busy chat
 * cannot starve the pool for everyone else; and the sends that piled up behind one transaction
 * commit together in the next (group commit), so a busy chat pays for one COMMIT and one lock
 * hand-over per batch, not per message. Past `maxPending` the node is over capacity:
 * `overloaded()` is thrown at once (a 503 with Retry-After) instead of letting requests pile up
 * until they time out and are retried on top of the backlog.
 */
export function createKeyedBatcher<W, R>(options: {
  maxPending: number;
  maxBatch: number;
  overloaded: () => Error;
  /** Runs one batch; answers one result per unit, in order. */
  execute: (key: string, units: W[]) => Promise<Settled<R>[]>;
}) {
  type Waiting = { unit: W; resolve: (value: R) => void; reject: (error: unknown) => void };
  const queues = new Map<string, Waiting[]>();
  let pending = 0;

  async function drain(key: string, queue: Waiting[]) {
    while (queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      let results: Settled<R>[];
      try {
        results = await options.execute(
          key,
          batch.map((waiting) => waiting.unit),
        );
      } catch (error) {
        results = batch.map(() => ({ ok: false, error }));
      }
      pending -= batch.length;
      batch.forEach((waiting, index) => {
        const result = results[index] ?? { ok: false, error: new Error('the batch answered fewer results than units') };
        if (result.ok) waiting.resolve(result.value);
        else waiting.reject(result.error);
      });
    }
    queues.delete(key);
  }

  return {
    submit(key: string, unit: W): Promise<R> {
      if (pending >= options.maxPending) return Promise.reject(options.overloaded());
      pending += 1;
      return new Promise<R>((resolve, reject) => {
        const queue = queues.get(key);
        if (queue) {
          queue.push({ unit, resolve, reject });
          return;
        }
        const fresh: Waiting[] = [{ unit, resolve, reject }];
        queues.set(key, fresh);
        void drain(key, fresh);
      });
    },
    /** Units waiting or running (for metrics and tests). */
    pending: () => pending,
  };
}
