import type { TClass, TMember, TOrganization, TRole } from '@parta/contracts';
import { testMe, type FakeRoute } from './render-app';

/** Fixtures for the organization console's tests: one school, its classes and people. */
export const schoolId = '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d';
export const schoolPath = `/api/organizations/${schoolId}`;

export function schoolWithRoles(myRoles: TRole[]): TOrganization {
  return { id: schoolId, kind: 'school', name: 'МБОУ «Средняя общеобразовательная школа № 5»', shortName: 'Школа № 5', address: 'г. Тверь, ул. Советская, 5', parentId: null, myRoles };
}

let serial = 0;
/** A stable-looking v4 UUID for the n-th fixture. */
export function fixtureId(prefix: string): string {
  serial += 1;
  const tail = String(serial).padStart(12, '0');
  return `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${tail}`;
}

export function schoolClass(overrides: Partial<TClass> & { name: string }): TClass {
  return {
    id: fixtureId('c1a55000'),
    organizationId: schoolId,
    kind: 'class',
    grade: 5,
    academicYear: '2026/2027',
    classTeachers: [],
    studentCount: 0,
    myPlaces: [],
    myChildren: [],
    ...overrides,
  };
}

export function member(overrides: Partial<TMember> & { displayName: string }): TMember {
  return {
    id: fixtureId('a0000000'),
    roles: [],
    verifiedTeacher: false,
    verificationPending: false,
    lastSeenAt: null,
    email: null,
    phone: null,
    guardianEmail: null,
    classes: [],
    children: [],
    parents: [],
    ...overrides,
  };
}

/** Answers /api/me and /api/organizations for a person with `myRoles` in the school. */
export function signedInTo(organization: TOrganization): FakeRoute {
  return ({ method, url }) => {
    if (method === 'GET' && url === '/api/me') return { status: 200, body: testMe };
    if (method === 'GET' && url === '/api/organizations') return { status: 200, body: { organizations: [organization] } };
    return undefined;
  };
}

/** Tries each fake route in turn; the first answer wins. */
export function routes(...handlers: FakeRoute[]): FakeRoute {
  return (request) => {
    for (const handler of handlers) {
      const answer = handler(request);
      if (answer) return answer;
    }
    return undefined;
  };
}
