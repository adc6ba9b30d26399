import type { TMe, TUpdateMeRequest } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { notFound } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { countUsers, findUserByContact, findUserById, insertUser, toMe, updateUser, type ContactChannel } from './people.repository.ts';

export type PeopleService = ReturnType<typeof createPeopleService>;

export function createPeopleService(deps: { db: Kysely<DB>; eventLog: EventLog; clock: Clock }) {
  const { db, eventLog, clock } = deps;

  async function getMe(userId: string): Promise<TMe> {
    const row = await findUserById(db, userId);
    if (!row) throw notFound();
    return toMe(row);
  }

  async function updateMe(userId: string, patch: TUpdateMeRequest): Promise<TMe> {
    return transaction(db, async (tx) => {
      const row = await updateUser(tx.db, userId, patch, clock.now());
      if (!row) throw notFound();
      const me = toMe(row);
      // Every open tab and device of this person updates its header and language.
      await eventLog.append(tx, [userId], 'profile.updated', { me });
      return me;
    });
  }

  /** The account a verified sign-in code belongs to; created on first sign-in. */
  async function findOrCreateByContact(tx: Tx, channel: ContactChannel, value: string, locale: 'ru' | 'en', displayName?: string) {
    const existing = await findUserByContact(tx.db, channel, value);
    if (existing) return { user: existing, isNew: false };
    const user = await insertUser(tx.db, { [channel]: value, locale, ...(displayName ? { displayName } : {}) });
    return { user, isNew: true };
  }

  /** On first start with an empty database: the platform operator account. Returns true if it was created. */
  async function ensureOperator(email: string): Promise<boolean> {
    return transaction(db, async (tx) => {
      if ((await countUsers(tx.db)) > 0) return false;
      await insertUser(tx.db, { email, displayName: 'Оператор платформы', isOperator: true });
      return true;
    });
  }

  return { getMe, updateMe, findOrCreateByContact, ensureOperator };
}
