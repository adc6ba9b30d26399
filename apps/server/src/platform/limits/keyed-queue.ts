/**
 * Runs work one at a time per key, in arrival order, with a bound on how much may wait in all.
 *
 * Sends to one chat are serialized by the database anyway (the chat's row is locked until
 * COMMIT); queueing them here first means a waiting send holds no database connection, so a busy
 * chat cannot starve the pool for everyone else. Past `maxPending` the node is over capacity:
 * `overloaded()` is thrown at once (a 503 with Retry-After) instead of letting requests pile up
 * until they time out and are retried on top of the backlog.
 */
export function createKeyedQueue(options: { maxPending: number; overloaded: () => Error }) {
  const tails = new Map<string, Promise<void>>();
  let pending = 0;
  return {
    async run<T>(key: string, work: () => Promise<T>): Promise<T> {
      if (pending >= options.maxPending) throw options.overloaded();
      pending += 1;
      const previous = tails.get(key);
      let done!: () => void;
      const tail = new Promise<void>((resolve) => (done = resolve));
      tails.set(key, tail);
      try {
        if (previous) await previous;
        return await work();
      } finally {
        pending -= 1;
        done();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
    /** Work waiting or running (for metrics and tests). */
    pending: () => pending,
  };
}
