import type { TRole } from '@parta/contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ClassPlace, DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type ClassRow = { id: string; organization_id: string; kind: 'class' | 'staff_room'; name: string; grade: number | null; academic_year: string };

const classColumns = ['classes.id', 'classes.organization_id', 'classes.kind', 'classes.name', 'classes.grade', 'classes.academic_year'] as const;

export function findClass(db: Executor, organizationId: string, classId: string): Promise<ClassRow | undefined> {
  return db.selectFrom('classes').select(classColumns).where('id', '=', classId).where('organization_id', '=', organizationId).where('archived_at', 'is', null).executeTakeFirst();
}

export function findClassByName(db: Executor, organizationId: string, academicYear: string, name: string): Promise<ClassRow | undefined> {
  return db
    .selectFrom('classes')
    .select(classColumns)
    .where('organization_id', '=', organizationId)
    .where('academic_year', '=', academicYear)
    .where(sql<string>`lower(name)`, '=', name.toLowerCase())
    .where('archived_at', 'is', null)
    .where('kind', '=', 'class')
    .executeTakeFirst();
}

export function findStaffRoom(db: Executor, organizationId: string): Promise<ClassRow | undefined> {
  return db.selectFrom('classes').select(classColumns).where('organization_id', '=', organizationId).where('kind', '=', 'staff_room').executeTakeFirst();
}

export function insertClass(db: Executor, values: { organizationId: string; kind: 'class' | 'staff_room'; name: string; grade: number | null; academicYear: string; now: Date }): Promise<ClassRow> {
  return db
    .insertInto('classes')
    .values({ organization_id: values.organizationId, kind: values.kind, name: values.name, grade: values.grade, academic_year: values.academicYear, created_at: values.now })
    .returning(classColumns.map((column) => column.replace('classes.', '') as 'id'))
    .executeTakeFirstOrThrow() as Promise<ClassRow>;
}

export async function updateClass(db: Executor, classId: string, patch: { name?: string | undefined; grade?: number | undefined; academicYear?: string | undefined }) {
  if (patch.name === undefined && patch.grade === undefined && patch.academicYear === undefined) return;
  await db
    .updateTable('classes')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.grade !== undefined ? { grade: patch.grade } : {}),
      ...(patch.academicYear !== undefined ? { academic_year: patch.academicYear } : {}),
    })
    .where('id', '=', classId)
    .execute();
}

/** Classes of an organization, staff room first, then by grade and name. */
export function listClasses(db: Executor, organizationId: string, onlyIds?: readonly string[]): Promise<ClassRow[]> {
  let query = db.selectFrom('classes').select(classColumns).where('organization_id', '=', organizationId).where('archived_at', 'is', null);
  if (onlyIds) {
    if (onlyIds.length === 0) return Promise.resolve([]);
    query = query.where('id', 'in', onlyIds);
  }
  return query.orderBy(sql`kind = 'staff_room'`, 'desc').orderBy('grade').orderBy('name').execute();
}

/** Classes of the organization the person is in directly or through a child. */
export async function classIdsOf(db: Executor, organizationId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('classes')
    .select('classes.id')
    .where('classes.organization_id', '=', organizationId)
    .where('classes.archived_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('class_members').select('class_members.id').whereRef('class_members.class_id', '=', 'classes.id').where('class_members.user_id', '=', userId).where('class_members.left_at', 'is', null)),
        eb.exists(
          eb
            .selectFrom('class_members')
            .innerJoin('family_links', 'family_links.child_id', 'class_members.user_id')
            .select('class_members.id')
            .whereRef('class_members.class_id', '=', 'classes.id')
            .where('class_members.role', '=', 'student')
            .where('class_members.left_at', 'is', null)
            .where('family_links.parent_id', '=', userId)
            .where('family_links.ended_at', 'is', null),
        ),
      ]),
    )
    .execute();
  return rows.map((row) => row.id);
}

export type ClassMemberRow = { class_id: string; user_id: string; role: ClassPlace; display_name: string };

export function classMembers(db: Executor, classIds: readonly string[], roles?: readonly ClassPlace[]): Promise<ClassMemberRow[]> {
  if (classIds.length === 0) return Promise.resolve([]);
  let query = db
    .selectFrom('class_members')
    .innerJoin('users', 'users.id', 'class_members.user_id')
    .select(['class_members.class_id', 'class_members.user_id', 'class_members.role', 'users.display_name'])
    .where('class_members.class_id', 'in', classIds)
    .where('class_members.left_at', 'is', null);
  if (roles) query = query.where('class_members.role', 'in', roles);
  return query.orderBy('users.display_name').execute();
}

/** Puts a person in a class in one place; nothing happens if they already hold it. */
export async function addToClass(db: Executor, values: { classId: string; userId: string; role: ClassPlace; now: Date }): Promise<boolean> {
  const inserted = await db
    .insertInto('class_members')
    .values({ class_id: values.classId, user_id: values.userId, role: values.role, joined_at: values.now })
    .onConflict((oc) => oc.columns(['class_id', 'user_id', 'role']).where('left_at', 'is', null).doNothing())
    .returning('id')
    .execute();
  return inserted.length > 0;
}

/** Ends places in classes of the organization (all, or in one class / of some roles). History stays. */
export async function leaveClasses(
  db: Executor,
  values: { organizationId: string; userId: string; now: Date; reason: 'transferred' | 'graduated' | 'left' | 'removed'; roles?: readonly ClassPlace[]; classId?: string },
): Promise<number> {
  let query = db
    .updateTable('class_members')
    .set({ left_at: values.now, left_reason: values.reason })
    .where('user_id', '=', values.userId)
    .where('left_at', 'is', null)
    .where('class_id', 'in', (eb) => eb.selectFrom('classes').select('id').where('organization_id', '=', values.organizationId));
  if (values.roles) query = query.where('role', 'in', values.roles);
  if (values.classId) query = query.where('class_id', '=', values.classId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function addMembership(db: Executor, values: { organizationId: string; userId: string; role: TRole; now: Date }): Promise<boolean> {
  const inserted = await db
    .insertInto('memberships')
    .values({ organization_id: values.organizationId, user_id: values.userId, role: values.role, created_at: values.now })
    .onConflict((oc) => oc.columns(['organization_id', 'user_id', 'role']).where('ended_at', 'is', null).doNothing())
    .returning('id')
    .execute();
  return inserted.length > 0;
}

export async function endMembership(db: Executor, values: { organizationId: string; userId: string; role: TRole; now: Date }): Promise<boolean> {
  const result = await db
    .updateTable('memberships')
    .set({ ended_at: values.now })
    .where('organization_id', '=', values.organizationId)
    .where('user_id', '=', values.userId)
    .where('role', '=', values.role)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setVerification(db: Executor, values: { organizationId: string; userId: string; verifiedBy: string | null; now: Date | null }): Promise<boolean> {
  const result = await db
    .updateTable('memberships')
    .set({ verified_at: values.now, verified_by: values.verifiedBy })
    .where('organization_id', '=', values.organizationId)
    .where('user_id', '=', values.userId)
    .where('role', '=', 'teacher')
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type MembershipRow = { user_id: string; role: TRole; verified_at: Date | null };

export function memberships(db: Executor, organizationId: string, userIds?: readonly string[]): Promise<MembershipRow[]> {
  let query = db.selectFrom('memberships').select(['user_id', 'role', 'verified_at']).where('organization_id', '=', organizationId).where('ended_at', 'is', null);
  if (userIds) {
    if (userIds.length === 0) return Promise.resolve([]);
    query = query.where('user_id', 'in', userIds);
  }
  return query.execute();
}

export type PersonRow = { id: string; display_name: string; email: string | null; phone: string | null; guardian_email: string | null; last_seen_at: Date | null };

/** People with their last activity (the newest use of any of their sessions). */
export function people(db: Executor, userIds: readonly string[]): Promise<PersonRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['users.id', 'users.display_name', 'users.email', 'users.phone', 'users.guardian_email'])
    .select((eb) => eb.selectFrom('sessions').whereRef('sessions.user_id', '=', 'users.id').select((inner) => inner.fn.max('sessions.last_seen_at').as('last')).as('last_seen_at'))
    .where('users.id', 'in', userIds)
    .where('users.deactivated_at', 'is', null)
    .orderBy('users.display_name')
    .execute() as Promise<PersonRow[]>;
}

/** Each person's classes in the organization (current places). */
export function placesInOrganization(db: Executor, organizationId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('class_members')
    .innerJoin('classes', 'classes.id', 'class_members.class_id')
    .select(['class_members.user_id', 'class_members.role', 'classes.id', 'classes.name'])
    .where('classes.organization_id', '=', organizationId)
    .where('classes.archived_at', 'is', null)
    .where('class_members.left_at', 'is', null)
    .where('class_members.user_id', 'in', userIds)
    .orderBy('classes.name')
    .execute();
}

export function familyLinks(db: Executor, userIds: readonly string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('family_links')
    .select(['parent_id', 'child_id'])
    .where('ended_at', 'is', null)
    .where((eb) => eb.or([eb('parent_id', 'in', userIds), eb('child_id', 'in', userIds)]))
    .execute();
}

export async function linkFamily(db: Executor, values: { parentId: string; childId: string; createdBy: string | null; now: Date }): Promise<boolean> {
  const inserted = await db
    .insertInto('family_links')
    .values({ parent_id: values.parentId, child_id: values.childId, created_by: values.createdBy, created_at: values.now })
    .onConflict((oc) => oc.columns(['parent_id', 'child_id']).where('ended_at', 'is', null).doNothing())
    .returning('id')
    .execute();
  return inserted.length > 0;
}

export async function unlinkFamily(db: Executor, values: { parentId: string; childId: string; now: Date }): Promise<boolean> {
  const result = await db
    .updateTable('family_links')
    .set({ ended_at: values.now })
    .where('parent_id', '=', values.parentId)
    .where('child_id', '=', values.childId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Everyone with a current role in the organization. */
export async function memberIds(db: Executor, organizationId: string): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('user_id').distinct().where('organization_id', '=', organizationId).where('ended_at', 'is', null).execute();
  return rows.map((row) => row.user_id);
}

export async function administratorIds(db: Executor, organizationId: string): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('user_id').where('organization_id', '=', organizationId).where('role', '=', 'administrator').where('ended_at', 'is', null).execute();
  return rows.map((row) => row.user_id);
}
