import { createHash, randomBytes } from 'node:crypto';
import type {
  TAcceptInvitationResponse,
  TCreateInvitationRequest,
  TCreatedInvitation,
  TInvitation,
  TInvitationPreview,
  TJoinRequest,
} from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type InvitationRole, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { activeRoles, classPlaces, isVerifiedTeacher, requireClassManager, requireMember, requireSignedIn } from '../access/index.ts';
import type { SchoolService } from '../school/index.ts';
import * as repository from './invitations.repository.ts';

export type InvitationsService = ReturnType<typeof createInvitationsService>;

const dayMs = 86_400_000;
const defaultExpiryDays = 7;
/** A staff link is usually for one person; a class link for the whole class and its parents. */
const defaultMaxUses: Record<InvitationRole, number> = { director: 1, teacher: 1, student: 40, parent: 80 };

/**
 * Every invalid link — wrong, expired, used up, revoked — answers exactly this, so a link tells
 * nothing about what it pointed to unless it works.
 */
export const invalidLink = () => new AppError(404, 'not_found', { detail: { ru: 'Ссылка недействительна.', en: 'This link is not valid.' } });

export const hashInvitationToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new link secret: 192 random bits, URL-safe. Only its hash is stored. */
export const newInvitationToken = () => randomBytes(24).toString('base64url');

export function stateOf(row: { revoked_at: Date | string | null; expires_at: Date | string; uses: number; max_uses: number }, now: Date): TInvitation['state'] {
  if (row.revoked_at) return 'revoked';
  if (new Date(row.expires_at) <= now) return 'expired';
  if (row.uses >= row.max_uses) return 'used_up';
  return 'active';
}

export function createInvitationsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog; school: SchoolService; publicUrl: string }) {
  const { db, clock, eventLog, school } = deps;

  function toInvitation(row: repository.InvitationRow): TInvitation {
    return {
      id: row.id,
      role: row.role,
      class: row.class_id ? { id: row.class_id, name: row.class_name ?? '' } : null,
      requiresApproval: row.requires_approval,
      maxUses: row.max_uses,
      uses: row.uses,
      expiresAt: new Date(row.expires_at).toISOString(),
      createdAt: new Date(row.created_at).toISOString(),
      createdBy: { id: row.created_by, displayName: row.creator_name, verifiedTeacher: row.creator_verified },
      state: stateOf(row, clock.now()),
    };
  }

  /**
   * Who manages links and requests here: administrators (all of them), or verified class
   * teachers (those of their classes). Returns the class ids in reach, or null for "all".
   */
  async function managedScope(identity: Identity | null, organizationId: string): Promise<{ identity: Identity; classIds: string[] | null }> {
    const member = await requireMember(db, identity, organizationId);
    if (member.roles.includes('administrator')) return { identity: member.identity, classIds: null };
    const classIds = await repository.classesTaughtAsClassTeacher(db, organizationId, member.identity.userId);
    if (classIds.length === 0 || !(await isVerifiedTeacher(db, member.identity.userId, organizationId))) throw forbidden();
    return { identity: member.identity, classIds };
  }

  async function create(identity: Identity | null, organizationId: string, input: TCreateInvitationRequest): Promise<TCreatedInvitation> {
    let creator: Identity;
    if (input.classId) {
      const manager = await requireClassManager(db, identity, organizationId, input.classId);
      if (manager.kind === 'staff_room') throw invalidField('classId', { ru: 'в «Учительскую» попадают все сотрудники сами', en: 'all staff join the staff room by themselves' });
      const isAdmin = manager.roles.includes('administrator');
      if (!isAdmin && (input.role === 'director' || input.role === 'teacher')) throw forbidden();
      creator = manager.identity;
    } else {
      const member = await requireMember(db, identity, organizationId);
      if (!member.roles.includes('administrator')) throw forbidden();
      creator = member.identity;
    }
    const now = clock.now();
    const token = newInvitationToken();
    const { id } = await repository.insertInvitation(db, {
      organizationId,
      classId: input.classId ?? null,
      role: input.role,
      tokenHash: hashInvitationToken(token),
      requiresApproval: input.requiresApproval ?? false,
      maxUses: input.maxUses ?? defaultMaxUses[input.role],
      expiresAt: new Date(now.getTime() + (input.expiresInDays ?? defaultExpiryDays) * dayMs),
      createdBy: creator.userId,
      now,
    });
    const row = (await repository.findInvitation(db, organizationId, id))!;
    return { ...toInvitation(row), token, url: `${deps.publicUrl}/join/${token}` };
  }

  async function list(identity: Identity | null, organizationId: string): Promise<TInvitation[]> {
    const scope = await managedScope(identity, organizationId);
    const rows = await repository.listInvitations(db, organizationId, scope.classIds ?? undefined);
    return rows.map(toInvitation);
  }

  /** Revocation takes effect at once: the next use of the link finds it revoked. */
  async function revoke(identity: Identity | null, organizationId: string, invitationId: string): Promise<TInvitation> {
    const scope = await managedScope(identity, organizationId);
    const row = await repository.findInvitation(db, organizationId, invitationId);
    if (!row || (scope.classIds && (!row.class_id || !scope.classIds.includes(row.class_id)))) throw notFound();
    await repository.revoke(db, invitationId, scope.identity.userId, clock.now());
    return toInvitation((await repository.findInvitation(db, organizationId, invitationId))!);
  }

  /** What a link leads to, for its landing page. Anyone may look; invalid links say only that. */
  async function preview(identity: Identity | null, token: string): Promise<TInvitationPreview> {
    const row = await repository.findByTokenHash(db, hashInvitationToken(token));
    if (!row || stateOf(row, clock.now()) !== 'active' || row.class_archived_at) throw invalidLink();
    let alreadyMember = false;
    if (identity) {
      const roles = await activeRoles(db, identity.userId, row.organization_id);
      alreadyMember = roles.includes(row.role) && (!row.class_id || (await classPlaces(db, identity.userId, row.class_id)).length > 0);
    }
    return {
      organization: { shortName: row.short_name, name: row.organization_name },
      class: row.class_id ? { name: row.class_name ?? '' } : null,
      role: row.role,
      requiresApproval: row.requires_approval,
      alreadyMember,
      organizationId: alreadyMember ? row.organization_id : null,
    };
  }

  /** The role and the place are the link's, never the client's. */
  async function join(tx: Tx, invitation: { organization_id: string; class_id: string | null; role: InvitationRole }, userId: string): Promise<void> {
    await school.grantRole(tx, invitation.organization_id, userId, invitation.role);
    if (invitation.class_id) {
      const place = invitation.role === 'director' ? 'teacher' : invitation.role;
      await school.placeInClass(tx, invitation.organization_id, invitation.class_id, userId, place);
    }
  }

  async function accept(identity: Identity | null, token: string, note: string): Promise<TAcceptInvitationResponse> {
    const person = requireSignedIn(identity);
    const now = clock.now();
    return transaction(db, async (tx) => {
      const invitation = await repository.lockByTokenHash(tx.db, hashInvitationToken(token));
      if (!invitation || stateOf(invitation, now) !== 'active') throw invalidLink();
      const place = { organizationId: invitation.organization_id, classId: invitation.class_id };
      const roles = await activeRoles(tx.db, person.userId, invitation.organization_id);
      const inClass = invitation.class_id ? (await classPlaces(tx.db, person.userId, invitation.class_id)).length > 0 : true;
      if (roles.includes(invitation.role) && inClass) return { status: 'joined' as const, ...place };
      if (invitation.requires_approval) {
        const pending = await repository.findPendingJoinRequest(tx.db, { ...place, userId: person.userId, role: invitation.role });
        if (pending) return { status: 'pending' as const, ...place };
        const inserted = await repository.insertJoinRequest(tx.db, { invitationId: invitation.id, ...place, userId: person.userId, role: invitation.role, note, now });
        await repository.countUse(tx.db, invitation.id);
        if (inserted) await eventLog.append(tx, await repository.deciderIds(tx.db, invitation.organization_id, invitation.class_id), 'joinRequest.created', { organizationId: invitation.organization_id, requestId: inserted.id });
        return { status: 'pending' as const, ...place };
      }
      await repository.countUse(tx.db, invitation.id);
      await join(tx, invitation, person.userId);
      return { status: 'joined' as const, ...place };
    });
  }

  /** Who is told about a join request: the administrators, and the class teachers for a class. */
  function toJoinRequest(row: repository.JoinRequestRow, seesContacts: boolean): TJoinRequest {
    return {
      id: row.id,
      person: { id: row.user_id, displayName: row.display_name, email: seesContacts ? row.email : null, phone: seesContacts ? row.phone : null },
      role: row.role,
      class: row.class_id ? { id: row.class_id, name: row.class_name ?? '' } : null,
      note: row.note,
      status: row.status,
      createdAt: new Date(row.created_at).toISOString(),
      decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
    };
  }

  async function listRequests(identity: Identity | null, organizationId: string, status: 'pending' | 'accepted' | 'declined'): Promise<TJoinRequest[]> {
    const scope = await managedScope(identity, organizationId);
    const rows = await repository.listJoinRequests(db, organizationId, status, scope.classIds ?? undefined);
    return rows.map((row) => toJoinRequest(row, scope.classIds === null));
  }

  async function decide(identity: Identity | null, organizationId: string, requestId: string, decision: 'accepted' | 'declined'): Promise<TJoinRequest> {
    const scope = await managedScope(identity, organizationId);
    await transaction(db, async (tx) => {
      const request = await repository.lockJoinRequest(tx.db, organizationId, requestId);
      if (!request || (scope.classIds && (!request.class_id || !scope.classIds.includes(request.class_id)))) throw notFound();
      if (request.status !== 'pending') throw conflict({ ru: 'По этой заявке уже приняли решение.', en: 'This request has already been decided.' });
      await repository.decideJoinRequest(tx.db, requestId, { status: decision, by: scope.identity.userId, now: clock.now() });
      if (decision === 'accepted') await join(tx, request, request.user_id);
      const names = await repository.placeNames(tx.db, organizationId, request.class_id);
      await eventLog.append(tx, [request.user_id], 'joinRequest.decided', { organizationId, ...names, status: decision });
    });
    return toJoinRequest((await repository.findJoinRequest(db, organizationId, requestId))!, scope.classIds === null);
  }

  return { create, list, revoke, preview, accept, listRequests, decide };
}
