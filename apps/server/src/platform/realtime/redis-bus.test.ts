import { afterEach, describe, expect, it, vi } from 'vitest';
import { redactUrl, throttleReports } from './redis-bus.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('Redis bus helpers', () => {
  it('reports a reconnecting Redis at most once per interval', () => {
    vi.useFakeTimers();
    const reported: string[] = [];
    const report = throttleReports((_error, what) => reported.push(what), 5_000);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      report(new Error('ECONNREFUSED'), `attempt ${attempt}`);
      vi.advanceTimersByTime(500); // ioredis retries every few hundred milliseconds
    }
    expect(reported).toEqual(['attempt 0', 'attempt 10']);
  });

  it('never puts a password in a message', () => {
    expect(redactUrl('redis://user:s3cret@cache.example:6379/0')).toBe('redis://user:***@cache.example:6379/0');
    expect(redactUrl('not a url')).toBe('the configured URL');
  });
});
