import type { TCall, TCallParticipant } from '@parta/contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';
import { chatPeople } from '../chats/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export type CallRow = {
  id: string;
  chat_id: string;
  organization_id: string;
  mode: 'p2p' | 'sfu';
  video: boolean;
  started_by: string;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  media_instance: string | null;
  media_room: number | null;
  kind: 'call' | 'lesson';
  lesson_id: string | null;
  waiting_room: boolean;
};

export type ParticipantRow = {
  call_id: string;
  user_id: string;
  state: 'invited' | 'waiting' | 'joined' | 'left' | 'declined' | 'removed';
  joined_at: Date | null;
  left_at: Date | null;
  present_since: Date | null;
  seconds_in: number;
  connection_id: string | null;
  feed_id: number | null;
  feed_streams: Array<{ mid: string; type: 'audio' | 'video' | 'data' }> | null;
  audio_muted: boolean;
  video_off: boolean;
  screen_sharing: boolean;
  muted_by_host: boolean;
  hand_raised_at: Date | null;
  disconnected_at: Date | null;
};

const callColumns = ['id', 'chat_id', 'organization_id', 'mode', 'video', 'started_by', 'started_at', 'answered_at', 'ended_at', 'media_instance', 'media_room', 'kind', 'lesson_id', 'waiting_room'] as const;

const toCallRow = <T extends { media_room: string | number | null }>(row: T) => ({ ...row, media_room: row.media_room === null ? null : Number(row.media_room) });

/** The call of a lesson (made when its teacher starts it). */
export async function findLessonCall(db: Executor, lessonId: string): Promise<CallRow | undefined> {
  const row = await db.selectFrom('calls').select(callColumns).where('lesson_id', '=', lessonId).executeTakeFirst();
  return row && toCallRow(row);
}

export async function findCall(db: Executor, callId: string, options: { forUpdate?: boolean } = {}): Promise<CallRow | undefined> {
  let query = db.selectFrom('calls').select(callColumns).where('id', '=', callId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toCallRow(row);
}

export async function liveCallOfChat(db: Executor, chatId: string): Promise<CallRow | undefined> {
  const row = await db.selectFrom('calls').select(callColumns).where('chat_id', '=', chatId).where('ended_at', 'is', null).executeTakeFirst();
  return row && toCallRow(row);
}

/** Calls in progress in the chats the person is a member of now. */
export async function liveCallsOf(db: Executor, userId: string): Promise<CallRow[]> {
  const rows = await db
    .selectFrom('calls')
    .innerJoin('chat_members', (join) => join.onRef('chat_members.chat_id', '=', 'calls.chat_id').on('chat_members.user_id', '=', userId).on('chat_members.left_at', 'is', null))
    .select(callColumns.map((column) => `calls.${column}` as const))
    .where('calls.ended_at', 'is', null)
    .orderBy('calls.started_at')
    .execute();
  return rows.map(toCallRow);
}

export async function insertCall(tx: Executor, values: Omit<CallRow, 'id' | 'answered_at' | 'ended_at' | 'kind' | 'lesson_id' | 'waiting_room'> & Partial<Pick<CallRow, 'kind' | 'lesson_id' | 'waiting_room'>>): Promise<string> {
  const row = await tx
    .insertInto('calls')
    .values({ ...values, answered_at: null, ended_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function participants(db: Executor, callId: string): Promise<ParticipantRow[]> {
  const rows = await db.selectFrom('call_participants').selectAll().where('call_id', '=', callId).execute();
  return rows.map((row) => ({ ...row, feed_id: row.feed_id === null ? null : Number(row.feed_id) }));
}

export async function participant(db: Executor, callId: string, userId: string): Promise<ParticipantRow | undefined> {
  const row = await db.selectFrom('call_participants').selectAll().where('call_id', '=', callId).where('user_id', '=', userId).executeTakeFirst();
  return row && { ...row, feed_id: row.feed_id === null ? null : Number(row.feed_id) };
}

export async function insertParticipants(tx: Executor, rows: Array<{ callId: string; userId: string; state: 'invited' | 'joined'; connectionId: string | null; now: Date }>) {
  if (rows.length === 0) return;
  await tx
    .insertInto('call_participants')
    .values(
      rows.map((row) => ({
        call_id: row.callId,
        user_id: row.userId,
        state: row.state,
        joined_at: row.state === 'joined' ? row.now : null,
        present_since: row.state === 'joined' ? row.now : null,
        left_at: null,
        connection_id: row.connectionId,
        feed_id: null,
        disconnected_at: null,
      })),
    )
    .execute();
}

/** Joins (or re-joins from another device): the device becomes `connectionId`; a new stretch of presence starts unless one is running. */
export async function markJoined(tx: Executor, callId: string, userId: string, connectionId: string, now: Date) {
  await upsertDevice(tx, callId, userId, connectionId, now, 'joined');
}

/** A lesson's waiting room: the device is known (signals reach it) but not in the call until let in. */
export async function markWaiting(tx: Executor, callId: string, userId: string, connectionId: string, now: Date) {
  await upsertDevice(tx, callId, userId, connectionId, now, 'waiting');
}

/** Lets a waiting participant in: they join from the device they waited on. */
export async function admit(tx: Executor, callId: string, userId: string, now: Date) {
  await tx
    .updateTable('call_participants')
    .set({ state: 'joined', joined_at: sql`coalesce(joined_at, ${now}::timestamptz)`, present_since: now })
    .where('call_id', '=', callId)
    .where('user_id', '=', userId)
    .where('state', '=', 'waiting')
    .execute();
}

async function upsertDevice(tx: Executor, callId: string, userId: string, connectionId: string, now: Date, state: 'joined' | 'waiting') {
  const joined = state === 'joined';
  await tx
    .insertInto('call_participants')
    .values({ call_id: callId, user_id: userId, state, joined_at: joined ? now : null, present_since: joined ? now : null, left_at: null, connection_id: connectionId, feed_id: null, disconnected_at: null })
    .onConflict((conflict) =>
      conflict.columns(['call_id', 'user_id']).doUpdateSet({
        state,
        joined_at: sql`coalesce(call_participants.joined_at, excluded.joined_at)`,
        present_since: joined ? sql`coalesce(call_participants.present_since, excluded.present_since)` : null,
        left_at: null,
        connection_id: connectionId,
        // A new device publishes anew (its camera, not a screen).
        feed_id: sql`CASE WHEN call_participants.connection_id = excluded.connection_id THEN call_participants.feed_id END`,
        screen_sharing: sql`coalesce(call_participants.screen_sharing AND call_participants.connection_id = excluded.connection_id, false)`,
        disconnected_at: null,
      }),
    )
    .execute();
}

/** Leaves (or is removed): the running stretch of presence is added to seconds_in. Only the given participants who are joined or waiting. */
export async function markLeft(tx: Executor, callId: string, userIds: readonly string[], now: Date, state: 'left' | 'removed' = 'left') {
  if (userIds.length === 0) return;
  await tx
    .updateTable('call_participants')
    .set({
      state,
      hand_raised_at: null,
      left_at: now,
      seconds_in: sql`seconds_in + coalesce(greatest(0, floor(extract(epoch from (${now}::timestamptz - present_since))))::int, 0)`,
      present_since: null,
      connection_id: null,
      feed_id: null,
      screen_sharing: false,
      disconnected_at: null,
    })
    .where('call_id', '=', callId)
    .where('user_id', 'in', userIds)
    .where('state', 'in', ['joined', 'waiting'])
    .execute();
}

export async function markDeclined(tx: Executor, callId: string, userId: string) {
  const result = await tx.updateTable('call_participants').set({ state: 'declined' }).where('call_id', '=', callId).where('user_id', '=', userId).where('state', '=', 'invited').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setMedia(
  tx: Executor,
  callId: string,
  userId: string,
  values: { audio_muted?: boolean; video_off?: boolean; screen_sharing?: boolean; feed_id?: number | null; feed_streams?: string | null; muted_by_host?: boolean; hand_raised_at?: Date | null },
) {
  await tx.updateTable('call_participants').set(values).where('call_id', '=', callId).where('user_id', '=', userId).execute();
}

export async function setAnswered(tx: Executor, callId: string, now: Date) {
  await tx.updateTable('calls').set({ answered_at: now }).where('id', '=', callId).where('answered_at', 'is', null).execute();
}

export async function setEnded(tx: Executor, callId: string, now: Date) {
  await tx.updateTable('calls').set({ ended_at: now }).where('id', '=', callId).execute();
}

/** A device's socket closed: its participations wait for it to come back. Returns the calls concerned. */
export async function markDisconnected(db: Executor, connectionId: string, now: Date): Promise<string[]> {
  const rows = await db
    .updateTable('call_participants')
    .set({ disconnected_at: now })
    .where('connection_id', '=', connectionId)
    .where('state', 'in', ['joined', 'waiting'])
    .where('disconnected_at', 'is', null)
    .returning('call_id')
    .execute();
  return rows.map((row) => row.call_id);
}

/** Live calls that rang unanswered since before `ringingBefore`, and participants gone since before `goneBefore`. */
export async function stale(db: Executor, ringingBefore: Date, goneBefore: Date) {
  const unanswered = await db.selectFrom('calls').select('id').where('ended_at', 'is', null).where('answered_at', 'is', null).where('started_at', '<', ringingBefore).execute();
  const gone = await db
    .selectFrom('call_participants')
    .innerJoin('calls', 'calls.id', 'call_participants.call_id')
    .select(['call_participants.call_id', 'call_participants.user_id'])
    .where('calls.ended_at', 'is', null)
    .where('call_participants.state', 'in', ['joined', 'waiting'])
    .where('call_participants.disconnected_at', '<', goneBefore)
    .execute();
  return { unanswered: unanswered.map((row) => row.id), gone };
}

/** The call as its chat's members see it. */
export async function toCall(db: Executor, call: CallRow, rows?: ParticipantRow[]): Promise<TCall> {
  const list = rows ?? (await participants(db, call.id));
  const people = new Map((await chatPeople(db, call.organization_id, [...new Set([call.started_by, ...list.map((row) => row.user_id)])])).map((row) => [row.id, row]));
  const personRef = (id: string) => ({ id, displayName: people.get(id)?.display_name ?? '', verifiedTeacher: Boolean(people.get(id)?.verified) });
  const chat = await db.selectFrom('chats').select('title').where('id', '=', call.chat_id).executeTakeFirst();
  const lesson = call.lesson_id ? await db.selectFrom('lessons').select('title').where('id', '=', call.lesson_id).executeTakeFirst() : undefined;
  const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
  const order = { joined: 0, waiting: 1, invited: 2, left: 3, declined: 4, removed: 5 } as const;
  const participantsOut: TCallParticipant[] = [...list]
    .sort((a, b) => order[a.state] - order[b.state] || (people.get(a.user_id)?.display_name ?? '').localeCompare(people.get(b.user_id)?.display_name ?? '', 'ru'))
    .map((row) => ({
      person: personRef(row.user_id),
      state: row.state,
      joinedAt: iso(row.joined_at),
      leftAt: iso(row.left_at),
      connectionId: row.state === 'joined' || row.state === 'waiting' ? row.connection_id : null,
      feedId: row.state === 'joined' ? row.feed_id : null,
      audioMuted: row.audio_muted || row.muted_by_host,
      videoOff: row.video_off,
      screenSharing: row.state === 'joined' && row.screen_sharing,
      mutedByHost: row.muted_by_host,
      handRaisedAt: iso(row.hand_raised_at),
    }));
  return {
    id: call.id,
    chatId: call.chat_id,
    chatTitle: chat?.title ?? '',
    title: lesson?.title ?? chat?.title ?? '',
    kind: call.kind,
    lessonId: call.lesson_id,
    hostId: call.started_by,
    waitingRoom: call.waiting_room,
    mode: call.mode,
    video: call.video,
    status: call.ended_at ? 'ended' : call.answered_at ? 'active' : 'ringing',
    startedBy: personRef(call.started_by),
    startedAt: new Date(call.started_at).toISOString(),
    answeredAt: iso(call.answered_at),
    endedAt: iso(call.ended_at),
    participants: participantsOut,
  };
}
