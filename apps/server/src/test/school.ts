import { randomBytes } from 'node:crypto';
import { academicYearOf, type TCreateInvitationRequest } from '@parta/contracts';
import { asUser, signIn, type SignedIn, type TestApp } from './harness.ts';
import { registerOrganization } from './organizations.ts';

/** A request as a signed-in person; throws unless the status is the expected one. */
export async function call<T = unknown>(t: TestApp, as: SignedIn | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, expected = [200, 201]): Promise<T> {
  const response = await t.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers: as ? asUser(as) : {} });
  if (!expected.includes(response.statusCode)) throw new Error(`${method} ${url} → ${response.statusCode}: ${response.body}`);
  // 204 No Content has no body to parse.
  return (response.body === '' ? undefined : response.json()) as T;
}

export const uniqueEmail = (prefix: string) => `${prefix}.${randomBytes(4).toString('hex')}@school.test`;

export async function createClass(t: TestApp, admin: SignedIn, organizationId: string, name: string, grade = Number.parseInt(name, 10) || 5): Promise<string> {
  const created = await call<{ id: string }>(t, admin, 'POST', `/api/organizations/${organizationId}/classes`, { name, grade, academicYear: academicYearOf(t.clock.now()) });
  return created.id;
}

/** A link made by `by`, used by a newly signed-in person: returns that person. */
export async function joinByLink(t: TestApp, by: SignedIn, organizationId: string, invitation: TCreateInvitationRequest, email = uniqueEmail(invitation.role)) {
  const link = await call<{ token: string }>(t, by, 'POST', `/api/organizations/${organizationId}/invitations`, invitation);
  const person = await signIn(t, email);
  const accepted = await call<{ status: string }>(t, person, 'POST', `/api/invitations/${link.token}/accept`, {});
  return { person, email, status: accepted.status, token: link.token };
}

/**
 * A school with two classes (5А and 5Б) and one person of every kind, made through the API as
 * a school would: the administrator invites staff by links, verifies teachers, assigns the class
 * teacher, adds a student (with a parent's e-mail, so the parent is linked).
 */
export async function populateSchool(t: TestApp) {
  const { organizationId, admin, adminEmail } = await registerOrganization(t);
  const classA = await createClass(t, admin, organizationId, '5А');
  const classB = await createClass(t, admin, organizationId, '5Б');
  const director = await joinByLink(t, admin, organizationId, { role: 'director' });
  const teacher = await joinByLink(t, admin, organizationId, { role: 'teacher' });
  const verifiedTeacher = await joinByLink(t, admin, organizationId, { role: 'teacher' });
  const classTeacher = await joinByLink(t, admin, organizationId, { role: 'teacher' });
  for (const person of [verifiedTeacher, classTeacher]) await call(t, admin, 'POST', `/api/organizations/${organizationId}/members/${person.person.userId}/verification`, {});
  await call(t, admin, 'PUT', `/api/organizations/${organizationId}/classes/${classA}/class-teachers`, { userIds: [classTeacher.person.userId] });

  const studentEmail = uniqueEmail('student');
  const parentEmail = uniqueEmail('parent');
  const student = await call<{ id: string }>(t, admin, 'POST', `/api/organizations/${organizationId}/students`, { displayName: 'Петров Пётр', classId: classA, email: studentEmail });
  const parent = await joinByLink(t, classTeacher.person, organizationId, { role: 'parent', classId: classA }, parentEmail);
  await call(t, admin, 'POST', `/api/organizations/${organizationId}/members/${parent.person.userId}/children`, { childId: student.id });
  const otherStudent = await call<{ id: string }>(t, admin, 'POST', `/api/organizations/${organizationId}/students`, { displayName: 'Сидорова Анна', classId: classB, email: uniqueEmail('student') });

  return {
    organizationId,
    classA,
    classB,
    admin,
    adminEmail,
    director: director.person,
    teacher: teacher.person,
    verifiedTeacher: verifiedTeacher.person,
    classTeacher: classTeacher.person,
    student: await signIn(t, studentEmail),
    studentEmail,
    parent: parent.person,
    parentEmail,
    otherStudentId: otherStudent.id,
    emails: { director: director.email, teacher: teacher.email, verifiedTeacher: verifiedTeacher.email, classTeacher: classTeacher.email },
  };
}
export type PopulatedSchool = Awaited<ReturnType<typeof populateSchool>>;
