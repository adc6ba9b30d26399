import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** The ConfigError loadConfig throws for `env`; fails the test when it does not throw one. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).toContain('Invalid configuration');
    for (const problem of configError.problems) expect(configError.message).toContain(problem);
    return configError.problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('starts on embedded defaults with an empty environment', () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: 'development',
      isProduction: false,
      host: '127.0.0.1',
      port: 3000,
      dataDir: path.resolve('./data'),
      filesDir: path.join(path.resolve('./data'), 'files'),
      databaseUrl: undefined,
      redisUrl: undefined,
      redisPrefix: 'parta:',
      publicUrl: 'http://localhost:3000',
      smtpUrl: undefined,
      smtpFrom: 'Парта <no-reply@parta.local>',
      operatorEmail: 'operator@parta.local',
      logLevel: 'info',
      eventRetentionMs: 72 * 3_600_000,
      webDistDir: undefined,
      trustProxy: false,
      s3: undefined,
      janus: { urls: [], apiSecret: undefined, autostart: true, publicIp: undefined },
      broadcastViewersPerMediaServer: 200,
      broadcastWatchPerMinute: 600,
      ice: { stunUrls: [], turn: undefined },
    });
  });

  it('reads STUN and TURN servers for browsers, and refuses a TURN server without its secret or URLs that are not stun:/turn:', () => {
    const secret = 'a-long-shared-secret-42';
    expect(loadConfig({ TURN_URLS: 'turn:turn.school.example:3478?transport=udp, turns:turn.school.example:443?transport=tcp', TURN_SECRET: secret, STUN_URLS: 'stun:stun.school.example' }).ice).toEqual({
      stunUrls: ['stun:stun.school.example'],
      turn: { urls: ['turn:turn.school.example:3478?transport=udp', 'turns:turn.school.example:443?transport=tcp'], secret, ttlSeconds: 86_400 },
    });
    expect(loadConfig({ TURN_URLS: 'turn:192.0.2.10', TURN_SECRET: secret, TURN_TTL_SECONDS: '600' }).ice.turn?.ttlSeconds).toBe(600);
    expect(problemsOf({ TURN_URLS: 'turn:turn.school.example' })).toEqual(['TURN_SECRET: required when TURN_URLS is set (the static-auth-secret of the TURN server)']);
    expect(problemsOf({ TURN_SECRET: secret })).toEqual([expect.stringMatching(/^TURN_URLS: not set/)]);
    expect(problemsOf({ TURN_URLS: 'https://turn.school.example', TURN_SECRET: secret })).toEqual([expect.stringMatching(/^TURN_URLS="https:\/\/turn.school.example": must be one or more turn: or turns: URLs/)]);
    // The secret itself is not repeated in the message (it goes to the logs).
    expect(problemsOf({ TURN_URLS: 'turn:turn.school.example', TURN_SECRET: 'short' })).toEqual(['TURN_SECRET: must be at least 16 characters']);
    expect(problemsOf({ STUN_URLS: 'turn:turn.school.example' })).toEqual([expect.stringMatching(/^STUN_URLS=.*stun:/)]);
    expect(problemsOf({ TURN_URLS: 'turn:t.example', TURN_SECRET: secret, TURN_TTL_SECONDS: '5' })).toEqual([expect.stringMatching(/^TURN_TTL_SECONDS="5": must be at least 60/)]);
  });

  it('reads how many broadcast viewers one media server serves, and refuses what is not a positive whole number', () => {
    expect(loadConfig({ BROADCAST_VIEWERS_PER_MEDIA_SERVER: '1000', BROADCAST_WATCH_PER_MINUTE: '5000' })).toMatchObject({ broadcastViewersPerMediaServer: 1000, broadcastWatchPerMinute: 5000 });
    for (const name of ['BROADCAST_VIEWERS_PER_MEDIA_SERVER', 'BROADCAST_WATCH_PER_MINUTE']) {
      for (const value of ['0', '-5', '2.5', 'many']) expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(name));
    }
  });

  it('reads a pool of external Janus instances, or settings for the local one, and refuses what is not', () => {
    expect(loadConfig({ JANUS_URL: 'ws://10.0.0.5:8188, wss://media.school.example/janus' }).janus.urls).toEqual(['ws://10.0.0.5:8188', 'wss://media.school.example/janus']);
    expect(loadConfig({ JANUS_AUTOSTART: 'false', JANUS_PUBLIC_IP: '203.0.113.7' }).janus).toMatchObject({ autostart: false, publicIp: '203.0.113.7' });
    const problems = (() => {
      try {
        loadConfig({ JANUS_URL: 'http://10.0.0.5:8088', JANUS_PUBLIC_IP: 'media.example', JANUS_AUTOSTART: 'yes' });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems.map((p) => p.split('=')[0]).sort()).toEqual(['JANUS_AUTOSTART', 'JANUS_PUBLIC_IP', 'JANUS_URL']);
    expect(problems.find((p) => p.startsWith('JANUS_URL'))).toContain('ws:// or wss://');
  });

  it('reads valid values, normalizing where it should', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '8080',
      DATA_DIR: '/var/lib/parta',
      DATABASE_URL: 'postgresql://parta@db:5432/parta',
      PUBLIC_URL: 'https://school.example/',
      SMTP_URL: 'smtps://user:pass@mail.example:465',
      OPERATOR_EMAIL: 'Admin@School.Example',
      LOG_LEVEL: 'warn',
      EVENT_RETENTION_HOURS: '1.5',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      isProduction: true,
      host: '0.0.0.0',
      port: 8080,
      dataDir: '/var/lib/parta',
      filesDir: '/var/lib/parta/files',
      databaseUrl: 'postgresql://parta@db:5432/parta',
      publicUrl: 'https://school.example', // no trailing slash: URLs are built by appending paths
      smtpUrl: 'smtps://user:pass@mail.example:465',
      operatorEmail: 'admin@school.example',
      logLevel: 'warn',
      eventRetentionMs: 1.5 * 3_600_000,
      trustProxy: true,
    });
  });

  it('derives the public URL from the port when PUBLIC_URL is not set', () => {
    expect(loadConfig({ PORT: '4000' }).publicUrl).toBe('http://localhost:4000');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '1.5'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['PUBLIC_URL', 'notaurl'],
    ['PUBLIC_URL', 'ftp://school.example'],
    ['SMTP_URL', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'prod'],
    ['OPERATOR_EMAIL', 'not-an-email'],
    ['EVENT_RETENTION_HOURS', '0'],
    ['EVENT_RETENTION_HOURS', 'forever'],
    ['TRUST_PROXY', 'yes'],
    ['REDIS_URL', 'http://x'],
    ['REDIS_PREFIX', 'has spaces'],
  ])('refuses %s=%s with one problem naming the variable and the value', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}=`));
    expect(problems[0]).toContain(JSON.stringify(value));
    expect(problems[0]!.length).toBeGreaterThan(`${name}=${JSON.stringify(value)}: `.length); // and says what is wrong
  });

  it('says what a URL must look like', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toContain('postgres://');
    expect(problemsOf({ SMTP_URL: 'http://x' })[0]).toContain('smtp://');
    expect(problemsOf({ PUBLIC_URL: 'notaurl' })[0]).toContain('http://');
  });

  it('reports several bad values at once, one problem each', () => {
    const bad = { PORT: 'abc', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'notaurl', SMTP_URL: 'http://x', LOG_LEVEL: 'loud' };
    const problems = problemsOf({ ...bad, HOST: 'fine.example' });
    expect(problems).toHaveLength(Object.keys(bad).length);
    for (const [name, value] of Object.entries(bad)) {
      expect(problems.filter((p) => p.startsWith(`${name}=${JSON.stringify(value)}:`)), name).toHaveLength(1);
    }
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', HOST: '', DATABASE_URL: '', PUBLIC_URL: '', SMTP_URL: '', REDIS_URL: '', LOG_LEVEL: '', NODE_ENV: '', DATA_DIR: '', EVENT_RETENTION_HOURS: '' });
    expect(config).toEqual(loadConfig({}));
  });

  it('ignores variables that are present but undefined', () => {
    expect(loadConfig({ PORT: undefined, DATABASE_URL: undefined })).toEqual(loadConfig({}));
  });

  it('takes a Redis URL for several nodes, with a key prefix', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' })).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379/2', redisPrefix: 'parta:' });
    expect(loadConfig({ REDIS_URL: 'rediss://cache.example:6380', REDIS_PREFIX: 'school-7:' })).toMatchObject({ redisPrefix: 'school-7:' });
    expect(problemsOf({ REDIS_URL: 'http://x' })[0]).toContain('redis://');
  });

  it('is not fooled by whitespace around values', () => {
    expect(loadConfig({ PORT: ' 8080 ', DATABASE_URL: ' postgres://db/parta ' })).toMatchObject({ port: 8080, databaseUrl: 'postgres://db/parta' });
    expect(loadConfig({ DATA_DIR: '   ' }).dataDir).toBe(loadConfig({}).dataDir);
  });

  it('reports PORT=-1 as out of range, not as "not a number"', () => {
    expect(problemsOf({ PORT: '-1' })).toEqual(['PORT="-1": must be between 0 and 65535']);
  });

  it('treats a PORT of only spaces as unset (the default port), never as port 0', () => {
    expect(loadConfig({ PORT: '   ' }).port).toBe(3000);
  });

  it('reports REDIS_URL together with the other wrong variables', () => {
    const problems = problemsOf({ PORT: 'abc', REDIS_URL: 'localhost:6379' });
    expect(problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'REDIS_URL']);
  });

  describe('S3 object storage', () => {
    const bucketOnly = { S3_BUCKET: 'parta-files', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', S3_SECRET_ACCESS_KEY: 'secret/with+signs' };

    it('keeps files on local disk unless S3_BUCKET is set', () => {
      expect(loadConfig({}).s3).toBeUndefined();
    });

    it('reads an AWS bucket: default region, virtual-hosted style, no prefix', () => {
      expect(loadConfig(bucketOnly).s3).toEqual({
        endpoint: undefined,
        region: 'us-east-1',
        bucket: 'parta-files',
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'secret/with+signs',
        forcePathStyle: false,
        prefix: undefined,
      });
    });

    it('reads an S3-compatible server: path style by default, which S3_FORCE_PATH_STYLE overrides; the prefix without its slashes', () => {
      const env = { ...bucketOnly, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_REGION: 'ru-central1', S3_PREFIX: '/school-5/' };
      expect(loadConfig(env).s3).toMatchObject({ endpoint: 'http://127.0.0.1:9000', region: 'ru-central1', forcePathStyle: true, prefix: 'school-5' });
      expect(loadConfig({ ...env, S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle).toBe(false);
      expect(loadConfig({ ...bucketOnly, S3_FORCE_PATH_STYLE: 'true' }).s3?.forcePathStyle).toBe(true);
    });

    it('requires the access key and the secret with a bucket, one problem each', () => {
      expect(problemsOf({ S3_BUCKET: 'parta-files' })).toEqual(['S3_ACCESS_KEY_ID: required when S3_BUCKET is set', 'S3_SECRET_ACCESS_KEY: required when S3_BUCKET is set']);
      expect(problemsOf({ S3_BUCKET: 'parta-files', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', S3_SECRET_ACCESS_KEY: '  ' })).toEqual(['S3_SECRET_ACCESS_KEY: required when S3_BUCKET is set']);
    });

    it('refuses S3 settings without S3_BUCKET in one problem naming S3_BUCKET', () => {
      const problems = problemsOf({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE' });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^S3_BUCKET: not set, but S3_ENDPOINT, S3_ACCESS_KEY_ID are;/);
      expect(problemsOf({ S3_REGION: 'eu-west-1' })).toEqual([expect.stringMatching(/^S3_BUCKET: not set, but S3_REGION is;/)]);
    });

    it.each([
      ['S3_ENDPOINT', 'minio:9000'],
      ['S3_BUCKET', 's3://parta-files'],
      ['S3_FORCE_PATH_STYLE', 'yes'],
    ])('refuses %s=%s naming the value', (name, value) => {
      const problems = problemsOf({ ...bucketOnly, [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}=${JSON.stringify(value).replace(/[/.]/g, '\\$&')}: .+`));
    });

    it('reports S3 problems together with the other wrong variables, never echoing the secret', () => {
      const problems = problemsOf({ PORT: 'abc', S3_BUCKET: 'parta-files', S3_SECRET_ACCESS_KEY: 'do-not-print' });
      expect(problems.map((p) => p.split(/[=:]/)[0])).toEqual(['PORT', 'S3_ACCESS_KEY_ID']);
      expect(problems.join('\n')).not.toContain('do-not-print');
    });
  });
});
