import type { TMe } from '@parta/contracts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';
import type { UsersTable } from '../../platform/db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type UserRow = Selectable<UsersTable>;
export type ContactChannel = 'email' | 'phone';

export function toMe(row: UserRow): TMe {
  return {
    id: row.id,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    locale: row.locale,
    isOperator: row.is_operator,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByContact(db: Executor, channel: ContactChannel, value: string) {
  return db.selectFrom('users').selectAll().where(channel, '=', value).executeTakeFirst();
}

export function insertUser(db: Executor, values: { email?: string; phone?: string; guardianEmail?: string; displayName?: string; locale?: 'ru' | 'en'; isOperator?: boolean }) {
  return db
    .insertInto('users')
    .values({
      email: values.email ?? null,
      phone: values.phone ?? null,
      guardian_email: values.guardianEmail ?? null,
      display_name: values.displayName ?? '',
      locale: values.locale ?? 'ru',
      is_operator: values.isOperator ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateUser(db: Executor, id: string, patch: { displayName?: string | undefined; locale?: 'ru' | 'en' | undefined }, now: Date) {
  return db
    .updateTable('users')
    .set({
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Young students whose codes go to this (parent's) e-mail, oldest first. */
export function findGuardedUsers(db: Executor, guardianEmail: string) {
  return db.selectFrom('users').selectAll().where('guardian_email', '=', guardianEmail).where('email', 'is', null).where('phone', 'is', null).orderBy('created_at').execute();
}
