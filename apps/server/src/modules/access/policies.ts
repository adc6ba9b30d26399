import type { TRole } from '@parta/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';
import { forbidden, notFound, unauthenticated, type Identity } from '../../platform/http/index.ts';

/**
 * Named access policies. Every route decides who may call it with one of these, never with
 * ad-hoc checks, so the rules can be read in one place (docs/subsystems/permissions.md) and are
 * exercised by the authorization matrix test (modules/access/matrix.test.ts).
 *
 * Two rules run through all of them:
 * - what belongs to an organization the caller is not in answers 404, exactly as if it did not
 *   exist: ids from another school reveal nothing;
 * - a member lacking the role for an action gets 403: they already know the thing exists.
 */

type Executor = Kysely<DB> | Transaction<DB>;

/** Anyone, signed in or not (public forms, the invitation landing page). */
export function allowAnyone(identity: Identity | null): Identity | null {
  return identity;
}

/** Any signed-in person. */
export function requireSignedIn(identity: Identity | null): Identity {
  if (!identity) throw unauthenticated();
  return identity;
}

/** The platform operator. Everyone else is told the route does not exist. */
export function requireOperator(identity: Identity | null): Identity {
  const signedIn = requireSignedIn(identity);
  if (!signedIn.isOperator) throw notFound();
  return signedIn;
}

/** The roles a person currently holds in an organization (empty when not a member). */
export async function activeRoles(db: Executor, userId: string, organizationId: string): Promise<TRole[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', userId)
    .where('organization_id', '=', organizationId)
    .where('ended_at', 'is', null)
    .execute();
  return rows.map((row) => row.role);
}

/**
 * A current member of the organization, optionally holding one of `anyOf`. Not a member → 404;
 * a member without the role → 403. Returns the caller's roles there.
 */
export async function requireMember(db: Executor, identity: Identity | null, organizationId: string, anyOf?: readonly TRole[]): Promise<{ identity: Identity; roles: TRole[] }> {
  const signedIn = requireSignedIn(identity);
  const roles = await activeRoles(db, signedIn.userId, organizationId);
  if (roles.length === 0) throw notFound();
  if (anyOf && !roles.some((role) => anyOf.includes(role))) throw forbidden();
  return { identity: signedIn, roles };
}

/** An administrator of the organization (appoints others, manages structure and invitations). */
export function requireAdministrator(db: Executor, identity: Identity | null, organizationId: string) {
  return requireMember(db, identity, organizationId, ['administrator']);
}

/** Staff of the organization: administrators, directors and teachers. */
export const staffRoles: readonly TRole[] = ['administrator', 'director', 'teacher'];

export function requireStaff(db: Executor, identity: Identity | null, organizationId: string) {
  return requireMember(db, identity, organizationId, staffRoles);
}

/** The places the person holds in a class, including 'child' for a parent whose child is in it. */
export async function classPlaces(db: Executor, userId: string, classId: string): Promise<ClassPlace[]> {
  const direct = await db.selectFrom('class_members').select('role').where('class_id', '=', classId).where('user_id', '=', userId).where('left_at', 'is', null).execute();
  const viaChild = await db
    .selectFrom('family_links')
    .innerJoin('class_members', 'class_members.user_id', 'family_links.child_id')
    .select('family_links.child_id')
    .where('family_links.parent_id', '=', userId)
    .where('family_links.ended_at', 'is', null)
    .where('class_members.class_id', '=', classId)
    .where('class_members.role', '=', 'student')
    .where('class_members.left_at', 'is', null)
    .limit(1)
    .execute();
  return [...direct.map((row) => row.role), ...(viaChild.length > 0 ? (['child'] as const) : [])];
}
export type ClassPlace = 'student' | 'teacher' | 'class_teacher' | 'parent' | 'staff' | 'child';

async function findClass(db: Executor, organizationId: string, classId: string) {
  return db.selectFrom('classes').select(['id', 'kind', 'organization_id']).where('id', '=', classId).where('organization_id', '=', organizationId).where('archived_at', 'is', null).executeTakeFirst();
}

/**
 * Someone who may see a class: staff of its organization see every class; students, parents
 * see only the classes they (or their children) are in. Anyone else: 404, as if it did not exist.
 */
export async function requireClassViewer(db: Executor, identity: Identity | null, organizationId: string, classId: string) {
  const member = await requireMember(db, identity, organizationId);
  const found = await findClass(db, organizationId, classId);
  if (!found) throw notFound();
  const places = await classPlaces(db, member.identity.userId, classId);
  const isStaff = member.roles.some((role) => staffRoles.includes(role));
  if (!isStaff && places.length === 0) throw notFound();
  return { ...member, places, isStaff, kind: found.kind };
}

/**
 * Someone who manages a class (its invitations and join requests): an administrator, or a
 * verified class teacher of that class. Other staff: 403; those who cannot see it: 404.
 */
export async function requireClassManager(db: Executor, identity: Identity | null, organizationId: string, classId: string) {
  const viewer = await requireClassViewer(db, identity, organizationId, classId);
  if (viewer.roles.includes('administrator')) return viewer;
  if (viewer.places.includes('class_teacher') && (await isVerifiedTeacher(db, viewer.identity.userId, organizationId))) return viewer;
  throw forbidden();
}

export async function isVerifiedTeacher(db: Executor, userId: string, organizationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .select('id')
    .where('user_id', '=', userId)
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'teacher')
    .where('ended_at', 'is', null)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}
