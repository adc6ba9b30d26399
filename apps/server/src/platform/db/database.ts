import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
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

async function openPglite(dataDir: string | undefined): Promise<Database> {
  // No dataDir means in-memory: used by tests, one fresh database per suite. PostgreSQL's default
  // 128 MB of shared buffers would add ~100 MB to the process; the OS page cache serves reads anyway.
  const client = await PGlite.create(dataDir, { postgresqlconf: 'shared_buffers = 16MB' });
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
  const poolConfig: pg.PoolConfig = {
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
  };
  if (options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
    poolConfig.options = `-c search_path=${options.schema}`;
  }
  const pool = new pg.Pool(poolConfig);
  // An idle client losing its server (restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
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
