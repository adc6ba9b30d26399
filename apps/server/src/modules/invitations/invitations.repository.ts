import type { Kysely, Transaction } from 'kysely';
import type { DB, InvitationRole } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

const invitationColumns = [
  'invitations.id',
  'invitations.organization_id',
  'invitations.class_id',
  'invitations.role',
  'invitations.requires_approval',
  'invitations.max_uses',
  'invitations.uses',
  'invitations.expires_at',
  'invitations.created_at',
  'invitations.created_by',
  'invitations.revoked_at',
] as const;

export type InvitationRow = {
  id: string;
  organization_id: string;
  class_id: string | null;
  role: InvitationRole;
  requires_approval: boolean;
  max_uses: number;
  uses: number;
  expires_at: Date;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  class_name: string | null;
  creator_name: string;
  creator_verified: boolean;
};

function selectInvitations(db: Executor) {
  return db
    .selectFrom('invitations')
    .leftJoin('classes', 'classes.id', 'invitations.class_id')
    .innerJoin('users', 'users.id', 'invitations.created_by')
    .select(invitationColumns)
    .select(['classes.name as class_name', 'users.display_name as creator_name'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('memberships')
            .select('memberships.id')
            .whereRef('memberships.user_id', '=', 'invitations.created_by')
            .whereRef('memberships.organization_id', '=', 'invitations.organization_id')
            .where('memberships.role', '=', 'teacher')
            .where('memberships.ended_at', 'is', null)
            .where('memberships.verified_at', 'is not', null),
        )
        .as('creator_verified'),
    );
}

export function insertInvitation(
  db: Executor,
  values: { organizationId: string; classId: string | null; role: InvitationRole; tokenHash: string; requiresApproval: boolean; maxUses: number; expiresAt: Date; createdBy: string; now: Date },
) {
  return db
    .insertInto('invitations')
    .values({
      organization_id: values.organizationId,
      class_id: values.classId,
      role: values.role,
      token_hash: values.tokenHash,
      requires_approval: values.requiresApproval,
      max_uses: values.maxUses,
      expires_at: values.expiresAt,
      created_by: values.createdBy,
      created_at: values.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export function findInvitation(db: Executor, organizationId: string, id: string): Promise<InvitationRow | undefined> {
  return selectInvitations(db).where('invitations.id', '=', id).where('invitations.organization_id', '=', organizationId).executeTakeFirst() as Promise<InvitationRow | undefined>;
}

/** All links of an organization, or only those for the given classes; newest first. */
export function listInvitations(db: Executor, organizationId: string, classIds?: readonly string[]): Promise<InvitationRow[]> {
  let query = selectInvitations(db).where('invitations.organization_id', '=', organizationId);
  if (classIds) {
    if (classIds.length === 0) return Promise.resolve([]);
    query = query.where('invitations.class_id', 'in', classIds);
  }
  return query.orderBy('invitations.created_at', 'desc').limit(500).execute() as Promise<InvitationRow[]>;
}

/** The invitation behind a token, locked for the accepting transaction. */
export function lockByTokenHash(db: Transaction<DB>, tokenHash: string) {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

export function findByTokenHash(db: Executor, tokenHash: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('organizations', 'organizations.id', 'invitations.organization_id')
    .leftJoin('classes', 'classes.id', 'invitations.class_id')
    .select([...invitationColumns, 'organizations.short_name', 'organizations.name as organization_name', 'classes.name as class_name', 'classes.archived_at as class_archived_at'])
    .where('invitations.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function countUse(db: Executor, id: string) {
  await db
    .updateTable('invitations')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function revoke(db: Executor, id: string, by: string, now: Date) {
  await db.updateTable('invitations').set({ revoked_at: now, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

// --- Join requests

export function insertJoinRequest(
  db: Executor,
  values: { invitationId: string; organizationId: string; classId: string | null; userId: string; role: InvitationRole; note: string; now: Date },
) {
  return db
    .insertInto('join_requests')
    .values({
      invitation_id: values.invitationId,
      organization_id: values.organizationId,
      class_id: values.classId,
      user_id: values.userId,
      role: values.role,
      note: values.note,
      created_at: values.now,
    })
    // One pending request per person, role and place (a unique index): asking twice is a no-op.
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
}

export function findPendingJoinRequest(db: Executor, values: { organizationId: string; classId: string | null; userId: string; role: InvitationRole }) {
  let query = db
    .selectFrom('join_requests')
    .select('id')
    .where('organization_id', '=', values.organizationId)
    .where('user_id', '=', values.userId)
    .where('role', '=', values.role)
    .where('status', '=', 'pending');
  query = values.classId === null ? query.where('class_id', 'is', null) : query.where('class_id', '=', values.classId);
  return query.executeTakeFirst();
}

export type JoinRequestRow = {
  id: string;
  organization_id: string;
  class_id: string | null;
  class_name: string | null;
  user_id: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  role: InvitationRole;
  note: string;
  status: 'pending' | 'accepted' | 'declined';
  created_at: Date;
  decided_at: Date | null;
};

function selectJoinRequests(db: Executor) {
  return db
    .selectFrom('join_requests')
    .innerJoin('users', 'users.id', 'join_requests.user_id')
    .leftJoin('classes', 'classes.id', 'join_requests.class_id')
    .select([
      'join_requests.id',
      'join_requests.organization_id',
      'join_requests.class_id',
      'classes.name as class_name',
      'join_requests.user_id',
      'users.display_name',
      'users.email',
      'users.phone',
      'join_requests.role',
      'join_requests.note',
      'join_requests.status',
      'join_requests.created_at',
      'join_requests.decided_at',
    ]);
}

export function listJoinRequests(db: Executor, organizationId: string, status: 'pending' | 'accepted' | 'declined', classIds?: readonly string[]): Promise<JoinRequestRow[]> {
  let query = selectJoinRequests(db).where('join_requests.organization_id', '=', organizationId).where('join_requests.status', '=', status);
  if (classIds) {
    if (classIds.length === 0) return Promise.resolve([]);
    query = query.where('join_requests.class_id', 'in', classIds);
  }
  return query.orderBy('join_requests.created_at').limit(500).execute() as Promise<JoinRequestRow[]>;
}

export function findJoinRequest(db: Executor, organizationId: string, id: string): Promise<JoinRequestRow | undefined> {
  return selectJoinRequests(db).where('join_requests.id', '=', id).where('join_requests.organization_id', '=', organizationId).executeTakeFirst() as Promise<JoinRequestRow | undefined>;
}

export function lockJoinRequest(db: Transaction<DB>, organizationId: string, id: string) {
  return db.selectFrom('join_requests').selectAll().where('id', '=', id).where('organization_id', '=', organizationId).forUpdate().executeTakeFirst();
}

export async function decideJoinRequest(db: Executor, id: string, values: { status: 'accepted' | 'declined'; by: string; now: Date }) {
  await db.updateTable('join_requests').set({ status: values.status, decided_by: values.by, decided_at: values.now }).where('id', '=', id).execute();
}

/** The classes of the organization where the person is a class teacher now. */
export async function classesTaughtAsClassTeacher(db: Executor, organizationId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('class_members')
    .innerJoin('classes', 'classes.id', 'class_members.class_id')
    .select('classes.id')
    .where('classes.organization_id', '=', organizationId)
    .where('class_members.user_id', '=', userId)
    .where('class_members.role', '=', 'class_teacher')
    .where('class_members.left_at', 'is', null)
    .execute();
  return rows.map((row) => row.id);
}

/** Who decides join requests: the administrators, and the class teachers for a class. */
export async function deciderIds(db: Executor, organizationId: string, classId: string | null): Promise<string[]> {
  const admins = await db.selectFrom('memberships').select('user_id').where('organization_id', '=', organizationId).where('role', '=', 'administrator').where('ended_at', 'is', null).execute();
  const classTeachers = classId
    ? await db.selectFrom('class_members').select('user_id').where('class_id', '=', classId).where('role', '=', 'class_teacher').where('left_at', 'is', null).execute()
    : [];
  return [...admins, ...classTeachers].map((row) => row.user_id);
}

export async function placeNames(db: Executor, organizationId: string, classId: string | null): Promise<{ organizationName: string; className: string | null }> {
  const organization = await db.selectFrom('organizations').select('short_name').where('id', '=', organizationId).executeTakeFirstOrThrow();
  const found = classId ? await db.selectFrom('classes').select('name').where('id', '=', classId).executeTakeFirst() : undefined;
  return { organizationName: organization.short_name, className: found?.name ?? null };
}
