import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { DB } from './schema.ts';

/** Runs raw SQL scripts (several statements) inside one transaction; used by the migrator only. */
export type ScriptTransaction = {
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
};

export type Database = {
  kind: 'pglite' | 'postgres';
  db: Kysely<DB>;
  /** Runs `work` in a transaction that holds the migration lock (an advisory lock on PostgreSQL). */
  withScriptTransaction(work: (tx: ScriptTransaction) => Promise<void>): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string; schema?: string; maxConnections?: number };

const migrationLockKey = 7_340_215; // arbitrary, constant: one migrator at a time across nodes

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'pglite' ? openPglite(options.dataDir) : openPostgres(options);
}

/**
 * Creates a PGlite data directory in a short-lived child process. initdb runs in its own
 * WebAssembly module that leaves ~500 MB behind in the process that ran it (WebAssembly memory
 * never shrinks); in a child, that memory is returned the moment it exits.
 */
async function initializePgliteDataDir(dataDir: string): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `require(${JSON.stringify(entry)}).PGlite.create(${JSON.stringify(dataDir)}).then((db) => db.close()).catch((error) => { console.error(error); process.exit(1); });`;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=commonjs', '-e', script], { timeout: 120_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${dataDir}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  // Imported here so a server on PostgreSQL never loads the WebAssembly build (and vice versa).
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
  // No dataDir means in-memory: used by tests, one fresh database per suite.
  if (dataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initializePgliteDataDir(dataDir);
  // PostgreSQL's default 128 MB of shared buffers would be resident in this process; the OS page
  // cache serves PGlite's reads anyway, so a few MB are enough (see docs/benchmarks.md, startup).
  const client = await PGlite.create(dataDir, { postgresqlconf: 'shared_buffers = 4MB' });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return {
    kind: 'pglite',
    db,
    async withScriptTransaction(work) {
      // PGlite is a single connection; Kysely's driver queues other queries meanwhile only for
      // its own connections, so migrations run before the server accepts any request.
      await client.transaction(async (tx) => {
        await work({
          exec: async (script) => {
            await tx.exec(script);
          },
          query: async <Row>(text: string, params: unknown[] = []) => (await tx.query<Row>(text, params)).rows,
        });
      });
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPostgres(options: { url: string; schema?: string; maxConnections?: number }): Promise<Database> {
  const { default: pgModule } = await import('pg');
  const poolConfig: pg.PoolConfig = {
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
  };
  if (options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
    poolConfig.options = `-c search_path=${options.schema}`;
  }
  const pool = new pgModule.Pool(poolConfig);
  // A client losing its server (PostgreSQL restarting, a connection killed) must not crash the
  // process. pg emits 'error' on the client; while it sits idle in the pool, the pool listens,
  // drops it and re-emits the error here. While it is checked out (a transaction between two
  // statements, or one waiting for its answer) nobody else listens: an 'error' without a
  // listener would throw and kill the process. Its own query fails anyway (the request answers
  // 5xx and the client retries), and on release the pool discards it as no longer queryable.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingStatements(pool) }) });
  return {
    kind: 'postgres',
    db,
    async withScriptTransaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
        await work({
          // Without parameters node-postgres uses the simple protocol, which accepts several statements.
          exec: async (script) => {
            await client.query(script);
          },
          query: async <Row>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as Row[],
        });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** The database the configuration names: PostgreSQL at DATABASE_URL, or embedded PGlite under DATA_DIR/pg. */
export function openConfiguredDatabase(config: { databaseUrl: string | undefined; dataDir: string }): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : openDatabase({ kind: 'pglite', dataDir: `${config.dataDir}/pg` });
}

/** Distinct statements kept prepared on each connection; statements beyond are sent unnamed. */
const maxPreparedStatements = 300;

/**
 * The pool as Kysely sees it, with every statement that has parameters sent as a named (prepared)
 * statement: PostgreSQL parses and plans it once per connection instead of on every execution,
 * which was about half of the database's CPU per message (docs/benchmarks.md, send-throughput).
 * Names are given per distinct SQL text, at most `maxPreparedStatements` (texts that vary, like
 * `IN` lists of every length, stop being named once the budget is spent).
 */
function preparingStatements(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < maxPreparedStatements) names.set(text, (name = `parta_${names.size}`));
    return name;
  };
  const wrapped = new WeakMap<pg.PoolClient, unknown>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = {
          query(textOrCursor: unknown, values?: unknown[]) {
            const name = typeof textOrCursor === 'string' && values && values.length > 0 ? nameOf(textOrCursor) : undefined;
            if (name) return client.query({ name, text: textOrCursor as string, values });
            return (client.query as (...args: unknown[]) => unknown)(textOrCursor, values);
          },
          release: (destroy?: boolean | Error) => client.release(destroy),
        };
        wrapped.set(client, wrapper);
      }
      return wrapper as pg.PoolClient;
    },
    end: () => pool.end(),
  } as unknown as pg.Pool;
}
