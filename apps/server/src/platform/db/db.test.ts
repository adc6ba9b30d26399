import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { csrfCookieName, csrfHeaderName, sessionCookieName } from '@parta/contracts';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.ts';
import { openTestDatabase } from '../../test/harness.ts';
import { openEmptyTestDatabase } from '../../test/empty-database.ts';
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config/index.ts';
import { createEventLog, createInProcessBus } from '../realtime/index.ts';
import { migrate, openDatabase, readMigrations, transaction, transactionBatch, type Database } from './index.ts';

const tableExists = async (database: Database, name: string) =>
  (await sql<{ found: string | null }>`SELECT to_regclass(${name})::text AS found`.execute(database.db)).rows[0]!.found !== null;

const recordedMigrations = async (database: Database) =>
  (await sql<{ version: number; name: string; applied_at: Date }>`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`.execute(database.db)).rows;

describe('migrate', () => {
  const opened: { drop(): Promise<void> }[] = [];
  const empty = async () => {
    const database = await openEmptyTestDatabase();
    opened.push(database);
    return database;
  };
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.drop();
  });

  it('applies every migration once, in order, records each, and applies nothing the second time', async () => {
    const database = await empty();
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const versions = migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));

    expect(await migrate(database)).toEqual({ applied: versions });
    const recorded = await recordedMigrations(database);
    expect(recorded.map(({ version, name }) => ({ version: Number(version), name }))).toEqual(migrations.map(({ version, name }) => ({ version, name })));
    for (const row of recorded) expect(row.applied_at).toBeTruthy();
    for (const table of ['users', 'sessions', 'sign_in_codes', 'user_event_counters', 'events', 'user_event_entries', 'user_events']) expect(await tableExists(database, table), table).toBe(true);

    expect(await migrate(database)).toEqual({ applied: [] });
    expect(await recordedMigrations(database)).toEqual(recorded);
  });

  it('rolls a failing migration back entirely, records nothing, and applies it once fixed', async () => {
    const database = await empty();
    const migrations = await readMigrations();
    await migrate(database, migrations);
    const broken = { version: 9_000, name: 'broken', script: 'CREATE TABLE half_done (id integer); SELECT * FROM no_such_table;' };

    await expect(migrate(database, [...migrations, broken])).rejects.toThrow(/no_such_table/);
    expect(await tableExists(database, 'half_done')).toBe(false);
    expect((await recordedMigrations(database)).map((m) => Number(m.version))).not.toContain(9_000);

    const fixed = { ...broken, script: 'CREATE TABLE half_done (id integer);' };
    expect(await migrate(database, [...migrations, fixed])).toEqual({ applied: [9_000] });
    expect(await tableExists(database, 'half_done')).toBe(true);
  });

  it('moves the event log kept before 0007 over to one stored event per entry, readable as before', async () => {
    const database = await empty();
    const migrations = await readMigrations();
    await migrate(database, migrations.filter((m) => m.version < 7));
    const user = (await sql<{ id: string }>`INSERT INTO users (email) VALUES ('moved@school.test') RETURNING id`.execute(database.db)).rows[0]!.id;
    await sql`INSERT INTO user_event_counters (user_id, last_seq) VALUES (${user}, 2)`.execute(database.db);
    await sql`INSERT INTO user_events (user_id, seq, name, payload, created_at) VALUES
      (${user}, 1, 'profile.updated', '{"n":1}', '2026-11-01T10:00:00Z'), (${user}, 2, 'profile.updated', '{"n":2}', '2026-11-01T11:00:00Z')`.execute(database.db);
    await migrate(database, migrations);
    const log = createEventLog({ db: database.db, bus: createInProcessBus(), clock: systemClock });
    const result = await log.readSince(user, 0);
    expect(result).toEqual({
      status: 'ok',
      latestSeq: 2,
      hasMore: false,
      events: [
        { seq: 1, name: 'profile.updated', data: { n: 1 }, at: '2026-11-01T10:00:00.000Z' },
        { seq: 2, name: 'profile.updated', data: { n: 2 }, at: '2026-11-01T11:00:00.000Z' },
      ],
    });
    // Appending goes on from there, and pruning removes the old entries and their events.
    await transaction(database.db, (tx) => log.append(tx, [user], 'profile.updated', { me: { id: user } } as never));
    expect(await log.latestSeq(user)).toBe(3);
    expect(await log.prune(new Date('2026-11-02T00:00:00Z'))).toBe(2);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(database.db)).rows[0]!.n).toBe(1);
    expect(await log.readSince(user, 0)).toMatchObject({ status: 'resync' });
  });

  it('applies each migration exactly once when two nodes migrate at the same time', async () => {
    const database = await empty();
    const otherNode = await database.reopen();
    const versions = (await readMigrations()).map((m) => m.version);
    const [first, second] = await Promise.all([migrate(database), migrate(otherNode)]);
    expect([...first.applied, ...second.applied].sort((a, b) => a - b)).toEqual(versions);
    expect((await recordedMigrations(database)).map((m) => Number(m.version))).toEqual(versions);
  });

  describe('migration files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'parta-migrations-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads numbered files in order and refuses bad names and duplicate numbers', async () => {
      const good = path.join(dir, 'good');
      await mkdir(good);
      await writeFile(path.join(good, '0002_second.sql'), 'SELECT 2;');
      await writeFile(path.join(good, '0001_first.sql'), 'SELECT 1;');
      await writeFile(path.join(good, 'README.md'), 'not a migration');
      expect(await readMigrations(`${good}/`)).toEqual([
        { version: 1, name: 'first', script: 'SELECT 1;' },
        { version: 2, name: 'second', script: 'SELECT 2;' },
      ]);

      const badName = path.join(dir, 'bad-name');
      await mkdir(badName);
      await writeFile(path.join(badName, '1_Add Users.sql'), 'SELECT 1;');
      await expect(readMigrations(`${badName}/`)).rejects.toThrow(/0001_what_it_does\.sql/);

      const duplicate = path.join(dir, 'duplicate');
      await mkdir(duplicate);
      await writeFile(path.join(duplicate, '0001_one.sql'), 'SELECT 1;');
      await writeFile(path.join(duplicate, '0001_other.sql'), 'SELECT 1;');
      await expect(readMigrations(`${duplicate}/`)).rejects.toThrow(/two migrations numbered 1/);
    });
  });
});

describe('transaction', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const newEmail = () => `tx-${crypto.randomUUID()}@school.test`;
  const findUser = (email: string) => database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();

  it('commits a batch of units together; a unit that fails is undone alone, its after-commit work never runs', async () => {
    const [a, b, c] = [newEmail(), newEmail(), newEmail()];
    const log: string[] = [];
    const unit = (email: string, fail: boolean) => async (tx: Parameters<Parameters<typeof transaction>[1]>[0]) => {
      await tx.db.insertInto('users').values({ email }).execute();
      tx.afterCommit(async () => {
        log.push(`${email === a ? 'a' : email === b ? 'b' : 'c'} committed, visible: ${(await findUser(email)) !== undefined}`);
      });
      if (fail) throw new Error(`unit for ${email} refused`);
      return email;
    };
    const results = await transactionBatch(database.db, [unit(a, false), unit(b, true), unit(c, false)]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: expect.objectContaining({ message: `unit for ${b} refused` }) });
    expect(await findUser(a)).toBeDefined();
    expect(await findUser(b)).toBeUndefined();
    expect(await findUser(c)).toBeDefined();
    expect(log).toEqual(['a committed, visible: true', 'c committed, visible: true']);
  });

  it('fails every unit of a batch whose COMMIT fails', async () => {
    const email = newEmail();
    // A deferred check fails at COMMIT, after every unit succeeded.
    await sql`CREATE TABLE IF NOT EXISTS deferred_check (id integer PRIMARY KEY, parent integer REFERENCES deferred_check (id) DEFERRABLE INITIALLY DEFERRED)`.execute(database.db);
    const results = await transactionBatch(database.db, [
      async (tx) => {
        await tx.db.insertInto('users').values({ email }).execute();
      },
      async (tx) => {
        await sql`INSERT INTO deferred_check (id, parent) VALUES (1, 999)`.execute(tx.db);
      },
    ]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(await findUser(email)).toBeUndefined();
  });

  it('runs afterCommit callbacks after the commit, in registration order, before it resolves', async () => {
    const email = newEmail();
    const log: string[] = [];
    const result = await transaction(database.db, async (tx) => {
      tx.afterCommit(async () => {
        // Outside the transaction the row is already visible: the commit has happened.
        log.push(`first sees row: ${(await findUser(email)) !== undefined}`);
      });
      await tx.db.insertInto('users').values({ email }).execute();
      tx.afterCommit(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push('second (slow)');
      });
      tx.afterCommit(() => {
        log.push('third');
      });
      log.push('work done');
      return 'result';
    });
    expect(result).toBe('result');
    expect(log).toEqual(['work done', 'first sees row: true', 'second (slow)', 'third']);
  });

  it('never runs afterCommit callbacks when the work throws, and rolls the work back', async () => {
    const email = newEmail();
    const callback = vi.fn();
    const failure = new Error('changed my mind');
    await expect(
      transaction(database.db, async (tx) => {
        await tx.db.insertInto('users').values({ email }).execute();
        tx.afterCommit(callback);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(callback).not.toHaveBeenCalled();
    expect(await findUser(email)).toBeUndefined();
  });

  it('never runs afterCommit callbacks when a statement fails', async () => {
    const email = newEmail();
    await database.db.insertInto('users').values({ email }).execute();
    const callback = vi.fn();
    await expect(
      transaction(database.db, async (tx) => {
        tx.afterCommit(callback);
        await tx.db.insertInto('users').values({ email }).execute(); // unique violation
      }),
    ).rejects.toThrow();
    expect(callback).not.toHaveBeenCalled();
  });

  it('reports a failing callback instead of throwing, and still runs the later ones', async () => {
    const reported: unknown[] = [];
    const boom = new Error('publish failed');
    const later = vi.fn();
    const result = await transaction(
      database.db,
      async (tx) => {
        tx.afterCommit(() => {
          throw boom;
        });
        tx.afterCommit(() => Promise.reject(new Error('async failure')));
        tx.afterCommit(later);
        return 42;
      },
      (error) => reported.push(error),
    );
    expect(result).toBe(42);
    expect(reported).toEqual([boom, new Error('async failure')]);
    expect(later).toHaveBeenCalledOnce();
  });
});

describe('persistence across a restart (PGlite on disk)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'parta-restart-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** What main.ts does, on a data directory: open, migrate, build. */
  async function start() {
    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pg') });
    const { applied } = await migrate(database);
    const parta = await buildApp({ config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }), database, logger: false });
    await parta.app.ready();
    return {
      ...parta,
      applied,
      async stop() {
        await parta.app.close();
        await database.close();
      },
    };
  }

  it('keeps accounts, sessions and events: the session cookie still authenticates after reopening', async () => {
    const destination = 'restart@school.test';
    const first = await start();
    let cookie: string;
    let csrfToken: string;
    let userId: string;
    try {
      expect(first.applied.length).toBeGreaterThan(0);
      expect((await first.app.inject({ method: 'POST', url: '/api/auth/code', payload: { destination } })).statusCode).toBe(200);
      const code = first.outbox!.list().find((m) => m.to === destination)!.text.match(/\b(\d{6})\b/)![1]!;
      const verified = await first.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code } });
      expect(verified.statusCode).toBe(200);
      const session = verified.cookies.find((c) => c.name === sessionCookieName)!.value;
      csrfToken = verified.cookies.find((c) => c.name === csrfCookieName)!.value;
      cookie = `${sessionCookieName}=${session}`;
      userId = verified.json().me.id;
      const renamed = await first.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName: 'До перезапуска' }, headers: { cookie, [csrfHeaderName]: csrfToken } });
      expect(renamed.statusCode).toBe(200);
    } finally {
      await first.stop();
    }

    const second = await start();
    try {
      expect(second.applied).toEqual([]);
      const me = await second.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ id: userId, email: destination, displayName: 'До перезапуска' });
      expect(await second.eventLog.readSince(userId, 0)).toMatchObject({ status: 'ok', latestSeq: 1, events: [{ seq: 1, name: 'profile.updated' }] });
      // The CSRF token is part of the stored session too.
      const again = await second.app.inject({ method: 'PATCH', url: '/api/me', payload: { displayName: 'После' }, headers: { cookie, [csrfHeaderName]: csrfToken } });
      expect(again.statusCode).toBe(200);
      expect(await second.eventLog.latestSeq(userId)).toBe(2);
    } finally {
      await second.stop();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a PostgreSQL connection lost under a request (skipped without TEST_DATABASE_URL: needs a server to kill connections on)', () => {
  it('fails that transaction, keeps the process alive and serves the next request on a fresh connection', async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const database = await openDatabase({ kind: 'postgres', url, maxConnections: 2 });
    const admin = await openDatabase({ kind: 'postgres', url, maxConnections: 1 });
    try {
      const lost = transaction(database.db, async (tx) => {
        const { pid } = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx.db)).rows[0]!;
        // Killed while checked out, as a PostgreSQL restart does: the driver emits 'error' on the
        // client, which would be an uncaught exception (the process exits) without a listener.
        await sql`SELECT pg_terminate_backend(${pid})`.execute(admin.db);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`SELECT 1`.execute(tx.db);
      });
      await expect(lost).rejects.toThrow();
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
      await admin.close();
    }
  });
});
