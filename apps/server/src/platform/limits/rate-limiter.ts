import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A sliding-window limit per key ("this person's sends"): at most `limit` takes within any
 * `windowMs`. In memory for one node; in Redis when several nodes must share the count.
 */
export type RateLimiter = {
  take(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision>;
};

export function createMemoryRateLimiter(): RateLimiter {
  const recent = new Map<string, number[]>();
  return {
    async take(key, limit, windowMs, nowMs) {
      const times = (recent.get(key) ?? []).filter((at) => at > nowMs - windowMs);
      if (times.length >= limit) return { allowed: false, retryAfterMs: times[0]! + windowMs - nowMs };
      times.push(nowMs);
      recent.set(key, times);
      if (recent.size > 10_000) for (const [other, list] of recent) if (list.every((at) => at <= nowMs - windowMs)) recent.delete(other);
      return { allowed: true };
    },
  };
}

/** Trims the window, counts, and either refuses (answering ms until a slot frees) or records the take (-1). */
const slidingWindowScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return -1`;

/**
 * The same limit kept in Redis (one sorted set per key, atomic in a script), so a person cannot
 * multiply it by reaching several nodes. If Redis does not answer, the take is allowed and the
 * failure reported: a limit is a brake, not a reason to stop a school's messages.
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, onError: (error: unknown) => void): RateLimiter {
  return {
    async take(key, limit, windowMs, nowMs) {
      try {
        const result = (await redis.eval(slidingWindowScript, 1, `${prefix}rate:${key}`, nowMs, windowMs, limit, `${nowMs}:${randomUUID()}`)) as number;
        return result < 0 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, result) };
      } catch (error) {
        onError(error);
        return { allowed: true };
      }
    },
  };
}
