import type { TApplication, TOrganization } from '@parta/contracts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, OrganizationKind, RegistrationApplicationsTable } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

const iso = (value: Date | string) => new Date(value).toISOString();

type ApplicationRow = Selectable<RegistrationApplicationsTable> & { order_name: string; order_content_type: string; order_size: string | number };

export function toApplication(row: ApplicationRow): TApplication {
  return {
    id: row.id,
    status: row.status,
    organization: {
      kind: row.org_kind,
      name: row.org_name,
      shortName: row.org_short_name,
      inn: row.org_inn,
      address: row.org_address,
      parentName: row.org_parent_name,
    },
    administrator: { fullName: row.admin_full_name, phone: row.admin_phone, email: row.admin_email },
    order: { name: row.order_name, contentType: row.order_content_type, size: Number(row.order_size) },
    submittedAt: iso(row.submitted_at),
    reviewedAt: row.reviewed_at ? iso(row.reviewed_at) : null,
    rejectionReason: row.rejection_reason,
    organizationId: row.organization_id,
  };
}

function selectApplications(db: Executor) {
  return db
    .selectFrom('registration_applications as a')
    .innerJoin('files as f', 'f.id', 'a.order_file_id')
    .selectAll('a')
    .select(['f.name as order_name', 'f.content_type as order_content_type', 'f.size as order_size']);
}

export async function listApplications(db: Executor, status: TApplication['status'] | undefined) {
  let query = selectApplications(db).orderBy('a.submitted_at', status === 'pending' || !status ? 'asc' : 'desc').limit(500);
  if (status) query = query.where('a.status', '=', status);
  return (await query.execute()).map(toApplication);
}

export async function findApplication(db: Executor, id: string) {
  const row = await selectApplications(db).where('a.id', '=', id).executeTakeFirst();
  return row ? toApplication(row) : null;
}

/** Locks a pending application for review; null when it does not exist or was reviewed already. */
export async function lockApplication(db: Transaction<DB>, id: string) {
  return db.selectFrom('registration_applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function insertApplication(db: Transaction<DB>, values: Omit<RegistrationApplicationsTable, 'id' | 'status' | 'submitted_at' | 'reviewed_at' | 'reviewed_by' | 'rejection_reason' | 'organization_id'> & { submitted_at: Date }) {
  return db.insertInto('registration_applications').values(values).returning('id').executeTakeFirstOrThrow();
}

export async function markReviewed(
  db: Transaction<DB>,
  id: string,
  values: { status: 'approved' | 'rejected'; reviewedBy: string; now: Date; rejectionReason?: string; organizationId?: string },
) {
  await db
    .updateTable('registration_applications')
    .set({
      status: values.status,
      reviewed_by: values.reviewedBy,
      reviewed_at: values.now,
      rejection_reason: values.rejectionReason ?? null,
      organization_id: values.organizationId ?? null,
    })
    .where('id', '=', id)
    .execute();
}

export function insertOrganization(db: Transaction<DB>, values: { kind: OrganizationKind; name: string; shortName: string; inn: string | null; address: string; parentId: string | null; now: Date }) {
  return db
    .insertInto('organizations')
    .values({ kind: values.kind, name: values.name, short_name: values.shortName, inn: values.inn, address: values.address, parent_id: values.parentId, created_at: values.now })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export function findOrganization(db: Executor, id: string) {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listAuthorities(db: Executor) {
  return db.selectFrom('organizations').select(['id', 'kind', 'name', 'short_name']).where('kind', 'in', ['region', 'municipality']).orderBy('short_name').execute();
}

export function findApplicationOrder(db: Executor, applicationId: string) {
  return db.selectFrom('registration_applications').select('order_file_id').where('id', '=', applicationId).executeTakeFirst();
}

/** The organizations a person belongs to now, each with the roles they hold there. */
export async function listMyOrganizations(db: Executor, userId: string): Promise<TOrganization[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .select(['o.id', 'o.kind', 'o.name', 'o.short_name', 'o.address', 'o.parent_id', 'm.role'])
    .where('m.user_id', '=', userId)
    .where('m.ended_at', 'is', null)
    .orderBy('o.short_name')
    .execute();
  const byId = new Map<string, TOrganization>();
  for (const row of rows) {
    const organization = byId.get(row.id) ?? {
      id: row.id,
      kind: row.kind,
      name: row.name,
      shortName: row.short_name,
      address: row.address,
      parentId: row.parent_id,
      myRoles: [],
    };
    organization.myRoles.push(row.role);
    byId.set(row.id, organization);
  }
  return [...byId.values()];
}

/** The platform operators (not deactivated), who review applications. */
export async function operatorIds(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('is_operator', '=', true).where('deactivated_at', 'is', null).execute();
  return rows.map((row) => row.id);
}
