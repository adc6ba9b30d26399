import type {
  TApplication,
  TApplicationStatus,
  TApproveApplicationRequest,
  TAuthoritiesResponse,
  TOrganization,
  TOrganizationKind,
  TSubmitApplicationRequest,
  TSubmitApplicationResponse,
} from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB } from '../../platform/db/index.ts';
import { conflict, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { requireMember } from '../access/index.ts';
import { normalizeDestination } from '../auth/index.ts';
import type { PeopleService } from '../people/index.ts';
import type { SchoolService } from '../school/index.ts';
import type { UploadsService } from '../uploads/index.ts';
import * as repository from './organizations.repository.ts';

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;

/** Which kinds of organization may stand directly above which. */
const allowedParents: Record<TOrganizationKind, readonly TOrganizationKind[]> = {
  region: [],
  municipality: ['region'],
  school: ['municipality', 'region'],
  college: ['municipality', 'region'],
  centre: ['municipality', 'region'],
};

export function createOrganizationsService(deps: {
  db: Kysely<DB>;
  clock: Clock;
  eventLog: EventLog;
  mailer: Mailer;
  people: PeopleService;
  uploads: UploadsService;
  /** Sets up a new organization (its staff room) and gives roles. */
  school: Pick<SchoolService, 'setUpOrganization' | 'grantRole'>;
  publicUrl: string;
  /** Mail that could not be sent after a committed change: logged, never undoes the change. */
  onMailFailed(error: unknown, purpose: string): void;
}) {
  const { db, clock, mailer, people, uploads } = deps;

  const sendLater = (to: string, subject: string, text: string, purpose: string) => () =>
    mailer.send({ to, subject, text }).catch((error: unknown) => deps.onMailFailed(error, purpose));

  /** A public registration application (заявка); the operator reviews it. */
  async function submitApplication(input: TSubmitApplicationRequest): Promise<TSubmitApplicationResponse> {
    const phone = normalizeDestination(input.administrator.phone);
    if (phone?.channel !== 'phone') {
      throw invalidField('administrator.phone', { ru: 'укажите мобильный телефон, например +7 900 123-45-67', en: 'enter a mobile phone number, e.g. +7 900 123-45-67' });
    }
    const { organization: org, administrator: admin } = input;
    return transaction(db, async (tx) => {
      const order = await uploads.claim(tx.db, 'appointment_order', input.orderUploadToken, 'orderUploadToken');
      const { id } = await repository.insertApplication(tx.db, {
        org_kind: org.kind,
        org_name: org.name,
        org_short_name: org.shortName,
        org_inn: org.inn,
        org_address: org.address,
        org_parent_name: org.parentName ?? null,
        admin_full_name: admin.fullName,
        admin_phone: phone.value,
        admin_email: admin.email,
        order_file_id: order.id,
        submitted_at: clock.now(),
      });
      await deps.eventLog.append(tx, await repository.operatorIds(tx.db), 'application.submitted', { applicationId: id });
      tx.afterCommit(
        sendLater(
          admin.email,
          'Заявка на регистрацию в Парте получена',
          `Здравствуйте, ${admin.fullName}!\n\nЗаявка на регистрацию организации «${org.shortName}» получена. Оператор платформы рассмотрит её и ответит на этот адрес.\n\nНомер заявки: ${id}`,
          'application received',
        ),
      );
      return { id, status: 'pending' as const };
    });
  }

  async function listApplications(status: TApplicationStatus | undefined): Promise<TApplication[]> {
    return repository.listApplications(db, status);
  }

  async function orderOf(applicationId: string) {
    const application = await repository.findApplicationOrder(db, applicationId);
    const file = application ? await uploads.read(application.order_file_id) : null;
    if (!file) throw notFound();
    return file;
  }

  /** Approval creates the organization and makes the applicant its administrator. */
  async function approve(operator: Identity, applicationId: string, input: TApproveApplicationRequest): Promise<TApplication> {
    const now = clock.now();
    await transaction(db, async (tx) => {
      const application = await repository.lockApplication(tx.db, applicationId);
      if (!application) throw notFound();
      if (application.status !== 'pending') throw conflict();
      const parentId = input.parentOrganizationId ?? null;
      if (parentId) {
        const parent = await repository.findOrganization(tx.db, parentId);
        if (!parent) throw invalidField('parentOrganizationId', { ru: 'такой организации нет', en: 'no such organization' });
        if (!allowedParents[application.org_kind].includes(parent.kind)) {
          throw invalidField('parentOrganizationId', { ru: 'эта организация не может быть вышестоящей для этой', en: 'this organization cannot be above that one' });
        }
      }
      const organization = await repository.insertOrganization(tx.db, {
        kind: application.org_kind,
        name: application.org_name,
        shortName: application.org_short_name,
        inn: application.org_inn,
        address: application.org_address,
        parentId,
        now,
      });
      const { user } = await people.findOrCreateByContact(tx, 'email', application.admin_email, 'ru', application.admin_full_name);
      await deps.school.setUpOrganization(tx, organization.id, application.org_kind);
      await deps.school.grantRole(tx, organization.id, user.id, 'administrator');
      await repository.markReviewed(tx.db, applicationId, { status: 'approved', reviewedBy: operator.userId, now, organizationId: organization.id });
      tx.afterCommit(
        sendLater(
          application.admin_email,
          'Заявка на регистрацию в Парте одобрена',
          `Здравствуйте, ${application.admin_full_name}!\n\nОрганизация «${application.org_short_name}» зарегистрирована в Парте, вы — её администратор.\nВойдите по адресу ${deps.publicUrl}/sign-in с этим адресом электронной почты: мы пришлём код для входа.`,
          'application approved',
        ),
      );
    });
    return (await repository.findApplication(db, applicationId))!;
  }

  async function reject(operator: Identity, applicationId: string, reason: string): Promise<TApplication> {
    await transaction(db, async (tx) => {
      const application = await repository.lockApplication(tx.db, applicationId);
      if (!application) throw notFound();
      if (application.status !== 'pending') throw conflict();
      await repository.markReviewed(tx.db, applicationId, { status: 'rejected', reviewedBy: operator.userId, now: clock.now(), rejectionReason: reason });
      tx.afterCommit(
        sendLater(
          application.admin_email,
          'Заявка на регистрацию в Парте отклонена',
          `Здравствуйте, ${application.admin_full_name}!\n\nЗаявка на регистрацию организации «${application.org_short_name}» отклонена.\nПричина: ${reason}\n\nВы можете исправить данные и подать новую заявку: ${deps.publicUrl}/register`,
          'application rejected',
        ),
      );
    });
    return (await repository.findApplication(db, applicationId))!;
  }

  async function authorities(): Promise<TAuthoritiesResponse> {
    const rows = await repository.listAuthorities(db);
    return { organizations: rows.map((row) => ({ id: row.id, kind: row.kind, name: row.name, shortName: row.short_name })) };
  }

  function myOrganizations(userId: string): Promise<TOrganization[]> {
    return repository.listMyOrganizations(db, userId);
  }

  async function getOrganization(identity: Identity | null, organizationId: string): Promise<TOrganization> {
    const { roles } = await requireMember(db, identity, organizationId);
    const row = await repository.findOrganization(db, organizationId);
    if (!row) throw notFound();
    return { id: row.id, kind: row.kind, name: row.name, shortName: row.short_name, address: row.address, parentId: row.parent_id, myRoles: roles };
  }

  return { submitApplication, listApplications, orderOf, approve, reject, authorities, myOrganizations, getOrganization };
}
