import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../platform/db/index.ts';

/**
 * Like openTestDatabase, but without migrations: an empty in-memory PGlite, or an empty new
 * schema on the PostgreSQL server named by TEST_DATABASE_URL. For tests of the migrator itself.
 */
export async function openEmptyTestDatabase(): Promise<Database & { drop(): Promise<void>; reopen(): Promise<Database> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ kind: 'pglite' });
    return { ...database, drop: () => database.close(), reopen: async () => database };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase({ kind: 'postgres', url, schema, maxConnections: 5 });
  const others: Database[] = [];
  return {
    ...database,
    /** A second, independent pool on the same schema: another server node. */
    async reopen() {
      const other = await openDatabase({ kind: 'postgres', url, schema, maxConnections: 2 });
      others.push(other);
      return other;
    },
    async drop() {
      for (const other of others) await other.close();
      await database.close();
      const admin = await openDatabase({ kind: 'postgres', url, maxConnections: 1 });
      await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(admin.db);
      await admin.close();
    },
  };
}
