import type { TOrganization, TRole } from '@parta/contracts';

type WithRoles = Pick<TOrganization, 'myRoles'>;

const staffRoles: readonly TRole[] = ['administrator', 'director', 'teacher'];
const classRoles: readonly TRole[] = ['teacher', 'student', 'parent'];

/** Administrators manage the organization: classes, people, invitations, imports. */
export function isAdministrator(organization: WithRoles): boolean {
  return organization.myRoles.includes('administrator');
}

/** Staff (сотрудники) see every class and the people of the organization, most of it read-only. */
export function isStaff(organization: WithRoles): boolean {
  return organization.myRoles.some((role) => staffRoles.includes(role));
}

/** Teachers, students and parents have «Мои классы»: the classes they teach, learn in or have children in. */
export function hasOwnClasses(organization: WithRoles): boolean {
  return organization.myRoles.some((role) => classRoles.includes(role));
}
