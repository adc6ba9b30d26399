import type { TCall, TCreateLessonRequest, TLesson } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB } from '../../platform/db/index.ts';
import { conflict, forbidden, invalidField, notFound, type Identity } from '../../platform/http/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { isVerifiedTeacher, requireClassViewer, requireMember, staffRoles } from '../access/index.ts';
import { chatMemberIds, chatPeople, postSystemMessage } from '../chats/index.ts';
import * as repository from './calls.repository.ts';
import { attendanceOf, type CallsService } from './calls.service.ts';

export type LessonsService = ReturnType<typeof createLessonsService>;

type LessonRow = {
  id: string;
  organization_id: string;
  class_id: string;
  chat_id: string;
  teacher_id: string;
  title: string;
  scheduled_for: Date | null;
  waiting_room: boolean;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
};

const notTheirClass = { ru: 'Урок для класса проводит учитель этого класса или администратор.', en: 'A class’s lesson is held by a teacher of that class or an administrator.' };

/**
 * Video lessons «Новый урок в один клик» (docs/subsystems/calls.md, Lessons): a lesson belongs to
 * a class and lives in its class chat; its call is a group call whose host is the teacher.
 */
export function createLessonsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog; calls: CallsService }) {
  const { db, clock, eventLog, calls } = deps;

  async function findLesson(lessonId: string): Promise<LessonRow | undefined> {
    return db.selectFrom('lessons').selectAll().where('id', '=', lessonId).executeTakeFirst();
  }

  /** The lesson, for the people of its class (and staff of the school) or a guest; 404 for anyone else. */
  async function requireLessonViewer(identity: Identity | null, lessonId: string) {
    const lesson = await findLesson(lessonId);
    if (!lesson) throw notFound();
    const guest = identity ? await db.selectFrom('lesson_guests').select('user_id').where('lesson_id', '=', lessonId).where('user_id', '=', identity.userId).executeTakeFirst() : undefined;
    if (guest) return { lesson, person: identity!, isStaff: true };
    const viewer = await requireClassViewer(db, identity, lesson.organization_id, lesson.class_id);
    return { lesson, person: viewer.identity, isStaff: viewer.isStaff };
  }

  /** Whether someone is a member of a chat now (a lesson's class chat). */
  async function inChat(chatId: string, userId: string) {
    const row = await db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chatId).where('user_id', '=', userId).where('left_at', 'is', null).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The lesson as `viewerId` sees it: with the attendance for staff once it has ended, and whether
   * they may join. `inClassChat`: whether they are in its class chat, when the caller knows it.
   */
  async function toLesson(lesson: LessonRow, viewerId: string, withAttendance: boolean, inClassChat?: boolean): Promise<TLesson> {
    const [klass, call, guests, member] = await Promise.all([
      db.selectFrom('classes').select('name').where('id', '=', lesson.class_id).executeTakeFirstOrThrow(),
      repository.findLessonCall(db, lesson.id),
      db.selectFrom('lesson_guests').select('user_id').where('lesson_id', '=', lesson.id).execute(),
      inClassChat ?? inChat(lesson.chat_id, viewerId),
    ]);
    // Removed by the teacher: out of this lesson for good (calls.service's join refuses them). Asked only while it runs.
    const removed = call && !lesson.ended_at ? (await repository.participant(db, call.id, viewerId))?.state === 'removed' : false;
    const people = new Map((await chatPeople(db, lesson.organization_id, [lesson.teacher_id, ...guests.map((row) => row.user_id)])).map((row) => [row.id, row]));
    const ref = (id: string) => ({ id, displayName: people.get(id)?.display_name ?? '', verifiedTeacher: Boolean(people.get(id)?.verified) });
    const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
    return {
      id: lesson.id,
      organizationId: lesson.organization_id,
      classId: lesson.class_id,
      className: klass.name,
      chatId: lesson.chat_id,
      title: lesson.title,
      teacher: ref(lesson.teacher_id),
      scheduledFor: iso(lesson.scheduled_for),
      waitingRoom: lesson.waiting_room,
      status: lesson.ended_at ? 'ended' : lesson.started_at ? 'live' : 'scheduled',
      callId: call?.id ?? null,
      startedAt: iso(lesson.started_at),
      endedAt: iso(lesson.ended_at),
      guests: guests.map((row) => ref(row.user_id)),
      // As calls.service's requireCallMember lets people into the lesson's call.
      canJoin: !removed && (viewerId === lesson.teacher_id || member || guests.some((row) => row.user_id === viewerId)),
      inClassChat: member,
      attendance: withAttendance && lesson.ended_at && call ? await attendanceOf(db, call) : null,
    };
  }

  return {
    /** Plans a lesson for a class, or makes one to start at once; its link goes to the class chat. */
    async create(identity: Identity | null, classId: string, input: TCreateLessonRequest): Promise<TLesson> {
      const klass = await db.selectFrom('classes').select(['id', 'organization_id', 'name', 'kind']).where('id', '=', classId).executeTakeFirst();
      if (!klass) throw notFound();
      const { identity: person, roles } = await requireMember(db, identity, klass.organization_id);
      const isManager = roles.includes('administrator') || roles.includes('director');
      if (!isManager && !(roles.includes('teacher') && (await isVerifiedTeacher(db, person.userId, klass.organization_id)))) {
        // Students, parents, and teachers whose status is not confirmed yet.
        throw forbidden({ ru: 'Уроки проводят учителя с подтверждённым статусом и администраторы.', en: 'Lessons are held by teachers with a confirmed status and administrators.' });
      }
      if (klass.kind !== 'class') throw conflict({ ru: 'Урок проводится для класса, не для учительской.', en: 'A lesson is held for a class, not the staff room.' });
      const chat = await db.selectFrom('chats').select('id').where('class_id', '=', classId).where('kind', '=', 'class').executeTakeFirst();
      if (!chat) throw conflict({ ru: 'У класса ещё нет чата класса: его открывает классный руководитель или администратор на странице класса.', en: 'The class has no class chat yet: its class teacher or an administrator opens it on the class page.' });
      // Administrators and directors hold a lesson for any class; a teacher for a class they teach (in its chat).
      if (!isManager && !(await chatMemberIds(db, chat.id)).includes(person.userId)) throw forbidden(notTheirClass);
      const now = clock.now();
      const scheduledFor = input.scheduledFor ? new Date(input.scheduledFor) : null;
      if (scheduledFor && scheduledFor.getTime() < now.getTime() - 60_000) throw invalidField('scheduledFor', { ru: 'время урока уже прошло', en: 'this time has already passed' });
      const guestIds = [...new Set(input.guestIds ?? [])].filter((id) => id !== person.userId);
      if (guestIds.length > 0) {
        const staff = await db
          .selectFrom('memberships')
          .select('user_id')
          .where('organization_id', '=', klass.organization_id)
          .where('user_id', 'in', guestIds)
          .where('role', 'in', [...staffRoles])
          .where('ended_at', 'is', null)
          .execute();
        if (guestIds.some((id) => !staff.some((row) => row.user_id === id))) throw invalidField('guestIds', { ru: 'пригласить можно только сотрудников школы', en: 'only staff of the school can be invited' });
      }
      const id = await transaction(db, async (tx) => {
        const row = await tx.db
          .insertInto('lessons')
          .values({ organization_id: klass.organization_id, class_id: classId, chat_id: chat.id, teacher_id: person.userId, title: input.title, scheduled_for: scheduledFor, waiting_room: input.waitingRoom ?? false, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (guestIds.length > 0) await tx.db.insertInto('lesson_guests').values(guestIds.map((userId) => ({ lesson_id: row.id, user_id: userId }))).execute();
        if (scheduledFor) {
          const [me] = await chatPeople(tx.db, klass.organization_id, [person.userId]);
          await postSystemMessage(tx, { eventLog, now }, chat.id, {
            action: 'lesson',
            actor: { id: person.userId, displayName: me?.display_name ?? '' },
            subjects: [],
            title: null,
            lesson: { lessonId: row.id, title: input.title, outcome: 'scheduled', scheduledFor: scheduledFor.toISOString(), durationSeconds: null, attendance: null },
          });
        }
        return row.id;
      });
      return toLesson((await findLesson(id))!, person.userId, false);
    },

    async get(identity: Identity | null, lessonId: string): Promise<TLesson> {
      const { lesson, person, isStaff } = await requireLessonViewer(identity, lessonId);
      return toLesson(lesson, person.userId, isStaff);
    },

    /** The class's lessons: planned and live ones, and the last ended ones (newest first, 20). */
    async listForClass(identity: Identity | null, classId: string): Promise<TLesson[]> {
      const klass = await db.selectFrom('classes').select(['organization_id']).where('id', '=', classId).executeTakeFirst();
      if (!klass) throw notFound();
      const viewer = await requireClassViewer(db, identity, klass.organization_id, classId);
      const rows = await db.selectFrom('lessons').selectAll().where('class_id', '=', classId).orderBy('created_at', 'desc').limit(20).execute();
      // The class's lessons share its class chat: whether the viewer is in it is asked once per chat.
      const membership = new Map<string, Promise<boolean>>();
      for (const row of rows) if (!membership.has(row.chat_id)) membership.set(row.chat_id, inChat(row.chat_id, viewer.identity.userId));
      return Promise.all(rows.map(async (row) => toLesson(row, viewer.identity.userId, viewer.isStaff, await membership.get(row.chat_id))));
    },

    /** The teacher starts the lesson from this device: its call begins and the class chat says so. */
    async start(identity: Identity | null, lessonId: string, connectionId: string): Promise<TCall> {
      const { lesson, person } = await requireLessonViewer(identity, lessonId);
      if (lesson.teacher_id !== person.userId) throw forbidden({ ru: 'Начать урок может только его учитель.', en: 'Only the lesson’s teacher can start it.' });
      if (lesson.ended_at) throw conflict({ ru: 'Урок уже завершён.', en: 'The lesson has already ended.' });
      const running = await db.selectFrom('calls').select('id').where('lesson_id', '=', lessonId).executeTakeFirst();
      if (running) return calls.join(identity, running.id, { connectionId });
      const call = await calls.startLesson({ id: lesson.id, chatId: lesson.chat_id, organizationId: lesson.organization_id, teacherId: lesson.teacher_id, waitingRoom: lesson.waiting_room }, connectionId);
      await transaction(db, async (tx) => {
        const now = clock.now();
        await postSystemMessage(tx, { eventLog, now }, lesson.chat_id, {
          action: 'lesson',
          actor: { id: person.userId, displayName: call.startedBy.displayName },
          subjects: [],
          title: null,
          lesson: { lessonId: lesson.id, title: lesson.title, outcome: 'started', scheduledFor: lesson.scheduled_for ? new Date(lesson.scheduled_for).toISOString() : null, durationSeconds: null, attendance: null },
        });
      });
      return call;
    },
  };
}

