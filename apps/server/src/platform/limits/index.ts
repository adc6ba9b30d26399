export { createMemoryRateLimiter, createRedisRateLimiter, type RateDecision, type RateLimiter } from './rate-limiter.ts';
export { createKeyedQueue } from './keyed-queue.ts';
