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
