/** Errors seen by the test's clients, counted by kind (status, error code, close code), overall and per phase. */
export class ErrorCounts {
  readonly total = new Map<string, number>();
  private phase = new Map<string, number>();
  readonly byPhase = new Map<string, Map<string, number>>();

  /** Starts counting into a new phase (the counts so far stay under the previous one). */
  enterPhase(name: string) {
    this.phase = new Map();
    this.byPhase.set(name, this.phase);
  }

  add(kind: string) {
    this.total.set(kind, (this.total.get(kind) ?? 0) + 1);
    this.phase.set(kind, (this.phase.get(kind) ?? 0) + 1);
  }

  static toObject(counts: Map<string, number> | undefined) {
    return Object.fromEntries([...(counts ?? [])].sort((a, b) => b[1] - a[1]));
  }
}

/** A short, stable name for a network error: its code (ECONNREFUSED…), a timeout, or its message without numbers. */
export function errorKind(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null)) {
    const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
    if (name === 'TimeoutError') return 'timeout';
    if (typeof code === 'string' && code) return code;
    if (typeof message === 'string') return message.replace(/\d+(\.\d+)*/g, 'N').slice(0, 80);
  }
  return String(error).slice(0, 80);
}

/** Jittered exponential back-off: between half and all of base·2^attempt, capped. */
export function backoffMs(attempt: number, baseMs = 100, capMs = 2_000) {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}
