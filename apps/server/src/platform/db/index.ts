export { openDatabase, openConfiguredDatabase, type Database, type DatabaseOptions } from './database.ts';
export { migrate, readMigrations, migrationsDir, type Migration } from './migrate.ts';
export { transaction, transactionBatch, type Tx, type AfterCommit, type Settled } from './transaction.ts';
export type { DB, OrganizationKind, Role, RegistrationApplicationsTable, ClassPlace, InvitationRole } from './schema.ts';
