import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Parta reads from the environment, validated once at start.
 * A bad value stops the process with one clear line per problem (see formatConfigErrors).
 */
const ZUrl = (protocols: string[]) =>
  z.string().trim().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const ZConfigEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number between 0 and 65535')
    .transform(Number)
    .pipe(z.number().min(0, 'must be between 0 and 65535').max(65535, 'must be between 0 and 65535'))
    .default(3000),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: ZUrl(['postgres:', 'postgresql:']).optional(),
  // The Redis event bus arrives with multi-node support; until then a set REDIS_URL is refused
  // (reported together with every other problem) rather than silently ignored.
  REDIS_URL: z
    .string()
    .refine(() => false, 'the Redis event bus is not available yet in this version; unset REDIS_URL to use the in-process bus (one server node)')
    .optional(),
  PUBLIC_URL: ZUrl(['http:', 'https:']).optional(),
  SMTP_URL: ZUrl(['smtp:', 'smtps:']).optional(),
  SMTP_FROM: z.string().trim().min(3).default('Парта <no-reply@parta.local>'),
  OPERATOR_EMAIL: z.email('must be an e-mail address').default('operator@parta.local'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EVENT_RETENTION_HOURS: z.coerce.number({ error: 'must be a number' }).positive('must be positive').default(72),
  WEB_DIST_DIR: z.string().trim().min(1).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
});

export type ConfigEnv = z.infer<typeof ZConfigEnv>;

export type Config = {
  nodeEnv: ConfigEnv['NODE_ENV'];
  isProduction: boolean;
  host: string;
  port: number;
  dataDir: string;
  filesDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  publicUrl: string;
  smtpUrl: string | undefined;
  smtpFrom: string;
  operatorEmail: string;
  logLevel: ConfigEnv['LOG_LEVEL'];
  eventRetentionMs: number;
  webDistDir: string | undefined;
  trustProxy: boolean;
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads and validates configuration from an environment map (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty or blank strings mean "not set", as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = ZConfigEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const value = cleaned[name];
        return `${name}${value === undefined ? '' : `=${JSON.stringify(value)}`}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    dataDir,
    filesDir: path.join(dataDir, 'files'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    publicUrl,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    operatorEmail: e.OPERATOR_EMAIL.toLowerCase(),
    logLevel: e.LOG_LEVEL,
    eventRetentionMs: e.EVENT_RETENTION_HOURS * 3_600_000,
    webDistDir: e.WEB_DIST_DIR,
    trustProxy: e.TRUST_PROXY === 'true',
  };
}
