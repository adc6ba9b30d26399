import type { ColumnType, Generated } from 'kysely';

/**
 * Kysely table types, one per table created by the SQL migrations in apps/server/migrations.
 * Keep in step with the migrations: a column added there is added here.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type UsersTable = {
  id: Generated<string>;
  display_name: Generated<string>;
  email: string | null;
  phone: string | null;
  locale: Generated<'ru' | 'en'>;
  is_operator: Generated<boolean>;
  deactivated_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
};

export type SignInCodesTable = {
  id: Generated<string>;
  destination: string;
  channel: 'email' | 'phone';
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  superseded_at: Timestamp | null;
};

export type SessionsTable = {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
};

/** bigint columns come back as strings from node-postgres and numbers from PGlite; read them with Number(). */
type BigIntColumn = ColumnType<string | number, number, number>;

export type UserEventCountersTable = {
  user_id: string;
  last_seq: BigIntColumn;
};

export type UserEventsTable = {
  user_id: string;
  seq: BigIntColumn;
  name: string;
  payload: ColumnType<unknown, string, string>;
  created_at: Timestamp;
};

export type DB = {
  users: UsersTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  user_event_counters: UserEventCountersTable;
  user_events: UserEventsTable;
};
