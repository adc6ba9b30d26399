import { callRingSeconds, type TCall, type TJoinCallRequest, type TStartCallRequest, type TUpdateCallMediaRequest } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, type Identity, type LocalizedText } from '../../platform/http/index.ts';
import type { MediaRoomRef, MediaServers } from '../../platform/media/index.ts';
import type { EventLog } from '../../platform/realtime/index.ts';
import { chatMemberIds, postSystemMessage, requireChatMember } from '../chats/index.ts';
import * as repository from './calls.repository.ts';

export type CallsService = ReturnType<typeof createCallsService>;

/** A device whose socket closed stays in the call this long, waiting for it to reconnect. */
export const reconnectGraceMs = 20_000;
/** Chats up to this size ring everyone when a call starts; bigger ones only announce it. */
const ringAllUpTo = 50;
/** Most participants a group call's room admits (video lessons: 100). */
export const maxCallParticipants = 100;

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

  /** The call, for a member of its chat; 404 for anyone else. */
  async function requireCallMember(identity: Identity | null, callId: string) {
    const call = await repository.findCall(db, callId);
    if (!call) throw notFound();
    const { person, membership, chat } = await requireChatMember(db, identity, call.chat_id);
    return { person, membership, chat, call };
  }

  async function announce(tx: Tx, call: repository.CallRow, name: 'call.started' | 'call.updated') {
    const fresh = (await repository.findCall(tx.db, call.id))!;
    const view = await repository.toCall(tx.db, fresh);
    await eventLog.append(tx, await chatMemberIds(tx.db, call.chat_id), name, { call: view });
    return view;
  }

  /** Ends a call: everyone still in it leaves, the chat gets «Звонок, 3 мин» (or missed/declined). */
  async function endCall(tx: Tx, call: repository.CallRow, outcome: 'ended' | 'missed' | 'declined') {
    const now = clock.now();
    const rows = await repository.participants(tx.db, call.id);
    await repository.markLeft(
      tx.db,
      call.id,
      rows.filter((row) => row.state === 'joined').map((row) => row.user_id),
      now,
    );
    await repository.setEnded(tx.db, call.id, now);
    const durationSeconds = call.answered_at ? Math.max(0, Math.round((now.getTime() - new Date(call.answered_at).getTime()) / 1000)) : null;
    const starter = await tx.db.selectFrom('users').select(['id', 'display_name']).where('id', '=', call.started_by).executeTakeFirstOrThrow();
    await postSystemMessage(tx, { eventLog, now }, call.chat_id, {
      action: 'call',
      actor: { id: starter.id, displayName: starter.display_name },
      subjects: [],
      title: null,
      call: { callId: call.id, outcome, video: call.video, durationSeconds },
    });
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
        const joinedOthers = rows.filter((row) => row.state === 'joined' && row.user_id !== person.userId).length;
        if (call.mode === 'sfu' && joinedOthers >= maxCallParticipants) throw conflict({ ru: 'В звонке уже 100 участников.', en: 'The call already has 100 participants.' });
        await repository.markJoined(tx.db, callId, person.userId, input.connectionId, clock.now());
        if (joinedOthers > 0) await repository.setAnswered(tx.db, callId, clock.now());
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
        if (!row || row.state !== 'joined' || row.connection_id !== input.connectionId) return repository.toCall(tx.db, call);
        await repository.markLeft(tx.db, callId, [person.userId], clock.now());
        return (await endIfOver(tx, call)) ?? announce(tx, call, 'call.updated');
      });
    },

    /** Ends the call for everyone: whoever started it, or an administrator of the chat. */
    async end(identity: Identity | null, callId: string): Promise<TCall> {
      const { person, membership } = await requireCallMember(identity, callId);
      return transaction(db, async (tx) => {
        const call = await lockLive(tx, callId);
        if (call.started_by !== person.userId && membership.role !== 'admin') throw forbidden({ ru: 'Завершить звонок для всех может тот, кто его начал, или администратор чата.', en: 'Only whoever started the call or a chat administrator can end it for everyone.' });
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
        await repository.setMedia(tx.db, callId, person.userId, {
          ...(input.audioMuted !== undefined ? { audio_muted: input.audioMuted } : {}),
          ...(input.videoOff !== undefined ? { video_off: input.videoOff } : {}),
        });
        return announce(tx, call, 'call.updated');
      });
    },

    /** (Signalling) the device published its media: its feed is announced so the others subscribe. */
    async setFeed(callId: string, userId: string, connectionId: string, feedId: number | null) {
      await transaction(db, async (tx) => {
        const call = await repository.findCall(tx.db, callId, { forUpdate: true });
        const row = await repository.participant(tx.db, callId, userId);
        if (!call || call.ended_at || !row || row.state !== 'joined' || row.connection_id !== connectionId) return;
        await repository.setMedia(tx.db, callId, userId, { feed_id: feedId });
        await announce(tx, call, 'call.updated');
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
