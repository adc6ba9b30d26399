export { createMemoryRateLimiter, createRedisRateLimiter, type RateDecision, type RateLimiter } from './rate-limiter.ts';
export { createKeyedBatcher } from './keyed-batcher.ts';
