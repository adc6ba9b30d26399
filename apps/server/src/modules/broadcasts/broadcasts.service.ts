import { randomBytes } from 'node:crypto';
import type { TBroadcast, TCreateBroadcastRequest, TPublicBroadcast } from '@parta/contracts';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, invalidField, notFound, type Identity, type LocalizedText } from '../../platform/http/index.ts';
import { roomIsGone, type MediaRoomRef, type MediaServers } from '../../platform/media/index.ts';
import type { EventBus, EventLog } from '../../platform/realtime/index.ts';
import { isVerifiedTeacher, requireMember, staffRoles } from '../access/index.ts';
import { chatPeople, postSystemMessage } from '../chats/index.ts';

export type BroadcastsService = ReturnType<typeof createBroadcastsService>;

export type BroadcastRow = {
  id: string;
  organization_id: string;
  title: string;
  description: string;
  scheduled_for: Date | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  watch_token: string | null;
  peak_viewers: number;
  total_views: number;
};

/** Speakers publish into one room; a broadcast has at most this many. */
export const maxSpeakers = 12;
/**
 * An audience row, or a speaker's on-air mark, not refreshed for this long belongs to a node that
 * stopped: it no longer counts (the nodes refresh theirs every tick, 5 s).
 */
export const audienceStaleMs = 20_000;
/** Since when an on-air mark must have been refreshed to count. */
export const freshSince = (clock: Clock) => new Date(clock.now().getTime() - audienceStaleMs);

const mediaServerMissing: LocalizedText = {
  ru: 'Трансляции недоступны: медиасервер не запущен. Обратитесь к администратору сервера.',
  en: 'Broadcasts are unavailable: the media server is not running. Ask the server’s operator.',
};
const whoMayCreate: LocalizedText = {
  ru: 'Трансляции проводят администраторы, директор и учителя с подтверждённым статусом.',
  en: 'Broadcasts are held by administrators, the director and teachers with a confirmed status.',
};
const whoMayManage: LocalizedText = {
  ru: 'Управлять трансляцией могут её автор, администраторы и директор.',
  en: 'A broadcast is managed by its author, the administrators and the director.',
};
const alreadyEnded: LocalizedText = { ru: 'Трансляция уже завершена.', en: 'The broadcast has already ended.' };

export const statusOf = (row: Pick<BroadcastRow, 'started_at' | 'ended_at'>) => (row.ended_at ? 'ended' : row.started_at ? 'live' : 'scheduled');
const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
/** 24 random bytes, URL-safe: the secret part of a watch link. */
const newWatchToken = () => randomBytes(24).toString('base64url');

/**
 * Broadcasts «трансляции» (docs/subsystems/broadcasts.md): planned or started by staff, watched by
 * anyone with the public link. This is the REST side; the live sockets and the media server's
 * rooms are in broadcasts.live.ts, which `changed` notifies (on every node, through the bus).
 */
export function createBroadcastsService(deps: { db: Kysely<DB>; clock: Clock; bus: EventBus; eventLog: EventLog; media: MediaServers | null; publicUrl: string }) {
  const { db, clock } = deps;

  /**
   * Tells the whole school in «Общешкольный канал»: planned (with when), live, ended (the most who
   * watched at once) or cancelled; the message links to the broadcast's page.
   */
  async function announce(tx: Tx, row: BroadcastRow, actorId: string, outcome: 'scheduled' | 'started' | 'ended' | 'cancelled', peakViewers: number | null = null) {
    const channel = await tx.db.selectFrom('chats').select('id').where('organization_id', '=', row.organization_id).where('system_channel', '=', 'school').executeTakeFirst();
    if (!channel) return;
    const [actor] = await chatPeople(tx.db, row.organization_id, [actorId]);
    await postSystemMessage(tx, { eventLog: deps.eventLog, now: clock.now() }, channel.id, {
      action: 'broadcast',
      actor: { id: actorId, displayName: actor?.display_name ?? '' },
      subjects: [],
      title: null,
      broadcast: { broadcastId: row.id, title: row.title, outcome, scheduledFor: iso(row.scheduled_for), peakViewers },
    });
  }

  const find = (id: string) => db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst() as Promise<BroadcastRow | undefined>;
  const changed = (broadcastId: string) => deps.bus.publish([{ kind: 'broadcast-changed', broadcastId }]);

  /** Viewers watching now (media connected) over every node (fresh audience rows). */
  async function viewersOf(broadcastIds: string[]): Promise<Map<string, number>> {
    if (broadcastIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('broadcast_audience')
      .select(['broadcast_id', sql<number>`sum(watching)::int`.as('viewers')])
      .where('broadcast_id', 'in', broadcastIds)
      .where('seen_at', '>', freshSince(clock))
      .groupBy('broadcast_id')
      .execute();
    return new Map(rows.map((row) => [row.broadcast_id, Number(row.viewers)]));
  }

  async function speakersOf(broadcastIds: string[]) {
    if (broadcastIds.length === 0) return [];
    return db
      .selectFrom('broadcast_speakers')
      .innerJoin('users', 'users.id', 'broadcast_speakers.user_id')
      .select(['broadcast_id', 'user_id', 'position', 'display_name'])
      .select(sql<boolean>`feed_id is not null and on_air_seen_at > ${freshSince(clock)}`.as('on_air'))
      .where('broadcast_id', 'in', broadcastIds)
      .orderBy('position')
      .execute();
  }

  async function roleOf(identity: Identity, organizationId: string) {
    const { roles } = await requireMember(db, identity, organizationId);
    return { isAdmin: roles.includes('administrator') || roles.includes('director'), roles };
  }

  async function toBroadcasts(identity: Identity, rows: BroadcastRow[], isAdmin: boolean): Promise<TBroadcast[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [speakers, viewers] = await Promise.all([speakersOf(ids), viewersOf(ids)]);
    const authors = new Map((await chatPeople(db, rows[0]!.organization_id, [...new Set(rows.map((row) => row.created_by))])).map((row) => [row.id, row]));
    const verified = new Map((await chatPeople(db, rows[0]!.organization_id, [...new Set(speakers.map((row) => row.user_id))])).map((row) => [row.id, Boolean(row.verified)]));
    return rows.map((row) => {
      const mine = speakers.filter((speaker) => speaker.broadcast_id === row.id);
      const canManage = isAdmin || row.created_by === identity.userId;
      const status = statusOf(row);
      return {
        id: row.id,
        organizationId: row.organization_id,
        title: row.title,
        description: row.description,
        scheduledFor: iso(row.scheduled_for),
        status,
        createdBy: { id: row.created_by, displayName: authors.get(row.created_by)?.display_name ?? '', verifiedTeacher: Boolean(authors.get(row.created_by)?.verified) },
        speakers: mine.map((speaker) => ({
          person: { id: speaker.user_id, displayName: speaker.display_name, verifiedTeacher: verified.get(speaker.user_id) ?? false },
          onAir: status === 'live' && Boolean(speaker.on_air),
        })),
        // The link is for sharing with the audience: every member of the school may copy it.
        watchUrl: row.watch_token && status !== 'ended' ? `${deps.publicUrl}/watch/${row.watch_token}` : null,
        startedAt: iso(row.started_at),
        endedAt: iso(row.ended_at),
        viewers: status === 'live' ? (viewers.get(row.id) ?? 0) : 0,
        peakViewers: row.peak_viewers,
        totalViews: row.total_views,
        canManage,
        isSpeaker: mine.some((speaker) => speaker.user_id === identity.userId),
      };
    });
  }

  async function toBroadcast(identity: Identity, row: BroadcastRow, isAdmin: boolean) {
    return (await toBroadcasts(identity, [row], isAdmin))[0]!;
  }

  /** The broadcast for a member of its school (404 for anyone else), with whether they may manage it. */
  async function requireViewer(identity: Identity | null, broadcastId: string) {
    const row = await find(broadcastId);
    if (!row) throw notFound();
    const { identity: person } = await requireMember(db, identity, row.organization_id);
    const { isAdmin } = await roleOf(person, row.organization_id);
    return { row, person, isAdmin };
  }

  async function requireManager(identity: Identity | null, broadcastId: string) {
    const viewer = await requireViewer(identity, broadcastId);
    if (!viewer.isAdmin && viewer.row.created_by !== viewer.person.userId) throw forbidden(whoMayManage);
    return viewer;
  }

  /** Makes the origin room speakers publish into and marks the broadcast live. */
  /**
   * Makes the origin room speakers publish into, then runs `work` (one transaction that records
   * it); the room is destroyed again when `work` fails or says it was not needed (false), so a
   * refusal leaves nothing behind, here or at the media server.
   */
  async function withOriginRoom<T>(label: string, work: (room: MediaRoomRef) => Promise<T | false>): Promise<T | false> {
    if (!deps.media?.isAvailable()) throw new AppError(503, 'unavailable', { detail: mediaServerMissing, retryAfterSeconds: 30 });
    const media = deps.media;
    const room = await media.createRoom({ maxPublishers: maxSpeakers, description: label }).catch((error: unknown) => {
      throw roomIsGone(error) ? new AppError(503, 'unavailable', { detail: mediaServerMissing, retryAfterSeconds: 30 }) : error;
    });
    try {
      const result = await work(room);
      if (result === false) await media.destroyRoom(room);
      return result;
    } catch (error) {
      await media.destroyRoom(room).catch(() => undefined);
      throw error;
    }
  }

  async function recordLive(tx: Tx, row: BroadcastRow, room: MediaRoomRef, actorId: string) {
    await tx.db.updateTable('broadcasts').set({ started_at: clock.now() }).where('id', '=', row.id).execute();
    await tx.db.insertInto('broadcast_rooms').values({ broadcast_id: row.id, instance: room.instance, room_id: room.roomId, origin: true, claimed_at: clock.now() }).execute();
    await announce(tx, row, actorId, 'started');
  }

  async function goLive(row: BroadcastRow, actorId: string) {
    const started = await withOriginRoom(`broadcast ${row.id}`, (room) =>
      transaction(db, async (tx) => {
        const current = await tx.db.selectFrom('broadcasts').select(['started_at', 'ended_at']).where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
        // Started meanwhile by someone else (two clicks): this room is not needed.
        if (current.started_at || current.ended_at) return false;
        await recordLive(tx, row, room, actorId);
        return true;
      }),
    );
    if (started) await changed(row.id);
  }

  const service = {
    async list(identity: Identity | null, organizationId: string): Promise<TBroadcast[]> {
      const { identity: person } = await requireMember(db, identity, organizationId);
      const { isAdmin } = await roleOf(person, organizationId);
      const rows = (await db.selectFrom('broadcasts').selectAll().where('organization_id', '=', organizationId).orderBy('created_at', 'desc').limit(200).execute()) as BroadcastRow[];
      const order = { live: 0, scheduled: 1, ended: 2 } as const;
      const when = (row: BroadcastRow) => new Date(row.ended_at ?? row.scheduled_for ?? row.created_at).getTime();
      rows.sort((a, b) => order[statusOf(a)] - order[statusOf(b)] || (statusOf(a) === 'scheduled' ? when(a) - when(b) : when(b) - when(a)));
      return toBroadcasts(person, rows, isAdmin);
    },

    async create(identity: Identity | null, organizationId: string, input: TCreateBroadcastRequest): Promise<TBroadcast> {
      const { identity: person } = await requireMember(db, identity, organizationId);
      const { isAdmin, roles } = await roleOf(person, organizationId);
      if (!isAdmin && !(roles.includes('teacher') && (await isVerifiedTeacher(db, person.userId, organizationId)))) throw forbidden(whoMayCreate);
      const now = clock.now();
      const scheduledFor = input.scheduledFor ? new Date(input.scheduledFor) : null;
      if (scheduledFor && scheduledFor.getTime() < now.getTime() - 60_000) throw invalidField('scheduledFor', { ru: 'это время уже прошло', en: 'this time has already passed' });
      const speakerIds = [...new Set(input.speakerIds)];
      const staff = await db
        .selectFrom('memberships')
        .select('user_id')
        .distinct()
        .where('organization_id', '=', organizationId)
        .where('user_id', 'in', speakerIds)
        .where('role', 'in', [...staffRoles])
        .where('ended_at', 'is', null)
        .execute();
      if (staff.length !== speakerIds.length) throw invalidField('speakerIds', { ru: 'выступать могут только сотрудники школы', en: 'only staff of the school can speak' });
      const insert = async (tx: Tx) => {
        const inserted = (await tx.db
          .insertInto('broadcasts')
          .values({
            organization_id: organizationId,
            title: input.title,
            description: input.description ?? '',
            scheduled_for: scheduledFor,
            created_by: person.userId,
            created_at: now,
            watch_token: newWatchToken(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()) as BroadcastRow;
        await tx.db
          .insertInto('broadcast_speakers')
          .values(speakerIds.map((userId, position) => ({ broadcast_id: inserted.id, user_id: userId, position })))
          .execute();
        if (scheduledFor) await announce(tx, inserted, person.userId, 'scheduled');
        return inserted;
      };
      // At once: the room first, then the broadcast, its speakers and «в эфире» in one transaction
      // (a media server that fails leaves no broadcast behind).
      const row = scheduledFor
        ? await transaction(db, insert)
        : await withOriginRoom(`broadcast in ${organizationId}`, (room) =>
            transaction(db, async (tx) => {
              const inserted = await insert(tx);
              await recordLive(tx, inserted, room, person.userId);
              return inserted;
            }),
          );
      if (row === false) throw new Error('unreachable: a new broadcast always needs its room');
      if (!scheduledFor) await changed(row.id);
      return toBroadcast(person, (await find(row.id))!, isAdmin);
    },

    async get(identity: Identity | null, broadcastId: string): Promise<TBroadcast> {
      const { row, person, isAdmin } = await requireViewer(identity, broadcastId);
      return toBroadcast(person, row, isAdmin);
    },

    async start(identity: Identity | null, broadcastId: string): Promise<TBroadcast> {
      const { row, person, isAdmin } = await requireManager(identity, broadcastId);
      if (row.ended_at) throw conflict(alreadyEnded);
      if (!row.started_at) await goLive(row, person.userId);
      return toBroadcast(person, (await find(row.id))!, isAdmin);
    },

    /** Ends it for everyone (a planned one is cancelled): the media rooms go, every live socket is closed. */
    async end(identity: Identity | null, broadcastId: string): Promise<TBroadcast> {
      const { row, person, isAdmin } = await requireManager(identity, broadcastId);
      if (!row.ended_at) {
        const viewers = (await viewersOf([row.id])).get(row.id) ?? 0;
        const rooms = await transaction(db, async (tx) => {
          const current = await tx.db.selectFrom('broadcasts').select(['ended_at', 'started_at']).where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
          if (current.ended_at) return [];
          const ended = await tx.db
            .updateTable('broadcasts')
            .set({ ended_at: clock.now(), peak_viewers: sql`greatest(peak_viewers, ${viewers})` })
            .where('id', '=', row.id)
            .returning('peak_viewers')
            .executeTakeFirstOrThrow();
          if (current.started_at) await announce(tx, row, person.userId, 'ended', ended.peak_viewers);
          else await announce(tx, row, person.userId, 'cancelled');
          await tx.db.updateTable('broadcast_speakers').set({ feed_id: null, connection_id: null, on_air_since: null, on_air_seen_at: null }).where('broadcast_id', '=', row.id).execute();
          await tx.db.deleteFrom('broadcast_relays').where('broadcast_id', '=', row.id).execute();
          await tx.db.deleteFrom('broadcast_audience').where('broadcast_id', '=', row.id).execute();
          return tx.db.deleteFrom('broadcast_rooms').where('broadcast_id', '=', row.id).returning(['instance', 'room_id']).execute();
        });
        await changed(row.id);
        for (const room of rooms) {
          if (room.room_id === null) continue;
          await deps.media?.destroyRoom({ instance: room.instance, roomId: Number(room.room_id) }).catch(() => undefined);
        }
      }
      return toBroadcast(person, (await find(row.id))!, isAdmin);
    },

    /** A new public link; the old one stops working at once (its viewers are disconnected). */
    async renewLink(identity: Identity | null, broadcastId: string): Promise<TBroadcast> {
      const { row, person, isAdmin } = await requireManager(identity, broadcastId);
      if (row.ended_at) throw conflict(alreadyEnded);
      await db.updateTable('broadcasts').set({ watch_token: newWatchToken() }).where('id', '=', row.id).execute();
      await changed(row.id);
      return toBroadcast(person, (await find(row.id))!, isAdmin);
    },

    async revokeLink(identity: Identity | null, broadcastId: string): Promise<TBroadcast> {
      const { row, person, isAdmin } = await requireManager(identity, broadcastId);
      await db.updateTable('broadcasts').set({ watch_token: null }).where('id', '=', row.id).execute();
      await changed(row.id);
      return toBroadcast(person, (await find(row.id))!, isAdmin);
    },

    /** The broadcast behind a watch link; undefined for an unknown or revoked one. */
    async byToken(token: string): Promise<BroadcastRow | undefined> {
      if (!/^[\w-]{16,64}$/.test(token)) return undefined;
      return (await db.selectFrom('broadcasts').selectAll().where('watch_token', '=', token).executeTakeFirst()) as BroadcastRow | undefined;
    },

    /** What anyone with the link sees (no ids, no link); the same for the live sockets' `state`. */
    async toPublic(row: BroadcastRow): Promise<TPublicBroadcast> {
      const [organization, speakers, viewers] = await Promise.all([
        db.selectFrom('organizations').select('short_name').where('id', '=', row.organization_id).executeTakeFirstOrThrow(),
        speakersOf([row.id]),
        viewersOf([row.id]),
      ]);
      const status = statusOf(row);
      return {
        title: row.title,
        description: row.description,
        organizationName: organization.short_name,
        scheduledFor: iso(row.scheduled_for),
        status,
        startedAt: iso(row.started_at),
        endedAt: iso(row.ended_at),
        viewers: status === 'live' ? (viewers.get(row.id) ?? 0) : 0,
        speakers: speakers.map((speaker) => ({ displayName: speaker.display_name, onAir: status === 'live' && Boolean(speaker.on_air) })),
      };
    },

    async publicView(token: string): Promise<TPublicBroadcast> {
      const row = await service.byToken(token);
      if (!row) throw notFound();
      return service.toPublic(row);
    },

    find,
    changed,
    speakersOf,
  };
  return service;
}
