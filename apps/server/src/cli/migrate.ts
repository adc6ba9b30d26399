import { ConfigError, loadConfig } from '../platform/config/index.ts';
import { migrate, openConfiguredDatabase } from '../platform/db/index.ts';

/** `npm run migrate`: applies pending migrations to the configured database and exits (the server also does this at start). */
try {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  const { applied } = await migrate(database);
  await database.close();
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'the database is up to date');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
