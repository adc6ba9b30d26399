import { callRingSeconds, type TCall, type TJoinCallRequest, type TLessonAttendance, type TStartCallRequest, type TUpdateCallMediaRequest } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, type Identity, type LocalizedText } from '../../platform/http/index.ts';
import type { MediaRoomRef, MediaServers, MediaStreamType } from '../../platform/media/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { requireClassViewer } from '../access/index.ts';
import { chatMemberIds, chatPeople, postSystemMessage, requireChatMember } from '../chats/index.ts';
import * as repository from './calls.repository.ts';

export type CallsService = ReturnType<typeof createCallsService>;

/**
 * A lesson's attendance: everyone who came (first join, time over all joins), then the class's
 * students who did not come (0 s), by name.
 */
export async function attendanceOf(db: Kysely<DB>, call: repository.CallRow): Promise<TLessonAttendance[]> {
  const rows = (await repository.participants(db, call.id)).filter((row) => row.joined_at !== null);
  const lesson = call.lesson_id ? await db.selectFrom('lessons').select('class_id').where('id', '=', call.lesson_id).executeTakeFirst() : undefined;
  const students = lesson
    ? await db.selectFrom('class_members').select('user_id').where('class_id', '=', lesson.class_id).where('role', '=', 'student').where('left_at', 'is', null).execute()
    : [];
  const absent = students.map((row) => row.user_id).filter((id) => !rows.some((row) => row.user_id === id));
  const people = new Map((await chatPeople(db, call.organization_id, [...rows.map((row) => row.user_id), ...absent])).map((row) => [row.id, row]));
  const person = (id: string) => ({ id, displayName: people.get(id)?.display_name ?? '', verifiedTeacher: Boolean(people.get(id)?.verified) });
  const byName = (a: TLessonAttendance, b: TLessonAttendance) => a.person.displayName.localeCompare(b.person.displayName, 'ru');
  return [
    ...rows.map((row) => ({ person: person(row.user_id), joinedAt: new Date(row.joined_at!).toISOString(), seconds: row.seconds_in })).sort(byName),
    ...absent.map((id) => ({ person: person(id), joinedAt: null, seconds: 0 })).sort(byName),
  ];
}

/** A device whose socket closed stays in the call this long, waiting for it to reconnect. */
export const reconnectGraceMs = 20_000;
const notInvitedToLesson: LocalizedText = {
  ru: 'На урок приходят ученики класса, учитель и сотрудники, которых он пригласил.',
  en: 'The lesson is for the class, its teacher and the staff the teacher invited.',
};
/** Chats up to this size ring everyone when a call starts; bigger ones only announce it. */
const ringAllUpTo = 50;
/** Most participants a group call's room admits (video lessons: 100). */
export const maxCallParticipants = 100;

const notInSchool: LocalizedText = { ru: 'Звонки доступны участникам школы.', en: 'Calls are for members of a school.' };
const mediaServerMissing: LocalizedText = {
  ru: 'Групповые звонки недоступны: медиасервер не запущен. Звонки один на один работают.',
  en: 'Group calls are unavailable: the media server is not running. One-to-one calls still work.',
};
const callEnded: LocalizedText = { ru: 'Звонок уже завершён.', en: 'The call has already ended.' };

/**
 * Calls in chats (docs/subsystems/calls.md): who is in a call and its lifecycle live in
 * PostgreSQL (any node may serve any request); media negotiation is in signalling.ts.
 */
export function createCallsService(deps: { db: Kysely<DB>; clock: Clock; eventLog: EventLog; media: MediaServers | null; onMediaError?(error: unknown): void }) {
  const { db, clock, eventLog } = deps;

  /**
   * The call, for a member of its chat — or, for a lesson, also its teacher and invited staff;
   * 404 for anyone else. `isHost`: the lesson's teacher or whoever started the call, or (plain
   * calls) an administrator of the chat: they moderate.
   */
  async function requireCallMember(identity: Identity | null, callId: string) {
    const call = await repository.findCall(db, callId);
    if (!call) throw notFound();
    const asMember = await requireChatMember(db, identity, call.chat_id).catch((error: unknown) => {
      if (call.lesson_id && error instanceof AppError && error.status === 404) return null;
      throw error;
    });
    if (!asMember) {
      // A lesson's guest (invited staff) who is not in the class chat.
      const person = identity!;
      const guest = await db.selectFrom('lesson_guests').select('user_id').where('lesson_id', '=', call.lesson_id!).where('user_id', '=', person.userId).executeTakeFirst();
      if (!guest && call.started_by !== person.userId) {
        // Whoever sees the lesson (staff of the school, parents of the class) is told why; 404 for everyone else.
        const lesson = await db.selectFrom('lessons').select(['organization_id', 'class_id']).where('id', '=', call.lesson_id!).executeTakeFirstOrThrow();
        await requireClassViewer(db, person, lesson.organization_id, lesson.class_id);
        throw forbidden(notInvitedToLesson);
      }
      return { person, call, isHost: call.started_by === person.userId };
    }
    const isHost = call.started_by === asMember.person.userId || (call.kind === 'call' && asMember.membership.role === 'admin');
    return { person: asMember.person, call, isHost };
  }

  function requireHost(isHost: boolean) {
    if (!isHost) throw forbidden({ ru: 'Это может только ведущий: учитель урока или тот, кто начал звонок.', en: 'Only the host can do this: the lesson’s teacher or whoever started the call.' });
  }

  /** Everyone who hears of a call: its chat's members, and a lesson's guests and participants from outside the chat. */
  async function audienceOf(tx: Tx, call: repository.CallRow) {
    const members = await chatMemberIds(tx.db, call.chat_id);
    if (!call.lesson_id) return members;
    const guests = await tx.db.selectFrom('lesson_guests').select('user_id').where('lesson_id', '=', call.lesson_id).execute();
    const participants = await repository.participants(tx.db, call.id);
    return [...new Set([...members, ...guests.map((row) => row.user_id), ...participants.map((row) => row.user_id)])];
  }

  async function announce(tx: Tx, call: repository.CallRow, name: 'call.started' | 'call.updated') {
    const fresh = (await repository.findCall(tx.db, call.id))!;
    const view = await repository.toCall(tx.db, fresh);
    await eventLog.append(tx, await audienceOf(tx, fresh), name, { call: view });
    return view;
  }

  /**
   * Applies the host's mute at the media server (after commit): the participant's audio reaches
   * nobody. With the feed's stored m-lines, so a feed whose media is still connecting is reached too.
   */
  function moderateAfterCommit(tx: Tx, call: repository.CallRow, rows: readonly repository.ParticipantRow[], audio: boolean) {
    const feeds = rows.flatMap((row) => (row.feed_id === null ? [] : [{ feedId: row.feed_id, streams: row.feed_streams ?? undefined }]));
    if (!deps.media || !call.media_instance || call.media_room === null || feeds.length === 0) return;
    const media = deps.media;
    const ref: MediaRoomRef = { instance: call.media_instance, roomId: call.media_room };
    tx.afterCommit(async () => {
      for (const { feedId, streams } of feeds) await media.moderate(ref, feedId, { audio }, streams).catch((error: unknown) => deps.onMediaError?.(error));
    });
  }

  /** Ends a call: everyone still in it leaves, the chat gets «Звонок, 3 мин» (or missed/declined). */
  async function endCall(tx: Tx, call: repository.CallRow, outcome: 'ended' | 'missed' | 'declined') {
    const now = clock.now();
    const rows = await repository.participants(tx.db, call.id);
    await repository.markLeft(
      tx.db,
      call.id,
      rows.filter((row) => row.state === 'joined' || row.state === 'waiting').map((row) => row.user_id),
      now,
    );
    await repository.setEnded(tx.db, call.id, now);
    const durationSeconds = call.answered_at ? Math.max(0, Math.round((now.getTime() - new Date(call.answered_at).getTime()) / 1000)) : null;
    const starter = await tx.db.selectFrom('users').select(['id', 'display_name']).where('id', '=', call.started_by).executeTakeFirstOrThrow();
    const actor = { id: starter.id, displayName: starter.display_name };
    if (call.lesson_id) {
      // A lesson: its attendance (who, when, how long — and the class's students who did not come) in the class chat.
      const lesson = (await tx.db.updateTable('lessons').set({ ended_at: now }).where('id', '=', call.lesson_id).returning(['id', 'title', 'scheduled_for', 'started_at']).executeTakeFirst())!;
      await postSystemMessage(tx, { eventLog, now }, call.chat_id, {
        action: 'lesson',
        actor,
        subjects: [],
        title: null,
        lesson: {
          lessonId: lesson.id,
          title: lesson.title,
          outcome: 'ended',
          scheduledFor: lesson.scheduled_for ? new Date(lesson.scheduled_for).toISOString() : null,
          durationSeconds: Math.max(0, Math.round((now.getTime() - new Date(call.started_at).getTime()) / 1000)),
          attendance: await attendanceOf(tx.db, call),
        },
      });
    } else {
      await postSystemMessage(tx, { eventLog, now }, call.chat_id, { action: 'call', actor, subjects: [], title: null, call: { callId: call.id, outcome, video: call.video, durationSeconds } });
    }
    const view = await announce(tx, call, 'call.updated');
    if (call.media_instance && call.media_room !== null && deps.media) {
      const ref: MediaRoomRef = { instance: call.media_instance, roomId: call.media_room };
      const media = deps.media;
      tx.afterCommit(() => media.destroyRoom(ref).catch((error: unknown) => deps.onMediaError?.(error)));
    }
    return view;
  }

  /** After someone left: a one-to-one call ends when one side hangs up, a group call when the last one leaves. */
  async function endIfOver(tx: Tx, call: repository.CallRow) {
    const rows = await repository.participants(tx.db, call.id);
    const joined = rows.filter((row) => row.state === 'joined').length;
    if (call.mode === 'p2p' && call.answered_at && joined < 2) return endCall(tx, call, 'ended');
    if (joined === 0) {
      if (call.answered_at) return endCall(tx, call, 'ended');
      // Nobody answered: declined when everyone invited declined, otherwise missed.
      const declined = rows.some((row) => row.state === 'declined') && !rows.some((row) => row.state === 'invited');
      return endCall(tx, call, declined ? 'declined' : 'missed');
    }
    return undefined;
  }

  async function lockLive(tx: Tx, callId: string): Promise<repository.CallRow> {
    const call = await repository.findCall(tx.db, callId, { forUpdate: true });
    if (!call) throw notFound();
    if (call.ended_at) throw conflict(callEnded);
    return call;
  }

  const service = {
    /**
     * Whether this person may be handed STUN/TURN servers: a current member of some organization
     * (calls happen in a school's chats). TURN credentials relay traffic through the operator's
     * server, so an account that belongs nowhere gets none.
     */
    async requireCallCapable(identity: Identity | null): Promise<Identity> {
      if (!identity) throw new AppError(401, 'unauthenticated');
      const member = await db.selectFrom('memberships').select('user_id').where('user_id', '=', identity.userId).where('ended_at', 'is', null).limit(1).executeTakeFirst();
      if (!member) throw forbidden(notInSchool);
      return identity;
    },

    async list(identity: Identity | null): Promise<TCall[]> {
      if (!identity) throw new AppError(401, 'unauthenticated');
      const calls = await repository.liveCallsOf(db, identity.userId);
      return Promise.all(calls.map((call) => repository.toCall(db, call)));
    },

    async get(identity: Identity | null, callId: string): Promise<TCall> {
      const { call } = await requireCallMember(identity, callId);
      return repository.toCall(db, call);
    },

    /** Starts a call in the chat, or joins the one already in progress there. */
    async start(identity: Identity | null, chatId: string, input: TStartCallRequest): Promise<{ call: TCall; created: boolean }> {
      const { person, chat, membership } = await requireChatMember(db, identity, chatId);
      if (chat.kind === 'channel') throw invalidField('chatId', { ru: 'в канале звонок не начать — для этого есть трансляции', en: 'calls cannot be started in a channel — use a broadcast' });
      if (chat.only_admins_write && membership.role !== 'admin') throw forbidden({ ru: 'В этом чате звонок могут начать только администраторы.', en: 'Only the chat’s administrators can start a call here.' });
      const existing = await repository.liveCallOfChat(db, chatId);
      if (existing) return { call: await service.join(identity, existing.id, { connectionId: input.connectionId }), created: false };
      const mode = chat.kind === 'direct' ? 'p2p' : 'sfu';
      let room: MediaRoomRef | null = null;
      if (mode === 'sfu') {
        if (!deps.media?.isAvailable()) throw new AppError(503, 'unavailable', { detail: mediaServerMissing, retryAfterSeconds: 30 });
        room = await deps.media.createRoom({ maxPublishers: maxCallParticipants, description: `call in ${chatId}` });
      }
      try {
        const call = await transaction(db, async (tx) => {
          const now = clock.now();
          const members = await chatMemberIds(tx.db, chatId);
          const id = await repository.insertCall(tx.db, {
            chat_id: chatId,
            organization_id: chat.organization_id,
            mode,
            video: input.video,
            started_by: person.userId,
            started_at: now,
            media_instance: room?.instance ?? null,
            media_room: room?.roomId ?? null,
          });
          const others = members.length <= ringAllUpTo ? members.filter((userId) => userId !== person.userId) : [];
          await repository.insertParticipants(tx.db, [
            { callId: id, userId: person.userId, state: 'joined', connectionId: input.connectionId, now },
            ...others.map((userId) => ({ callId: id, userId, state: 'invited' as const, connectionId: null, now })),
          ]);
          return announce(tx, (await repository.findCall(tx.db, id))!, 'call.started');
        });
        return { call, created: true };
      } catch (error) {
        if (room && deps.media) await deps.media.destroyRoom(room).catch(() => undefined);
        // Someone else started one in this chat at the same moment: join theirs.
        const raced = await repository.liveCallOfChat(db, chatId);
        if (raced) return { call: await service.join(identity, raced.id, { connectionId: input.connectionId }), created: false };
        throw error;
      }
    },

    /** Joins (answers) from this device; joining again from another device moves the call there. */
    async join(identity: Identity | null, callId: string, input: TJoinCallRequest): Promise<TCall> {
      const { person } = await requireCallMember(identity, callId);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const rows = await repository.participants(tx.db, callId);
        const mine = rows.find((row) => row.user_id === person.userId);
        if (mine?.state === 'removed') throw forbidden({ ru: 'Учитель удалил вас с этого урока.', en: 'The teacher removed you from this lesson.' });
        const joinedOthers = rows.filter((row) => row.state === 'joined' && row.user_id !== person.userId).length;
        if (call.mode === 'sfu' && joinedOthers >= maxCallParticipants) throw conflict({ ru: 'В звонке уже 100 участников.', en: 'The call already has 100 participants.' });
        // A lesson's waiting room: newcomers wait for the teacher (who was let in once comes back directly).
        const waits = call.waiting_room && person.userId !== call.started_by && !mine?.joined_at;
        if (waits) await repository.markWaiting(tx.db, callId, person.userId, input.connectionId, clock.now());
        else await repository.markJoined(tx.db, callId, person.userId, input.connectionId, clock.now());
        if (!waits && joinedOthers > 0) await repository.setAnswered(tx.db, callId, clock.now());
        return announce(tx, call, 'call.updated');
      });
    },

    /** Declines a ringing call; a one-to-one call ends with «Звонок отклонён». */
    async decline(identity: Identity | null, callId: string): Promise<TCall> {
      const { person } = await requireCallMember(identity, callId);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const declined = await repository.markDeclined(tx.db, callId, person.userId);
        if (!declined) throw conflict({ ru: 'Вас в этот звонок не приглашали или вы уже ответили.', en: 'You were not rung for this call, or already answered.' });
        if (call.mode === 'p2p' && !call.answered_at) return endCall(tx, call, 'declined');
        return (await endIfOver(tx, call)) ?? announce(tx, call, 'call.updated');
      });
    },

    /** Leaves from this device (another device of the same person that took the call over is not affected). */
    async leave(identity: Identity | null, callId: string, input: TJoinCallRequest): Promise<TCall> {
      const { person } = await requireCallMember(identity, callId);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const row = await repository.participant(tx.db, callId, person.userId);
        if (!row || (row.state !== 'joined' && row.state !== 'waiting') || row.connection_id !== input.connectionId) return repository.toCall(tx.db, call);
        await repository.markLeft(tx.db, callId, [person.userId], clock.now());
        return (await endIfOver(tx, call)) ?? announce(tx, call, 'call.updated');
      });
    },

    /** Ends the call for everyone: whoever started it, or an administrator of the chat. */
    async end(identity: Identity | null, callId: string): Promise<TCall> {
      const { isHost } = await requireCallMember(identity, callId);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        if (!isHost) throw forbidden({ ru: 'Завершить звонок для всех может тот, кто его начал, или администратор чата.', en: 'Only whoever started the call or a chat administrator can end it for everyone.' });
        return endCall(tx, call, call.answered_at ? 'ended' : 'missed');
      });
    },

    /** The person's microphone / camera state as the others see it. */
    async updateMedia(identity: Identity | null, callId: string, input: TUpdateCallMediaRequest): Promise<TCall> {
      const { person } = await requireCallMember(identity, callId);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const row = await repository.participant(tx.db, callId, person.userId);
        if (!row || row.state !== 'joined') throw conflict({ ru: 'Вы не в этом звонке.', en: 'You are not in this call.' });
        if (input.audioMuted === false && row.muted_by_host) throw forbidden({ ru: 'Ведущий выключил ваш микрофон. Поднимите руку, чтобы попросить слово.', en: 'The host muted you. Raise your hand to ask to speak.' });
        await repository.setMedia(tx.db, callId, person.userId, {
          ...(input.audioMuted !== undefined ? { audio_muted: input.audioMuted } : {}),
          ...(input.videoOff !== undefined ? { video_off: input.videoOff } : {}),
          ...(input.screenSharing !== undefined ? { screen_sharing: input.screenSharing } : {}),
        });
        return announce(tx, call, 'call.updated');
      });
    },

    /** Raises or lowers a hand: one's own; the host may lower anyone's. */
    async setHand(identity: Identity | null, callId: string, userId: string, raised: boolean): Promise<TCall> {
      const { person, isHost } = await requireCallMember(identity, callId);
      if (userId !== person.userId && (raised || !isHost)) requireHost(false);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const row = await repository.participant(tx.db, callId, userId);
        if (!row || row.state !== 'joined') throw conflict({ ru: 'Этого участника нет в звонке.', en: 'This participant is not in the call.' });
        if (raised === (row.hand_raised_at !== null)) return repository.toCall(tx.db, call);
        await repository.setMedia(tx.db, callId, userId, { hand_raised_at: raised ? clock.now() : null });
        return announce(tx, call, 'call.updated');
      });
    },

    /** (The host) mutes a participant at the media server, or lets them speak again (and lowers their hand). */
    async muteParticipant(identity: Identity | null, callId: string, userId: string, muted: boolean): Promise<TCall> {
      const { isHost } = await requireCallMember(identity, callId);
      requireHost(isHost);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const row = await repository.participant(tx.db, callId, userId);
        if (!row || row.state !== 'joined') throw conflict({ ru: 'Этого участника нет в звонке.', en: 'This participant is not in the call.' });
        if (userId === call.started_by) throw invalidField('userId', { ru: 'ведущий не выключает микрофон самому себе', en: 'the host does not mute themselves' });
        await repository.setMedia(tx.db, callId, userId, muted ? { muted_by_host: true } : { muted_by_host: false, audio_muted: false, hand_raised_at: null });
        moderateAfterCommit(tx, call, [row], !muted);
        return announce(tx, call, 'call.updated');
      });
    },

    /** (The host) mutes everyone but themselves. */
    async muteAll(identity: Identity | null, callId: string): Promise<TCall> {
      const { isHost } = await requireCallMember(identity, callId);
      requireHost(isHost);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const others = (await repository.participants(tx.db, callId)).filter((row) => row.state === 'joined' && row.user_id !== call.started_by);
        await tx.db
          .updateTable('call_participants')
          .set({ muted_by_host: true })
          .where('call_id', '=', callId)
          .where('state', '=', 'joined')
          .where('user_id', '!=', call.started_by)
          .execute();
        moderateAfterCommit(tx, call, others, false);
        return announce(tx, call, 'call.updated');
      });
    },

    /** (The host) removes a participant; from a lesson they cannot come back. */
    async removeParticipant(identity: Identity | null, callId: string, userId: string): Promise<TCall> {
      const { isHost } = await requireCallMember(identity, callId);
      requireHost(isHost);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        if (userId === call.started_by) throw invalidField('userId', { ru: 'ведущий не удаляет самого себя — завершите звонок', en: 'the host cannot remove themselves — end the call instead' });
        const row = await repository.participant(tx.db, callId, userId);
        if (!row || (row.state !== 'joined' && row.state !== 'waiting')) throw conflict({ ru: 'Этого участника нет в звонке.', en: 'This participant is not in the call.' });
        await repository.markLeft(tx.db, callId, [userId], clock.now(), call.kind === 'lesson' ? 'removed' : 'left');
        return (await endIfOver(tx, call)) ?? announce(tx, call, 'call.updated');
      });
    },

    /** (The host) lets someone in from the lesson's waiting room. */
    async admit(identity: Identity | null, callId: string, userId: string): Promise<TCall> {
      const { isHost } = await requireCallMember(identity, callId);
      requireHost(isHost);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        const row = await repository.participant(tx.db, callId, userId);
        if (row?.state !== 'waiting') throw conflict({ ru: 'Этот участник не ждёт в зале ожидания.', en: 'This participant is not in the waiting room.' });
        await repository.admit(tx.db, callId, userId, clock.now());
        await repository.setAnswered(tx.db, callId, clock.now());
        return announce(tx, call, 'call.updated');
      });
    },

    /** (Lessons) starts the lesson's call: the teacher is its host; a room for up to 100 on the media server. */
    async startLesson(lesson: { id: string; chatId: string; organizationId: string; teacherId: string; waitingRoom: boolean }, connectionId: string): Promise<TCall> {
      if (!deps.media?.isAvailable()) throw new AppError(503, 'unavailable', { detail: mediaServerMissing, retryAfterSeconds: 30 });
      const room = await deps.media.createRoom({ maxPublishers: maxCallParticipants, description: `lesson ${lesson.id}` });
      try {
        return await transaction(db, async (tx) => {
          const now = clock.now();
          const running = await repository.liveCallOfChat(tx.db, lesson.chatId);
          if (running) throw conflict({ ru: 'В чате класса уже идёт звонок: завершите его, чтобы начать урок.', en: 'A call is in progress in the class chat: end it to start the lesson.' });
          const id = await repository.insertCall(tx.db, {
            chat_id: lesson.chatId,
            organization_id: lesson.organizationId,
            mode: 'sfu',
            video: true,
            started_by: lesson.teacherId,
            started_at: now,
            media_instance: room.instance,
            media_room: room.roomId,
            kind: 'lesson',
            lesson_id: lesson.id,
            waiting_room: lesson.waitingRoom,
          });
          await repository.insertParticipants(tx.db, [{ callId: id, userId: lesson.teacherId, state: 'joined', connectionId, now }]);
          await tx.db.updateTable('lessons').set({ started_at: now }).where('id', '=', lesson.id).execute();
          return announce(tx, (await repository.findCall(tx.db, id))!, 'call.started');
        });
      } catch (error) {
        await deps.media.destroyRoom(room).catch(() => undefined);
        throw error;
      }
    },

    /** (Signalling) the device published its media: its feed is announced so the others subscribe. */
    async setFeed(callId: string, userId: string, connectionId: string, feed: { feedId: number; streams: ReadonlyArray<{ mid: string; type: MediaStreamType }> } | null): Promise<{ mutedByHost: boolean } | undefined> {
      return transaction(db, async (tx) => {
        const call = await repository.findCall(tx.db, callId, { forUpdate: true });
        const row = await repository.participant(tx.db, callId, userId);
        if (!call || call.ended_at || !row || row.state !== 'joined' || row.connection_id !== connectionId) return undefined;
        await repository.setMedia(tx.db, callId, userId, { feed_id: feed?.feedId ?? null, feed_streams: feed ? JSON.stringify(feed.streams) : null });
        await announce(tx, call, 'call.updated');
        // Read under the call's lock, as the host's mute is written: a mute either came first (and is
        // said here) or comes after and finds this feed.
        return { mutedByHost: row.muted_by_host };
      });
    },

    /** A socket closed: its calls wait `reconnectGraceMs` for the device to come back (join again). */
    async socketClosed(connectionId: string) {
      await repository.markDisconnected(db, connectionId, clock.now());
    },

    /** Ends calls that rang unanswered too long and lets go of devices that did not come back. Run every few seconds. */
    async sweep() {
      const now = clock.now().getTime();
      const { unanswered, gone } = await repository.stale(db, new Date(now - callRingSeconds * 1000), new Date(now - reconnectGraceMs));
      for (const callId of unanswered) {
        await transaction(db, async (tx) => {
          const call = await repository.findCall(tx.db, callId, { forUpdate: true });
          if (!call || call.ended_at || call.answered_at) return;
          // Nobody answered: a one-to-one call is missed; a group call keeps going while anyone is in it.
          const rows = await repository.participants(tx.db, callId);
          if (call.mode === 'p2p' || !rows.some((row) => row.state === 'joined')) {
            await endCall(tx, call, 'missed');
            return;
          }
          await tx.db.updateTable('call_participants').set({ state: 'declined' }).where('call_id', '=', callId).where('state', '=', 'invited').execute();
          await announce(tx, call, 'call.updated');
        });
      }
      for (const { call_id: callId, user_id: userId } of gone) {
        await transaction(db, async (tx) => {
          const call = await repository.findCall(tx.db, callId, { forUpdate: true });
          const row = await repository.participant(tx.db, callId, userId);
          if (!call || call.ended_at || !row?.disconnected_at || row.state !== 'joined') return;
          await repository.markLeft(tx.db, callId, [userId], clock.now());
          if (!(await endIfOver(tx, call))) await announce(tx, call, 'call.updated');
        });
      }
    },

    /** For signalling: the call and this device's participation, if it is in the call now. */
    async deviceInCall(callId: string, userId: string, connectionId: string) {
      const call = await repository.findCall(db, callId);
      if (!call || call.ended_at) return undefined;
      const row = await repository.participant(db, callId, userId);
      if (!row || row.state !== 'joined' || row.connection_id !== connectionId) return undefined;
      return { call, participant: row };
    },

    /** For signalling: who is in the call now, with their devices and feeds. */
    async joinedParticipants(callId: string) {
      return (await repository.participants(db, callId)).filter((row) => row.state === 'joined');
    },
  };
  return service;
}
