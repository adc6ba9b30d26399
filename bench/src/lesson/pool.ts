/**
 * Devices joining, `concurrency` at a time, each until its first frame: the time each took, and
 * the failures counted by reason (a student joining a lesson, a viewer opening a broadcast).
 */
export async function joinEach<T>(items: T[], concurrency: number, joinOne: (item: T) => Promise<number>) {
  const waiting = [...items].reverse();
  const failures: Record<string, number> = {};
  const joinToFirstFrameMs: number[] = [];
  const next = async () => {
    for (let item = waiting.pop(); item !== undefined; item = waiting.pop()) {
      try {
        joinToFirstFrameMs.push(Math.round(await joinOne(item)));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, next));
  return { joined: joinToFirstFrameMs.length, failures, joinToFirstFrameMs };
}

/** `promise`, or a rejection with `message` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(message)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}
