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

/** Comma-separated ICE server URIs (RFC 7064/7065: `turn:host:port?transport=tcp`) of the given schemes. */
const iceUrls = (schemes: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => value.split(',').every((url) => new RegExp(`^(${schemes.join('|')}):[^\\s,/?]+(\\?transport=(udp|tcp))?$`).test(url.trim())),
      `must be one or more ${schemes.map((scheme) => `${scheme}:`).join(' or ')} URLs (host[:port][?transport=udp|tcp]), separated by commas`,
    )
    .transform((value) => value.split(',').map((url) => url.trim()));

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
  // Several nodes: events, typing and rate limits shared through Redis (one node without it).
  REDIS_URL: ZUrl(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits or _ . : -')
    .default('parta:'),
  PUBLIC_URL: ZUrl(['http:', 'https:']).optional(),
  SMTP_URL: ZUrl(['smtp:', 'smtps:']).optional(),
  SMTP_FROM: z.string().trim().min(3).default('Парта <no-reply@parta.local>'),
  OPERATOR_EMAIL: z.email('must be an e-mail address').default('operator@parta.local'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EVENT_RETENTION_HOURS: z.coerce.number({ error: 'must be a number' }).positive('must be positive').default(72),
  WEB_DIST_DIR: z.string().trim().min(1).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  // Files in an S3-compatible bucket when S3_BUCKET is set (which of them go together: s3Problems).
  S3_ENDPOINT: ZUrl(['http:', 'https:']).optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_BUCKET: z.string().trim().regex(/^[^\s/]+$/, 'must be a bucket name, without slashes or spaces').optional(),
  S3_ACCESS_KEY_ID: z.string().trim().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  S3_PREFIX: z.string().trim().optional(),
  // Group calls, lessons and broadcasts go through Janus: external instances (comma-separated
  // ws:// URLs), or a local one Parta starts when the `janus` binary is installed.
  JANUS_URL: z
    .string()
    .trim()
    .refine((value) => value.split(',').every((url) => /^wss?:\/\/[^\s,]+$/.test(url.trim())), 'must be one or more ws:// or wss:// URLs, separated by commas')
    .optional(),
  JANUS_API_SECRET: z.string().optional(),
  JANUS_AUTOSTART: z.enum(['true', 'false']).default('true'),
  JANUS_PUBLIC_IP: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address' }).optional(),
  // Broadcast viewers one Janus instance serves before further ones go to another instance of the
  // pool (measured: ~1 % of a core per viewer of 2 speakers, docs/benchmarks.md «broadcast»).
  BROADCAST_VIEWERS_PER_MEDIA_SERVER: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').default(200),
  // Watch-link look-ups and viewer sockets per client address per minute (a school behind one NAT address).
  BROADCAST_WATCH_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').default(600),
  // Browsers on networks that block UDP (many school networks) reach the media server through a
  // TURN server (coturn with `use-auth-secret`): its turn:/turns: URLs, the secret shared with it
  // (`static-auth-secret`), and how long the credentials Parta hands out stay valid. STUN_URLS:
  // optional stun: servers (a browser behind NAT learns its public address from them).
  TURN_URLS: iceUrls(['turn', 'turns']).optional(),
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_TTL_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(60, 'must be at least 60').max(604_800, 'must be at most 604800 (a week)').default(86_400),
  STUN_URLS: iceUrls(['stun', 'stuns']).optional(),
});

/** TURN_URLS without TURN_SECRET (or the other way round) hands browsers servers they cannot use. */
function turnProblems(env: Record<string, string | undefined>): string[] {
  if (env.TURN_URLS !== undefined && env.TURN_SECRET === undefined) return ['TURN_SECRET: required when TURN_URLS is set (the static-auth-secret of the TURN server)'];
  if (env.TURN_SECRET !== undefined && env.TURN_URLS === undefined) return ['TURN_URLS: not set, but TURN_SECRET is; set the TURN server’s turn: URLs, or unset TURN_SECRET'];
  return [];
}

const s3Variables = ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'] as const;

/** The S3 variables that must come together: with S3_BUCKET the keys, and none of them without it. */
function s3Problems(env: Record<string, string | undefined>): string[] {
  if (env.S3_BUCKET === undefined) {
    const set = s3Variables.filter((name) => env[name] !== undefined);
    return set.length === 0 ? [] : [`S3_BUCKET: not set, but ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'}; set S3_BUCKET to keep files in that bucket, or unset the S3_* variables to keep them on local disk`];
  }
  return (['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((name) => env[name] === undefined).map((name) => `${name}: required when S3_BUCKET is set`);
}

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
  /** Prefix of every Redis key and channel: several installations may share one Redis. */
  redisPrefix: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  smtpFrom: string;
  operatorEmail: string;
  logLevel: ConfigEnv['LOG_LEVEL'];
  eventRetentionMs: number;
  webDistDir: string | undefined;
  trustProxy: boolean;
  /** The bucket files are kept in; undefined to keep them on local disk under filesDir. */
  s3: S3Config | undefined;
  janus: {
    /** External Janus instances; empty to start a local one (when `autostart` and the binary is installed). */
    urls: string[];
    apiSecret: string | undefined;
    autostart: boolean;
    /** The address browsers reach the local Janus at (its nat_1_1_mapping); loopback only when unset. */
    publicIp: string | undefined;
  };
  /** Broadcast viewers one Janus instance serves before further viewers go to another instance (relayed). */
  broadcastViewersPerMediaServer: number;
  /** Watch-link look-ups and viewer sockets one client address may open per minute. */
  broadcastWatchPerMinute: number;
  /** STUN and TURN servers handed to browsers (RTCPeerConnection iceServers); see docs/subsystems/media.md. */
  ice: IceConfig;
};

export type IceConfig = {
  stunUrls: string[];
  /** Undefined without a TURN server. */
  turn: { urls: string[]; secret: string; ttlSeconds: number } | undefined;
};

export type S3Config = {
  /** Absent for AWS itself. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Without slashes at either end; undefined for none. */
  prefix: string | undefined;
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Variables whose values never appear in a configuration error. */
const secretVariables = new Set(['TURN_SECRET', 'JANUS_API_SECRET', 'S3_SECRET_ACCESS_KEY']);

/** Reads and validates configuration from an environment map (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty or blank strings mean "not set", as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = ZConfigEnv.safeParse(cleaned);
  const problems = [
    ...(parsed.error?.issues ?? []).map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      // A secret's value is not repeated: the message goes to the logs.
      const value = secretVariables.has(name) ? undefined : cleaned[name];
      return `${name}${value === undefined ? '' : `=${JSON.stringify(value)}`}: ${issue.message}`;
    }),
    ...s3Problems(cleaned),
    ...turnProblems(cleaned),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
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
    redisPrefix: e.REDIS_PREFIX,
    publicUrl,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    operatorEmail: e.OPERATOR_EMAIL.toLowerCase(),
    logLevel: e.LOG_LEVEL,
    eventRetentionMs: e.EVENT_RETENTION_HOURS * 3_600_000,
    webDistDir: e.WEB_DIST_DIR,
    trustProxy: e.TRUST_PROXY === 'true',
    s3: e.S3_BUCKET
      ? {
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          bucket: e.S3_BUCKET,
          accessKeyId: e.S3_ACCESS_KEY_ID!,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
          // Self-hosted servers rarely have a DNS name per bucket; AWS prefers bucket.host.
          forcePathStyle: e.S3_FORCE_PATH_STYLE ? e.S3_FORCE_PATH_STYLE === 'true' : e.S3_ENDPOINT !== undefined,
          prefix: e.S3_PREFIX?.replace(/^\/+|\/+$/g, '') || undefined,
        }
      : undefined,
    janus: {
      urls: e.JANUS_URL ? e.JANUS_URL.split(',').map((url) => url.trim()) : [],
      apiSecret: e.JANUS_API_SECRET,
      autostart: e.JANUS_AUTOSTART === 'true',
      publicIp: e.JANUS_PUBLIC_IP,
    },
    broadcastViewersPerMediaServer: e.BROADCAST_VIEWERS_PER_MEDIA_SERVER,
    broadcastWatchPerMinute: e.BROADCAST_WATCH_PER_MINUTE,
    ice: {
      stunUrls: e.STUN_URLS ?? [],
      turn: e.TURN_URLS && e.TURN_SECRET ? { urls: e.TURN_URLS, secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS } : undefined,
    },
  };
}
