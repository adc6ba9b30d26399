import { describe, expect, it } from 'vitest';
import { maxReconnectDelayMs, reconnectDelayMs } from './backoff';

describe('reconnectDelayMs', () => {
  it('starts around half a second and doubles', () => {
    const middle = () => 0.5; // no jitter
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, middle))).toEqual([500, 1000, 2000, 4000]);
  });

  it('jitters within ±25 %', () => {
    expect(reconnectDelayMs(2, () => 0)).toBe(1500);
    expect(reconnectDelayMs(2, () => 0.999999)).toBe(2500);
  });

  it('never waits longer than 30 s, however many attempts failed', () => {
    for (const attempt of [6, 7, 10, 50, 10_000]) {
      expect(reconnectDelayMs(attempt, () => 0.999999)).toBeLessThanOrEqual(maxReconnectDelayMs);
    }
    expect(reconnectDelayMs(50, () => 0.5)).toBe(maxReconnectDelayMs);
  });
});
