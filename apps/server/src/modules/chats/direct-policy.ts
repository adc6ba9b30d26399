import type { TRole } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';
import { isVerifiedTeacher, staffRoles } from '../access/index.ts';
import * as repository from './chats.repository.ts';
import { classesOf, peopleOfClasses } from './class-people.ts';

type Executor = Kysely<DB> | Transaction<DB>;
type Localized = { ru: string; en: string };

/**
 * Who may start a direct chat with whom (PRODUCT.md §4), a policy that protects minors:
 * - staff write to anyone in their organization — but a teacher whose status is not confirmed
 *   yet only to colleagues;
 * - a student writes to staff and to classmates (unless the organization forbids
 *   student↔student direct chats);
 * - a parent writes to staff and to parents of the same class;
 * - nobody writes to anyone outside the organization.
 */
export type DirectReach = { userIds: Set<string>; whyNot: Localized };

const reasons = {
  unverifiedTeacher: {
    ru: 'Пока администратор не подтвердил ваш статус учителя, писать ученикам и родителям нельзя.',
    en: 'Until an administrator confirms your teacher status, you cannot write to students or parents.',
  },
  student: { ru: 'Ученик может написать сотрудникам школы и одноклассникам.', en: 'A student may write to school staff and to classmates.' },
  studentStaffOnly: {
    ru: 'В этой организации ученики пишут в личные сообщения только сотрудникам.',
    en: 'In this organization students may write direct messages to staff only.',
  },
  parent: { ru: 'Родитель может написать сотрудникам школы и родителям своего класса.', en: 'A parent may write to school staff and to parents of the same class.' },
  nobody: { ru: 'Вы не можете начать личный чат в этой организации.', en: 'You cannot start direct chats in this organization.' },
} satisfies Record<string, Localized>;

/** The people of the organization this person may start a direct chat with. */
export async function directReach(db: Executor, organizationId: string, userId: string, myRoles: readonly TRole[]): Promise<DirectReach> {
  const members = await db.selectFrom('memberships').select(['user_id', 'role', 'verified_at']).where('organization_id', '=', organizationId).where('ended_at', 'is', null).execute();
  const everyoneElse = new Set(members.map((m) => m.user_id));
  everyoneElse.delete(userId);
  const isPrivileged = myRoles.includes('administrator') || myRoles.includes('director');
  if (isPrivileged || (myRoles.includes('teacher') && (await isVerifiedTeacher(db, userId, organizationId)))) return { userIds: everyoneElse, whyNot: reasons.nobody };

  const staff = new Set(members.filter((m) => staffRoles.includes(m.role)).map((m) => m.user_id));
  // Children and their parents reach staff whose standing is confirmed: not a teacher still waiting for it.
  const trustedStaff = new Set(members.filter((m) => m.role === 'administrator' || m.role === 'director' || (m.role === 'teacher' && m.verified_at !== null)).map((m) => m.user_id));
  const reach = new Set<string>();
  let whyNot: Localized = reasons.nobody;
  const mine = await classesOf(db, organizationId, userId);
  if (myRoles.includes('parent')) {
    for (const id of trustedStaff) reach.add(id);
    for (const person of await peopleOfClasses(db, mine.asParent)) if (person.place === 'parent') reach.add(person.userId);
    whyNot = reasons.parent;
  }
  if (myRoles.includes('student')) {
    for (const id of trustedStaff) reach.add(id);
    const settings = await repository.organizationSettings(db, organizationId);
    if (settings?.students_may_message_each_other) {
      for (const person of await peopleOfClasses(db, mine.asStudent)) if (person.place === 'student') reach.add(person.userId);
      whyNot = reasons.student;
    } else {
      whyNot = reasons.studentStaffOnly;
    }
  }
  // A teacher whose status is not confirmed yet: colleagues (and, as a parent, what a parent may).
  if (myRoles.includes('teacher')) {
    for (const id of staff) reach.add(id);
    whyNot = reasons.unverifiedTeacher;
  }
  reach.delete(userId);
  return { userIds: reach, whyNot };
}
