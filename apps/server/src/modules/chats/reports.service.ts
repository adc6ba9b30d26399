import type { TMessageReport, TReportMessageRequest, TResolveReportRequest } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { conflict, forbidden, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { requireMember } from '../access/index.ts';
import { removeAttachmentsOf, type AttachmentDeps } from './attachments.ts';
import * as repository from './chats.repository.ts';
import { requireChatMember } from './chats.service.ts';
import { peopleOfClasses } from './class-people.ts';
import { loadMessage } from './views.ts';

export type ReportsService = ReturnType<typeof createReportsService>;

/**
 * Reports of messages (жалобы): anyone in a chat reports a message to the organization's
 * administrators and to the class teacher concerned — of the class the chat belongs to, or of the
 * reporting student or parent. They see a queue, delete the message for everyone or dismiss the
 * report. The report keeps what the message said, so deleting or editing it afterwards hides nothing.
 */
export function createReportsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog; uploads: AttachmentDeps['uploads'] }) {
  const { db, clock, eventLog } = deps;

  /** The classes where the person is class teacher in this organization. */
  async function classesLedBy(organizationId: string, userId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('class_members')
      .innerJoin('classes', 'classes.id', 'class_members.class_id')
      .select('class_members.class_id')
      .where('class_members.user_id', '=', userId)
      .where('class_members.role', '=', 'class_teacher')
      .where('class_members.left_at', 'is', null)
      .where('classes.organization_id', '=', organizationId)
      .execute();
    return rows.map((row) => row.class_id);
  }

  /** Who sees a report: the organization's administrators and the class teachers concerned. */
  async function moderatorsOf(tx: Tx, organizationId: string, chatClassId: string | null, reporterId: string): Promise<string[]> {
    const administrators = await tx.db.selectFrom('memberships').select('user_id').where('organization_id', '=', organizationId).where('role', '=', 'administrator').where('ended_at', 'is', null).execute();
    const reporterClasses = await tx.db
      .selectFrom('class_members')
      .innerJoin('classes', 'classes.id', 'class_members.class_id')
      .select('class_members.class_id')
      .where('class_members.user_id', '=', reporterId)
      .where('class_members.role', 'in', ['student', 'parent'])
      .where('class_members.left_at', 'is', null)
      .where('classes.organization_id', '=', organizationId)
      .execute();
    const childClasses = await tx.db
      .selectFrom('family_links')
      .innerJoin('class_members', 'class_members.user_id', 'family_links.child_id')
      .select('class_members.class_id')
      .where('family_links.parent_id', '=', reporterId)
      .where('family_links.ended_at', 'is', null)
      .where('class_members.role', '=', 'student')
      .where('class_members.left_at', 'is', null)
      .execute();
    const classIds = [...new Set([...(chatClassId ? [chatClassId] : []), ...reporterClasses.map((r) => r.class_id), ...childClasses.map((r) => r.class_id)])];
    const classTeachers = classIds.length === 0 ? [] : await tx.db.selectFrom('class_members').select('user_id').where('class_id', 'in', classIds).where('role', '=', 'class_teacher').where('left_at', 'is', null).execute();
    return [...new Set([...administrators.map((r) => r.user_id), ...classTeachers.map((r) => r.user_id)])];
  }

  async function report(identity: Identity | null, chatId: string, messageId: string, input: TReportMessageRequest): Promise<{ id: string }> {
    const { person, chat, membership } = await requireChatMember(db, identity, chatId);
    const row = await repository.findMessage(db, messageId);
    if (!row || row.chat_id !== chatId || row.seq <= membership.joinedSeq) throw notFound();
    if (row.kind !== 'text' || row.deleted_at) throw conflict({ ru: 'На это сообщение нельзя пожаловаться.', en: 'This message cannot be reported.' });
    if (row.author_id === person.userId) throw conflict({ ru: 'На своё сообщение жаловаться не нужно — его можно удалить.', en: 'No need to report your own message — you can delete it.' });
    return transaction(db, async (tx) => {
      const id = await repository.insertReport(tx.db, { messageId, organizationId: chat.organization_id, reporterId: person.userId, reason: input.reason, messageText: row.body, now: clock.now() });
      if (!id) throw conflict({ ru: 'Вы уже пожаловались на это сообщение.', en: 'You have already reported this message.' });
      await eventLog.append(tx, await moderatorsOf(tx, chat.organization_id, chat.class_id, person.userId), 'report.changed', { organizationId: chat.organization_id });
      return { id };
    });
  }

  /** The reports the person may see: all for administrators, their classes' for class teachers; others 403. */
  async function visibleReports(identity: Identity | null, organizationId: string, options: { open?: boolean; reportIds?: string[] }) {
    const me = await requireMember(db, identity, organizationId);
    const rows = await repository.listReports(db, organizationId, options);
    if (me.roles.includes('administrator')) return { me, rows };
    const classIds = await classesLedBy(organizationId, me.identity.userId);
    if (classIds.length === 0) throw forbidden();
    const theirPeople = new Set((await peopleOfClasses(db, classIds)).filter((p) => p.place === 'student' || p.place === 'parent').map((p) => p.userId));
    return { me, rows: rows.filter((row) => (row.class_id !== null && classIds.includes(row.class_id)) || theirPeople.has(row.reporter_id)) };
  }

  async function listReports(identity: Identity | null, organizationId: string, status: 'open' | 'closed'): Promise<TMessageReport[]> {
    const { rows } = await visibleReports(identity, organizationId, { open: status === 'open' });
    return rows.map((row) => ({
      id: row.id,
      chatId: row.chat_id,
      chatTitle: row.chat_title,
      messageId: row.message_id,
      messageText: row.message_text,
      author: row.author_id ? { id: row.author_id, displayName: row.author_name ?? '', verifiedTeacher: false } : null,
      reporter: { id: row.reporter_id, displayName: row.reporter_name, verifiedTeacher: false },
      reason: row.reason,
      createdAt: new Date(row.created_at).toISOString(),
      status: row.resolution ?? 'open',
    }));
  }

  /** Deletes the message for everyone (closing every report of it) or dismisses this report. */
  async function resolve(identity: Identity | null, organizationId: string, reportId: string, input: TResolveReportRequest): Promise<void> {
    const { me, rows } = await visibleReports(identity, organizationId, { reportIds: [reportId] });
    const found = rows[0];
    if (!found) throw notFound();
    if (found.resolution) throw conflict({ ru: 'Жалоба уже рассмотрена.', en: 'The report has already been dealt with.' });
    const now = clock.now();
    await transaction(db, async (tx) => {
      if (input.action === 'delete') {
        await repository.deleteMessage(tx.db, found.message_id, me.identity.userId, now);
        await removeAttachmentsOf(tx, { uploads: deps.uploads }, [found.message_id]);
        await repository.resolveReports(tx.db, { messageId: found.message_id, resolution: 'deleted', by: me.identity.userId, now });
        const message = await loadMessage(tx.db, found.message_id);
        await eventLog.append(tx, await repository.activeMemberIds(tx.db, found.chat_id), 'message.updated', { message });
      } else {
        await repository.resolveReports(tx.db, { reportId, resolution: 'dismissed', by: me.identity.userId, now });
      }
      await eventLog.append(tx, await moderatorsOf(tx, organizationId, found.class_id, found.reporter_id), 'report.changed', { organizationId });
    });
  }

  return { report, listReports, resolve };
}
