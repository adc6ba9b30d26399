import {
  academicYearOf,
  type TAddStudentRequest,
  type TClass,
  type TClassDetail,
  type TCreateClassRequest,
  type TListMembersQuery,
  type TMember,
  type TMoveStudentRequest,
  type TOrganizationKind,
  type TPersonRef,
  type TRole,
  type TUpdateClassRequest,
} from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type ClassPlace, type DB, type Tx } from '../../platform/db/index.ts';
import { conflict, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { requireAdministrator, requireClassViewer, requireMember, requireStaff, staffRoles } from '../access/index.ts';
import { normalizeDestination } from '../auth/index.ts';
import type { PeopleService } from '../people/index.ts';
import * as repository from './school.repository.ts';

export type SchoolService = ReturnType<typeof createSchoolService>;

/** The staff room every school has; all staff are in it. */
export const staffRoomName = 'Учительская';
/** Names compared as people read them: case and «ё»/«е» do not matter. */
const searchable = (text: string) => text.toLocaleLowerCase('ru').replaceAll('ё', 'е');
const kindsWithClasses: readonly TOrganizationKind[] = ['school', 'college', 'centre'];
const conflictSaying = (ru: string, en: string) => conflict({ ru, en });

export function createSchoolService(deps: {
  db: Kysely<DB>;
  clock: Clock;
  eventLog: EventLog;
  people: PeopleService;
  /** Told inside every transaction that changed someone's roles, classes or family links (chats bound to classes follow). */
  onRosterChanged?: (tx: Tx, organizationId: string, userIds: readonly string[]) => void;
}) {
  const { db, clock, eventLog, people } = deps;

  /** Tells the people concerned (their screens refresh) and whoever follows the roster. */
  async function membershipChanged(tx: Tx, userIds: readonly string[], organizationId: string) {
    await eventLog.append(tx, userIds, 'membership.changed', { organizationId });
    deps.onRosterChanged?.(tx, organizationId, userIds);
  }

  // --- Building blocks, also used by invitations and the roster import (inside their transactions)

  /** A new school gets its staff room «Учительская». */
  async function setUpOrganization(tx: Tx, organizationId: string, kind: TOrganizationKind): Promise<void> {
    if (!kindsWithClasses.includes(kind)) return;
    if (await repository.findStaffRoom(tx.db, organizationId)) return;
    await repository.insertClass(tx.db, { organizationId, kind: 'staff_room', name: staffRoomName, grade: null, academicYear: academicYearOf(clock.now()), now: clock.now() });
  }

  /** Gives a role (nothing if held already); staff join the staff room. Tells the person. */
  async function grantRole(tx: Tx, organizationId: string, userId: string, role: TRole): Promise<boolean> {
    const now = clock.now();
    const added = await repository.addMembership(tx.db, { organizationId, userId, role, now });
    let joined = false;
    if (staffRoles.includes(role)) {
      const staffRoom = await repository.findStaffRoom(tx.db, organizationId);
      if (staffRoom) joined = await repository.addToClass(tx.db, { classId: staffRoom.id, userId, role: 'staff', now });
    }
    if (added || joined) await membershipChanged(tx, [userId], organizationId);
    return added;
  }

  async function placeInClass(tx: Tx, organizationId: string, classId: string, userId: string, place: ClassPlace): Promise<boolean> {
    const added = await repository.addToClass(tx.db, { classId, userId, role: place, now: clock.now() });
    if (added) await membershipChanged(tx, [userId], organizationId);
    return added;
  }

  /** Links a parent to a child; the parent becomes a parent member of the child's organization. */
  async function linkFamily(tx: Tx, organizationId: string, parentId: string, childId: string, createdBy: string | null): Promise<boolean> {
    const linked = await repository.linkFamily(tx.db, { parentId, childId, createdBy, now: clock.now() });
    await grantRole(tx, organizationId, parentId, 'parent');
    if (linked) await membershipChanged(tx, [parentId], organizationId);
    return linked;
  }

  /** The class by name in the given year, created if missing. */
  async function ensureClass(tx: Tx, organizationId: string, input: TCreateClassRequest): Promise<{ row: repository.ClassRow; created: boolean }> {
    const existing = await repository.findClassByName(tx.db, organizationId, input.academicYear, input.name);
    if (existing) return { row: existing, created: false };
    const row = await repository.insertClass(tx.db, { organizationId, kind: 'class', name: input.name, grade: input.grade, academicYear: input.academicYear, now: clock.now() });
    return { row, created: true };
  }

  // --- Reading

  async function toClasses(rows: readonly repository.ClassRow[], viewerId: string): Promise<TClass[]> {
    const ids = rows.map((row) => row.id);
    const members = await repository.classMembers(db, ids);
    const teacherIds = [...new Set(members.filter((m) => m.role === 'class_teacher').map((m) => m.user_id))];
    const verified = await verifiedTeacherIds(rows[0]?.organization_id, teacherIds);
    const viewerFamily = await repository.familyLinks(db, [viewerId]);
    const myChildIds = new Set(viewerFamily.filter((link) => link.parent_id === viewerId).map((link) => link.child_id));
    return rows.map((row) => {
      const inClass = members.filter((m) => m.class_id === row.id);
      const myPlaces: TClass['myPlaces'] = inClass.filter((m) => m.user_id === viewerId).map((m) => m.role);
      const myChildren = inClass.filter((m) => m.role === 'student' && myChildIds.has(m.user_id)).map((m) => ({ id: m.user_id, displayName: m.display_name, verifiedTeacher: false }));
      if (myChildren.length > 0) myPlaces.push('child');
      return {
        id: row.id,
        organizationId: row.organization_id,
        kind: row.kind,
        name: row.name,
        grade: row.grade,
        academicYear: row.academic_year,
        classTeachers: inClass.filter((m) => m.role === 'class_teacher').map((m) => ({ id: m.user_id, displayName: m.display_name, verifiedTeacher: verified.has(m.user_id) })),
        studentCount: new Set(inClass.filter((m) => m.role === 'student').map((m) => m.user_id)).size,
        myPlaces,
        myChildren,
      };
    });
  }

  async function verifiedTeacherIds(organizationId: string | undefined, userIds: readonly string[]): Promise<Set<string>> {
    if (!organizationId || userIds.length === 0) return new Set();
    const rows = await repository.memberships(db, organizationId, userIds);
    return new Set(rows.filter((row) => row.role === 'teacher' && row.verified_at !== null).map((row) => row.user_id));
  }

  /** Members as a viewer may see them: contacts only for administrators and for oneself. */
  async function toMembers(organizationId: string, userIds: readonly string[], viewer: { userId: string; isAdministrator: boolean }): Promise<TMember[]> {
    const unique = [...new Set(userIds)];
    const [persons, roleRows, places, links] = await Promise.all([
      repository.people(db, unique),
      repository.memberships(db, organizationId, unique),
      repository.placesInOrganization(db, organizationId, unique),
      repository.familyLinks(db, unique),
    ]);
    const relatives = await repository.people(db, [...new Set(links.flatMap((link) => [link.parent_id, link.child_id]))]);
    const nameOf = new Map(relatives.map((person) => [person.id, person.display_name]));
    const orgMemberIds = new Set(await repository.memberIds(db, organizationId));
    return persons.map((person) => {
      const roles = roleRows.filter((row) => row.user_id === person.id);
      const teacher = roles.find((row) => row.role === 'teacher');
      const seesContacts = viewer.isAdministrator || viewer.userId === person.id;
      const ref = (id: string): TPersonRef => ({ id, displayName: nameOf.get(id) ?? '', verifiedTeacher: false });
      return {
        id: person.id,
        displayName: person.display_name,
        roles: [...new Set(roles.map((row) => row.role))],
        verifiedTeacher: teacher?.verified_at != null,
        verificationPending: teacher !== undefined && teacher.verified_at === null,
        lastSeenAt: person.last_seen_at ? new Date(person.last_seen_at).toISOString() : null,
        email: seesContacts ? person.email : null,
        phone: seesContacts ? person.phone : null,
        guardianEmail: seesContacts ? person.guardian_email : null,
        classes: places.filter((place) => place.user_id === person.id).map((place) => ({ id: place.id, name: place.name, place: place.role })),
        // Only relatives in this organization: a child at another school stays out of sight here.
        children: links.filter((link) => link.parent_id === person.id && orgMemberIds.has(link.child_id)).map((link) => ref(link.child_id)),
        parents: links.filter((link) => link.child_id === person.id && orgMemberIds.has(link.parent_id)).map((link) => ref(link.parent_id)),
      };
    });
  }

  /** Staff see every class; students and parents the classes they or their children are in. */
  async function listClasses(identity: Identity | null, organizationId: string): Promise<TClass[]> {
    const member = await requireMember(db, identity, organizationId);
    const isStaff = member.roles.some((role) => staffRoles.includes(role));
    const rows = isStaff ? await repository.listClasses(db, organizationId) : await repository.listClasses(db, organizationId, await repository.classIdsOf(db, organizationId, member.identity.userId));
    return toClasses(rows, member.identity.userId);
  }

  async function getClass(identity: Identity | null, organizationId: string, classId: string): Promise<TClassDetail> {
    const viewer = await requireClassViewer(db, identity, organizationId, classId);
    const row = (await repository.findClass(db, organizationId, classId))!;
    const [detail] = await toClasses([row], viewer.identity.userId);
    const inClass = await repository.classMembers(db, [classId]);
    const studentIds = inClass.filter((m) => m.role === 'student').map((m) => m.user_id);
    const parentIds = (await repository.familyLinks(db, studentIds)).filter((link) => studentIds.includes(link.child_id)).map((link) => link.parent_id);
    const members = await toMembers(organizationId, [...inClass.map((m) => m.user_id), ...parentIds], {
      userId: viewer.identity.userId,
      isAdministrator: viewer.roles.includes('administrator'),
    });
    return { class: detail!, members };
  }

  async function createClass(identity: Identity | null, organizationId: string, input: TCreateClassRequest): Promise<TClass> {
    const admin = await requireAdministrator(db, identity, organizationId);
    const row = await transaction(db, async (tx) => {
      const { row, created } = await ensureClass(tx, organizationId, input);
      if (!created) throw invalidField('name', { ru: `класс «${input.name}» в ${input.academicYear} учебном году уже есть`, en: `class «${input.name}» already exists in ${input.academicYear}` });
      return row;
    });
    return (await toClasses([row], admin.identity.userId))[0]!;
  }

  async function updateClass(identity: Identity | null, organizationId: string, classId: string, patch: TUpdateClassRequest): Promise<TClass> {
    const admin = await requireAdministrator(db, identity, organizationId);
    const row = await transaction(db, async (tx) => {
      const current = await repository.findClass(tx.db, organizationId, classId);
      if (!current) throw notFound();
      if (current.kind === 'staff_room') throw conflictSaying('«Учительскую» нельзя переименовать', 'the staff room cannot be changed');
      const name = patch.name ?? current.name;
      const academicYear = patch.academicYear ?? current.academic_year;
      const clash = await repository.findClassByName(tx.db, organizationId, academicYear, name);
      if (clash && clash.id !== classId) throw invalidField('name', { ru: `класс «${name}» в ${academicYear} учебном году уже есть`, en: `class «${name}» already exists in ${academicYear}` });
      await repository.updateClass(tx.db, classId, patch);
      return (await repository.findClass(tx.db, organizationId, classId))!;
    });
    return (await toClasses([row], admin.identity.userId))[0]!;
  }

  async function setClassTeachers(identity: Identity | null, organizationId: string, classId: string, userIds: readonly string[]): Promise<TClass> {
    const admin = await requireAdministrator(db, identity, organizationId);
    const wanted = [...new Set(userIds)];
    const row = await transaction(db, async (tx) => {
      const found = await repository.findClass(tx.db, organizationId, classId);
      if (!found || found.kind === 'staff_room') throw notFound();
      const teachers = new Set((await repository.memberships(tx.db, organizationId, wanted)).filter((m) => m.role === 'teacher').map((m) => m.user_id));
      const notTeachers = wanted.filter((id) => !teachers.has(id));
      if (notTeachers.length > 0) throw invalidField('userIds', { ru: 'классным руководителем может быть только педагог этой организации', en: 'only a teacher of this organization can be a class teacher' });
      const current = (await repository.classMembers(tx.db, [classId], ['class_teacher'])).map((m) => m.user_id);
      const now = clock.now();
      for (const userId of current.filter((id) => !wanted.includes(id))) {
        await repository.leaveClasses(tx.db, { organizationId, userId, now, reason: 'removed', roles: ['class_teacher'], classId });
        await membershipChanged(tx, [userId], organizationId);
      }
      for (const userId of wanted.filter((id) => !current.includes(id))) await placeInClass(tx, organizationId, classId, userId, 'class_teacher');
      return found;
    });
    return (await toClasses([row], admin.identity.userId))[0]!;
  }

  /** The organization's people, for staff. */
  async function listMembers(identity: Identity | null, organizationId: string, query: TListMembersQuery): Promise<TMember[]> {
    const staff = await requireStaff(db, identity, organizationId);
    let ids = await repository.memberIds(db, organizationId);
    if (query.classId) {
      if (!(await repository.findClass(db, organizationId, query.classId))) throw notFound();
      const inClass = new Set((await repository.classMembers(db, [query.classId])).map((m) => m.user_id));
      ids = ids.filter((id) => inClass.has(id));
    }
    let members = await toMembers(organizationId, ids, { userId: staff.identity.userId, isAdministrator: staff.roles.includes('administrator') });
    if (query.role) members = members.filter((member) => member.roles.includes(query.role!));
    if (query.pendingVerification === 'true') members = members.filter((member) => member.verificationPending);
    if (query.q) {
      const needle = searchable(query.q);
      members = members.filter((member) => searchable(member.displayName).includes(needle));
    }
    return members;
  }

  /**
   * One member. Staff see anyone in their organization; a student or parent sees staff, people
   * of their own classes (and their children's), and their own family. Anyone else: 404.
   */
  async function getMember(identity: Identity | null, organizationId: string, userId: string): Promise<TMember> {
    const viewer = await requireMember(db, identity, organizationId);
    const targetRoles = await repository.memberships(db, organizationId, [userId]);
    if (targetRoles.length === 0) throw notFound();
    const isStaff = viewer.roles.some((role) => staffRoles.includes(role));
    if (!isStaff && viewer.identity.userId !== userId && !targetRoles.some((row) => staffRoles.includes(row.role))) {
      const mine = new Set(await repository.classIdsOf(db, organizationId, viewer.identity.userId));
      const theirs = await repository.classIdsOf(db, organizationId, userId);
      const family = await repository.familyLinks(db, [viewer.identity.userId]);
      const related = family.some((link) => link.child_id === userId || link.parent_id === userId);
      if (!related && !theirs.some((id) => mine.has(id))) throw notFound();
    }
    const [member] = await toMembers(organizationId, [userId], { userId: viewer.identity.userId, isAdministrator: viewer.roles.includes('administrator') });
    if (!member) throw notFound();
    return member;
  }

  async function memberForAdmin(admin: Identity, organizationId: string, userId: string): Promise<TMember> {
    const [member] = await toMembers(organizationId, [userId], { userId: admin.userId, isAdministrator: true });
    if (!member) throw notFound();
    return member;
  }

  /** Within a transaction: the target must be a current member, else 404. */
  async function requireTarget(tx: Tx, organizationId: string, userId: string) {
    const roles = await repository.memberships(tx.db, organizationId, [userId]);
    if (roles.length === 0) throw notFound();
    return roles;
  }

  async function grantRoleByAdmin(identity: Identity | null, organizationId: string, userId: string, role: 'administrator' | 'director' | 'teacher'): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    await transaction(db, async (tx) => {
      await requireTarget(tx, organizationId, userId);
      await grantRole(tx, organizationId, userId, role);
    });
    return memberForAdmin(admin.identity, organizationId, userId);
  }

  /**
   * Ends a role: a teacher leaves (their classes and the staff room end with it), a student
   * leaves, an administrator steps down (never the last one). History stays; access ends now.
   */
  async function revokeRole(identity: Identity | null, organizationId: string, userId: string, role: TRole): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    await transaction(db, async (tx) => {
      const roles = await requireTarget(tx, organizationId, userId);
      if (!roles.some((row) => row.role === role)) throw notFound();
      if (role === 'administrator' && (await repository.administratorIds(tx.db, organizationId)).length <= 1) {
        throw conflictSaying('нельзя снять последнего администратора: сначала назначьте другого', 'the last administrator cannot step down: appoint another first');
      }
      const now = clock.now();
      await repository.endMembership(tx.db, { organizationId, userId, role, now });
      const remaining = roles.filter((row) => row.role !== role).map((row) => row.role);
      const placesToEnd: ClassPlace[] = [];
      if (role === 'teacher') placesToEnd.push('teacher', 'class_teacher');
      if (role === 'student') placesToEnd.push('student');
      if (role === 'parent') placesToEnd.push('parent');
      if (!remaining.some((r) => staffRoles.includes(r))) placesToEnd.push('staff');
      if (placesToEnd.length > 0) await repository.leaveClasses(tx.db, { organizationId, userId, now, reason: 'left', roles: placesToEnd });
      await membershipChanged(tx, [userId], organizationId);
    });
    return memberForAdmin(admin.identity, organizationId, userId);
  }

  async function setTeacherVerified(identity: Identity | null, organizationId: string, userId: string, verified: boolean): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    await transaction(db, async (tx) => {
      const roles = await requireTarget(tx, organizationId, userId);
      if (!roles.some((row) => row.role === 'teacher')) throw conflictSaying('подтвердить можно только статус педагога', 'only a teacher’s status can be confirmed');
      await repository.setVerification(tx.db, { organizationId, userId, verifiedBy: verified ? admin.identity.userId : null, now: verified ? clock.now() : null });
      await membershipChanged(tx, [userId], organizationId);
    });
    return memberForAdmin(admin.identity, organizationId, userId);
  }

  /** Movement (движение) of a student: transfer, graduation or leaving. */
  async function moveStudent(identity: Identity | null, organizationId: string, userId: string, move: TMoveStudentRequest): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    await transaction(db, async (tx) => {
      const roles = await requireTarget(tx, organizationId, userId);
      if (!roles.some((row) => row.role === 'student')) throw notFound();
      const now = clock.now();
      if (move.kind === 'transfer') {
        const target = await repository.findClass(tx.db, organizationId, move.classId);
        if (!target || target.kind !== 'class') throw invalidField('classId', { ru: 'такого класса нет', en: 'no such class' });
        const current = await repository.placesInOrganization(tx.db, organizationId, [userId]);
        if (current.some((place) => place.id === target.id && place.role === 'student')) throw conflictSaying('ученик уже в этом классе', 'the student is in this class already');
        await repository.leaveClasses(tx.db, { organizationId, userId, now, reason: 'transferred', roles: ['student'] });
        await repository.addToClass(tx.db, { classId: target.id, userId, role: 'student', now });
      } else {
        await repository.leaveClasses(tx.db, { organizationId, userId, now, reason: move.kind === 'graduate' ? 'graduated' : 'left', roles: ['student'] });
        await repository.endMembership(tx.db, { organizationId, userId, role: 'student', now });
      }
      // The parents' place in the class follows the child.
      const parents = (await repository.familyLinks(tx.db, [userId])).filter((link) => link.child_id === userId).map((link) => link.parent_id);
      await membershipChanged(tx, [userId, ...parents], organizationId);
    });
    if (move.kind !== 'transfer') return { ...(await toMembersIncludingFormer(admin.identity, organizationId, userId)) };
    return memberForAdmin(admin.identity, organizationId, userId);
  }

  /** After graduation or leaving the person is no longer a member; the answer still describes them. */
  async function toMembersIncludingFormer(admin: Identity, organizationId: string, userId: string): Promise<TMember> {
    const [person] = await repository.people(db, [userId]);
    if (!person) throw notFound();
    const [member] = await toMembers(organizationId, [userId], { userId: admin.userId, isAdministrator: true });
    return member!;
  }

  async function addStudent(identity: Identity | null, organizationId: string, input: TAddStudentRequest): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    const phone = input.phone === undefined ? undefined : normalizeDestination(input.phone);
    if (input.phone !== undefined && phone?.channel !== 'phone') throw invalidField('phone', { ru: 'укажите мобильный телефон, например +7 900 123-45-67', en: 'enter a mobile phone number, e.g. +7 900 123-45-67' });
    const userId = await transaction(db, async (tx) => {
      const target = await repository.findClass(tx.db, organizationId, input.classId);
      if (!target || target.kind !== 'class') throw invalidField('classId', { ru: 'такого класса нет', en: 'no such class' });
      const { user } = await people.findOrCreatePerson(tx, { displayName: input.displayName, email: input.email, phone: phone?.value, guardianEmail: input.guardianEmail });
      const current = await repository.placesInOrganization(tx.db, organizationId, [user.id]);
      if (current.some((place) => place.role === 'student' && place.id !== target.id)) throw conflictSaying('этот ученик уже учится в другом классе: используйте перевод', 'this student is in another class already: transfer them');
      await grantRole(tx, organizationId, user.id, 'student');
      await placeInClass(tx, organizationId, target.id, user.id, 'student');
      if (input.guardianEmail && !input.email && !phone) {
        // The parent whose e-mail signs the child in is that child's parent here too.
        const { user: parent } = await people.findOrCreatePerson(tx, { displayName: '', email: input.guardianEmail });
        await linkFamily(tx, organizationId, parent.id, user.id, admin.identity.userId);
      }
      return user.id;
    });
    return memberForAdmin(admin.identity, organizationId, userId);
  }

  async function linkChild(identity: Identity | null, organizationId: string, parentId: string, childId: string): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    if (parentId === childId) throw invalidField('childId', { ru: 'человек не может быть родителем самому себе', en: 'a person cannot be their own parent' });
    await transaction(db, async (tx) => {
      await requireTarget(tx, organizationId, parentId);
      const childRoles = await repository.memberships(tx.db, organizationId, [childId]);
      if (!childRoles.some((row) => row.role === 'student')) throw invalidField('childId', { ru: 'ребёнок должен быть учеником этой организации', en: 'the child must be a student of this organization' });
      await linkFamily(tx, organizationId, parentId, childId, admin.identity.userId);
    });
    return memberForAdmin(admin.identity, organizationId, parentId);
  }

  async function unlinkChild(identity: Identity | null, organizationId: string, parentId: string, childId: string): Promise<TMember> {
    const admin = await requireAdministrator(db, identity, organizationId);
    await transaction(db, async (tx) => {
      await requireTarget(tx, organizationId, parentId);
      await requireTarget(tx, organizationId, childId);
      if (!(await repository.unlinkFamily(tx.db, { parentId, childId, now: clock.now() }))) throw notFound();
      await membershipChanged(tx, [parentId], organizationId);
    });
    return memberForAdmin(admin.identity, organizationId, parentId);
  }

  return {
    setUpOrganization,
    grantRole,
    placeInClass,
    linkFamily,
    ensureClass,
    listClasses,
    getClass,
    createClass,
    updateClass,
    setClassTeachers,
    listMembers,
    getMember,
    grantRoleByAdmin,
    revokeRole,
    setTeacherVerified,
    moveStudent,
    addStudent,
    linkChild,
    unlinkChild,
  };
}
