export { openDatabase, openConfiguredDatabase, type Database, type DatabaseOptions } from './database.ts';
export { migrate, readMigrations, migrationsDir, type Migration } from './migrate.ts';
export { transaction, type Tx, type AfterCommit } from './transaction.ts';
export type { DB, OrganizationKind, Role, RegistrationApplicationsTable, ClassPlace, InvitationRole } from './schema.ts';
