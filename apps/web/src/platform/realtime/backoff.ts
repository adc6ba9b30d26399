export const initialReconnectDelayMs = 500;
export const maxReconnectDelayMs = 30_000;

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry): exponential from
 * 0.5 s, capped at 30 s, with ±25 % jitter so a whole school does not reconnect in lockstep
 * after a server restart.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, attempt), 16);
  const base = Math.min(maxReconnectDelayMs, initialReconnectDelayMs * 2 ** exponent);
  const jittered = base * (0.75 + random() * 0.5);
  return Math.round(Math.min(maxReconnectDelayMs, jittered));
}
