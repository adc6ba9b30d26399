import type { SeqStore } from './realtime-client';

/**
 * lastSeq lives in memory and in sessionStorage (per tab, per person) so a reload resumes
 * instead of refetching everything; another person signing in on this tab starts fresh.
 */
export function createSessionSeqStore(storage: Storage | undefined, userId: string): SeqStore {
  const key = `parta.realtime.lastSeq.${userId}`;
  let memory: number | null = null;
  try {
    const stored = storage?.getItem(key);
    const parsed = stored == null ? NaN : Number(stored);
    memory = Number.isInteger(parsed) && parsed >= 0 ? parsed : null;
  } catch {
    memory = null;
  }
  return {
    load: () => memory,
    save(seq) {
      memory = seq;
      try {
        storage?.setItem(key, String(seq));
      } catch {
        // Quota or privacy mode: memory still works for this page.
      }
    },
  };
}

export function forgetStoredSeqs(storage: Storage | undefined): void {
  try {
    if (!storage) return;
    const keys = Array.from({ length: storage.length }, (_, index) => storage.key(index)).filter((key): key is string => key?.startsWith('parta.realtime.lastSeq.') ?? false);
    for (const key of keys) storage.removeItem(key);
  } catch {
    // Nothing sensitive is stored there; failing to clear is harmless.
  }
}
