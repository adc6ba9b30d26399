import type { TMe, TUpdateMeRequest } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { notFound } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { countUsers, findGuardedUsers, findUserByContact, findUserById, insertUser, toMe, updateUser, type ContactChannel, type UserRow } from './people.repository.ts';

type Executor = Kysely<DB> | Transaction<DB>;

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

  /**
   * A person named in a roster or added by an administrator: found by e-mail, then phone; a young
   * student without either is found by their parent's e-mail and their name. A name is set only
   * on an account that has none yet (a person's own choice of name wins).
   */
  async function findOrCreatePerson(tx: Tx, person: { displayName: string; email?: string | undefined; phone?: string | undefined; guardianEmail?: string | undefined }): Promise<{ user: UserRow; isNew: boolean }> {
    const existing =
      (person.email ? await findUserByContact(tx.db, 'email', person.email) : undefined) ??
      (person.phone ? await findUserByContact(tx.db, 'phone', person.phone) : undefined) ??
      (!person.email && !person.phone && person.guardianEmail
        ? (await findGuardedUsers(tx.db, person.guardianEmail)).find((user) => user.display_name.toLocaleLowerCase('ru') === person.displayName.toLocaleLowerCase('ru'))
        : undefined);
    if (existing) {
      if (!existing.display_name) {
        const named = await updateUser(tx.db, existing.id, { displayName: person.displayName }, new Date());
        return { user: named ?? existing, isNew: false };
      }
      return { user: existing, isNew: false };
    }
    if (!person.email && !person.phone && !person.guardianEmail) throw new Error('a person needs an e-mail, a phone or a guardian e-mail');
    // Both contacts when given (the lookup above found neither, so both are free).
    const user = await insertUser(tx.db, {
      ...(person.email ? { email: person.email } : {}),
      ...(person.phone ? { phone: person.phone } : {}),
      ...(!person.email && !person.phone && person.guardianEmail ? { guardianEmail: person.guardianEmail } : {}),
      displayName: person.displayName,
    });
    return { user, isNew: true };
  }

  /** The accounts a code sent to this destination may open: the owner's, and young students' it guards. */
  async function signInAccounts(db: Executor, channel: ContactChannel, value: string): Promise<UserRow[]> {
    const own = await findUserByContact(db, channel, value);
    const guarded = channel === 'email' ? await findGuardedUsers(db, value) : [];
    return [...(own ? [own] : []), ...guarded];
  }

  /** On first start with an empty database: the platform operator account. Returns true if it was created. */
  async function ensureOperator(email: string): Promise<boolean> {
    return transaction(db, async (tx) => {
      if ((await countUsers(tx.db)) > 0) return false;
      await insertUser(tx.db, { email, displayName: 'Оператор платформы', isOperator: true });
      return true;
    });
  }

  return { getMe, updateMe, findOrCreateByContact, findOrCreatePerson, signInAccounts, ensureOperator };
}
