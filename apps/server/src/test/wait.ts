/**
 * Polls `probe` until it returns a truthy value, or fails after `timeoutMs` naming what it waited for.
 * For conditions with no event to await (a server-side counter, a row appearing).
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 2_000, intervalMs = 10, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Rejects with a clear message when `promise` does not settle within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until a counter (packets received, say) has stayed the same for `quietMs`, and returns it;
 * fails after `timeoutMs` if it never stops moving. For "this stopped" checks that do not depend
 * on how long packets already on their way take to drain.
 */
export async function quiet(read: () => number, { quietMs = 500, timeoutMs = 5_000, what = 'the counter to stop' }: { quietMs?: number; timeoutMs?: number; what?: string } = {}): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let value = read();
  let since = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = performance.now();
    const current = read();
    if (current !== value) {
      value = current;
      since = now;
    } else if (now - since >= quietMs) {
      return value;
    }
    if (now >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (still moving: ${value})`);
  }
}
