import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

/** apps/server/migrations, reached the same way from src/ (tests) and dist/ (production). */
export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export type Migration = { version: number; name: string; script: string };

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name must look like 0001_what_it_does.sql: ${file}`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`two migrations numbered ${version}`);
    migrations.push({ version, name: match[2]!, script: await readFile(new URL(file, `file://${dir}`), 'utf8') });
  }
  return migrations;
}

/**
 * Applies every migration not yet recorded in schema_migrations, in order, each in its own
 * transaction. Forward-only: there is no "down". Safe to run from several nodes at once.
 */
export async function migrate(database: Database, migrations?: Migration[]): Promise<{ applied: number[] }> {
  const all = migrations ?? (await readMigrations());
  const applied: number[] = [];
  for (const migration of all) {
    await database.withScriptTransaction(async (tx) => {
      await tx.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = await tx.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return;
      await tx.exec(migration.script);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    });
  }
  return { applied };
}
