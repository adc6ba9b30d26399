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
      publicUrl: 'http://localhost:3000',
      smtpUrl: undefined,
      smtpFrom: 'Парта <no-reply@parta.local>',
      operatorEmail: 'operator@parta.local',
      logLevel: 'info',
      eventRetentionMs: 72 * 3_600_000,
      webDistDir: undefined,
      trustProxy: false,
    });
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

  it('refuses REDIS_URL with a clear "not yet supported" message', () => {
    const problems = problemsOf({ REDIS_URL: 'redis://localhost:6379' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^REDIS_URL\b/);
    expect(problems[0]).toMatch(/not available yet/);
    expect(problems[0]).toMatch(/unset REDIS_URL/);
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
    const problems = problemsOf({ PORT: 'abc', REDIS_URL: 'redis://localhost:6379' });
    expect(problems.some((p) => p.startsWith('REDIS_URL'))).toBe(true);
  });
});
