import { randomUUID } from 'node:crypto';
import {
  broadcastCloseCodes,
  ZBroadcastClientMessage,
  type TBroadcastClientMessage,
  type TBroadcastServerMessage,
  type TBroadcastStream,
  type TPublicBroadcast,
} from '@parta/contracts';
import { sql, type Kysely } from 'kysely';
import type { WebSocket } from 'ws';
import type { Clock } from '../../platform/clock.ts';
import type { IceConfig } from '../../platform/config/index.ts';
import { transaction, type DB } from '../../platform/db/index.ts';
import type { LocalizedText } from '../../platform/http/index.ts';
import { feedIsGone, iceServersFor, MediaUnavailableError, roomIsGone, type MediaPeer, type MediaRelay, type MediaRoomRef, type MediaServers } from '../../platform/media/index.ts';
import type { BusMessage, EventBus } from '../../platform/realtime/index.ts';
import { staffRoles } from '../access/index.ts';
import { freshSince, maxSpeakers, statusOf, type BroadcastRow, type BroadcastsService } from './broadcasts.service.ts';

type Logger = { warn(object: unknown, message: string): void };

/** One live socket: a viewer (anyone with the link) or a speaker's device (signed in). */
type Live = {
  id: string;
  broadcastId: string;
  role: 'viewer' | 'speaker';
  userId: string | null;
  /** A speaker's session: signing out closes the socket. */
  sessionId: string | null;
  /** The link a viewer came by: when it is revoked or renewed, the viewer is let go. */
  token: string | null;
  locale: 'ru' | 'en';
  socket: WebSocket;
  /** A viewer's media instance (where it is counted); speakers receive in the origin room. */
  instance: string | null;
  /** The audience key a viewer is counted as watching under, once its media connected. */
  watchingOn: string | null;
  /** When a viewer not watching yet was sent an offer (ms, on the service's clock): it is let go if its media does not connect. */
  offeredAt: number | null;
  /** When the TURN credentials last sent to the device expire (clock ms; null: none sent yet). */
  iceExpiresAt: number | null;
  /** The room the receiver is in (it is reopened when the broadcast's room there is replaced). */
  roomId: number | null;
  receiver: MediaPeer | null;
  /** The feeds the receiver is subscribed to, as a sorted key, to skip unchanged resubscriptions. */
  received: string;
  publisher: MediaPeer | null;
  feedId: number | null;
  /** The latest offer sent to the device; only an answer to it is applied. */
  offerId: number;
  work: Promise<void>;
  closed: boolean;
  lastState: string;
  /** A resync is queued and not started yet. */
  resyncPending: boolean;
  tokens: number;
  refilledAt: number;
  alive: boolean;
};

type RoomRow = { instance: string; room_id: string | number | null; origin: boolean; claimed_at: Date };

const mediaFailed: LocalizedText = { ru: 'Медиасервер не ответил. Попробуйте ещё раз.', en: 'The media server did not answer. Try again.' };
const notSpeaker: LocalizedText = { ru: 'В эфир выходят только выступающие.', en: 'Only speakers go on air.' };
const notLive: LocalizedText = { ru: 'Трансляция не идёт.', en: 'The broadcast is not live.' };
const tooFast: LocalizedText = { ru: 'Слишком много сообщений.', en: 'Too many messages.' };
const malformed: LocalizedText = { ru: 'Непонятное сообщение.', en: 'Unknown or malformed message.' };

/** Messages one live socket may send: a burst, refilled per second (negotiation and ICE candidates). */
const messageBurst = 120;
const messageRefillPerSecond = 20;
/** How often audience counts are written, states refreshed and subscriptions reconciled. */
const defaultTickMs = 5_000;
const heartbeatMs = 30_000;
/** A room or relay claimed but not made after this long belongs to a node that died: taken over. */
const claimTimeoutMs = 30_000;
/** The tick sends a device fresh TURN credentials when the ones it has expire within this. */
const iceRefreshMarginMs = 5 * 60_000;
/** A viewer sent an offer whose media has not connected after this long is let go (`noMedia`). */
const defaultMediaConnectTimeoutMs = 30_000;

export type BroadcastLive = ReturnType<typeof createBroadcastLive>;

/**
 * The live side of broadcasts (docs/subsystems/broadcasts.md): the sockets of speakers and
 * viewers this node holds, their media-server peers, the rooms viewers are spread over and the
 * relays that feed those rooms, and the audience count.
 *
 * Speakers publish into the broadcast's origin room. A viewer watches from the origin room's
 * instance while it has fewer than `viewersPerMediaServer` viewers; past that, from a room on
 * another instance into which every speaker's feed is relayed (VideoRoom remote publishers fed
 * by RTP forwarding from the origin). The rooms and relays are in the database, so any node can
 * use a room another made; the media server does the forwarding, so relays outlive the node
 * that set them up. The server decides what each device receives: when the speakers on air
 * change, every node resubscribes its sockets and sends them the new offer.
 */
export function createBroadcastLive(deps: {
  db: Kysely<DB>;
  clock: Clock;
  bus: EventBus;
  media: MediaServers | null;
  broadcasts: BroadcastsService;
  logger: Logger;
  /** Viewers one media instance serves before further ones go to another instance. */
  viewersPerMediaServer: number;
  /** STUN/TURN servers handed to the devices (speakers on connect, viewers with their first offer). */
  ice: IceConfig;
  tickMs?: number;
  /** How long a viewer's media may take to connect after an offer (default 30 s). */
  mediaConnectTimeoutMs?: number;
}) {
  const { db, clock, broadcasts } = deps;
  const nodeId = randomUUID();
  const sockets = new Map<string, Set<Live>>();
  /**
   * Viewers per `${broadcastId}\n${instance}` on this node, written to broadcast_audience: placed
   * there (the instance's load) and watching (media connected: the count everyone sees).
   */
  const audience = new Map<string, { viewers: number; watching: number }>();
  let audienceDirty = false;
  /** Relays this node set up, to stop them when their speaker leaves the air. */
  const relays = new Map<string, MediaRelay>();
  const refreshing = new Map<string, { again: boolean }>();
  /** Viewers being placed, per broadcast, one after another (see place()). */
  const placing = new Map<string, Promise<void>>();

  const send = (live: Live, message: TBroadcastServerMessage) => {
    if (live.closed || live.socket.readyState !== live.socket.OPEN) return;
    live.socket.send(JSON.stringify(message));
  };
  const fail = (live: Live, code: string, text: LocalizedText) => send(live, { type: 'error', code, message: text[live.locale] });

  /** Runs a socket's media work one request after another (publish before answers, in order). */
  const queue = (live: Live, work: () => Promise<void>, code = 'media_failed') => {
    live.work = live.work
      .then(() => (live.closed ? undefined : work()))
      .catch((error: unknown) => {
        deps.logger.warn({ err: error, broadcastId: live.broadcastId }, 'broadcast media request failed');
        fail(live, code, mediaFailed);
      });
    return live.work;
  };

  // ---- Rooms and relays ----

  const rooms = (broadcastId: string) => db.selectFrom('broadcast_rooms').select(['instance', 'room_id', 'origin', 'claimed_at']).where('broadcast_id', '=', broadcastId).execute() as Promise<RoomRow[]>;
  const refOf = (room: RoomRow): MediaRoomRef => ({ instance: room.instance, roomId: Number(room.room_id) });

  async function waitFor<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const value = await read();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} was not made in time`);
  }

  /**
   * Every speaker on air appears in a relay room: relays that are missing are made (once,
   * whichever node claims them). A claim left unfinished for 30 s (its node died) is taken over.
   * Resolves whether it made any.
   */
  async function ensureRelays(broadcastId: string, origin: RoomRow, target: RoomRow): Promise<boolean> {
    await db
      .deleteFrom('broadcast_relays')
      .where('broadcast_id', '=', broadcastId)
      .where('instance', '=', target.instance)
      .where('feed_id', 'is', null)
      .where('claimed_at', '<', new Date(clock.now().getTime() - claimTimeoutMs))
      .execute();
    let made = false;
    const speakers = await db
      .selectFrom('broadcast_speakers')
      .select('feed_id')
      .where('broadcast_id', '=', broadcastId)
      .where('feed_id', 'is not', null)
      .where('on_air_seen_at', '>', freshSince(clock))
      .execute();
    for (const { feed_id } of speakers) {
      const sourceFeed = Number(feed_id);
      const claimed = await db
        .insertInto('broadcast_relays')
        .values({ broadcast_id: broadcastId, instance: target.instance, source_feed: sourceFeed, feed_id: null, claimed_at: clock.now() })
        .onConflict((conflict) => conflict.doNothing())
        .returning('source_feed')
        .executeTakeFirst();
      if (!claimed) continue; // made (or being made) by someone else; viewers pick it up when it is ready
      try {
        const relay = await deps.media!.relay(refOf(origin), sourceFeed, refOf(target));
        const recorded = await db
          .updateTable('broadcast_relays')
          .set({ feed_id: relay.feedId })
          .where('broadcast_id', '=', broadcastId)
          .where('instance', '=', target.instance)
          .where('source_feed', '=', sourceFeed)
          .where('feed_id', 'is', null)
          .returning('feed_id')
          .executeTakeFirst();
        if (!recorded) {
          // The claim went while the relay was being made (the speaker left the air, the room or the
          // broadcast went): nobody else knows of this relay, so it is stopped here.
          await relay.stop().catch((error: unknown) => deps.logger.warn({ err: error, broadcastId, sourceFeed }, 'stopping an unrecorded relay failed'));
          continue;
        }
        relays.set(`${broadcastId}\n${target.instance}\n${sourceFeed}`, relay);
        made = true;
      } catch (error) {
        await db.deleteFrom('broadcast_relays').where('broadcast_id', '=', broadcastId).where('instance', '=', target.instance).where('source_feed', '=', sourceFeed).where('feed_id', 'is', null).execute();
        throw error;
      }
    }
    return made;
  }

  /** A speaker's feed left the air: its relays go too (stopped here, or removed at the target). */
  async function dropRelays(broadcastId: string, sourceFeed: number) {
    const rows = await db
      .deleteFrom('broadcast_relays')
      .where('broadcast_id', '=', broadcastId)
      .where('source_feed', '=', sourceFeed)
      .returning(['instance', 'feed_id'])
      .execute();
    const all = await rooms(broadcastId);
    for (const row of rows) {
      const key = `${broadcastId}\n${row.instance}\n${sourceFeed}`;
      const relay = relays.get(key);
      relays.delete(key);
      const room = all.find((candidate) => candidate.instance === row.instance);
      if (relay) await relay.stop();
      else if (room && row.feed_id !== null) await deps.media?.kick(refOf(room), Number(row.feed_id));
    }
  }

  /** Viewers per instance now: fresh rows of other nodes plus this node's own count. */
  async function load(broadcastId: string): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('broadcast_audience')
      .select(['instance', sql<number>`sum(viewers)::int`.as('viewers')])
      .where('broadcast_id', '=', broadcastId)
      .where('node_id', '!=', nodeId)
      .where('seen_at', '>', freshSince(clock))
      .groupBy('instance')
      .execute();
    const counts = new Map(rows.map((row) => [row.instance, Number(row.viewers)]));
    for (const [key, { viewers }] of audience) {
      const [id, instance] = key.split('\n') as [string, string];
      if (id === broadcastId) counts.set(instance, (counts.get(instance) ?? 0) + viewers);
    }
    return counts;
  }

  /**
   * Where a new viewer watches from: the origin while it has room, else the least loaded relay
   * room with room, else a new relay room on an instance the broadcast does not use yet, else
   * (every instance full) the least loaded room.
   */
  async function placeViewer(broadcastId: string): Promise<RoomRow> {
    const all = await rooms(broadcastId);
    const origin = all.find((room) => room.origin);
    if (!origin) throw new Error('the broadcast has no origin room');
    const counts = await load(broadcastId);
    const count = (room: RoomRow) => counts.get(room.instance) ?? 0;
    if (count(origin) < deps.viewersPerMediaServer) return origin;
    const ready = all.filter((room) => !room.origin && room.room_id !== null).sort((a, b) => count(a) - count(b));
    if (ready[0] && count(ready[0]) < deps.viewersPerMediaServer) return ready[0];
    // A relay room claimed by a node that died before making it is given up after 30 s.
    const stale = all.filter((room) => room.room_id === null && !room.origin && new Date(room.claimed_at).getTime() < clock.now().getTime() - claimTimeoutMs);
    for (const room of stale) {
      await db.deleteFrom('broadcast_rooms').where('broadcast_id', '=', broadcastId).where('instance', '=', room.instance).where('room_id', 'is', null).execute();
    }
    const used = new Set(all.filter((room) => !stale.includes(room)).map((room) => room.instance));
    const spare = deps.media!.instances()
      .filter((instance) => !used.has(instance.url))
      .sort((a, b) => a.peers - b.peers)[0];
    if (spare) {
      const claimed = await db
        .insertInto('broadcast_rooms')
        .values({ broadcast_id: broadcastId, instance: spare.url, room_id: null, origin: false, claimed_at: clock.now() })
        .onConflict((conflict) => conflict.doNothing())
        .returning('instance')
        .executeTakeFirst();
      if (claimed) {
        let room: RoomRow;
        try {
          // Claimed after the broadcast ended (a refresh that was already running): nothing to make.
          const current = await broadcasts.find(broadcastId);
          if (!current || current.ended_at) throw new Error('the broadcast ended');
          const ref = await deps.media!.createRoom({ maxPublishers: maxSpeakers, description: `broadcast ${broadcastId} relay`, instance: spare.url });
          room = { instance: ref.instance, room_id: ref.roomId, origin: false, claimed_at: clock.now() };
          const updated = await db.updateTable('broadcast_rooms').set({ room_id: ref.roomId }).where('broadcast_id', '=', broadcastId).where('instance', '=', spare.url).executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) {
            // The broadcast ended meanwhile (its rows are gone): the room is not needed.
            await deps.media!.destroyRoom(ref);
            throw new Error('the broadcast ended');
          }
        } catch (error) {
          await db.deleteFrom('broadcast_rooms').where('broadcast_id', '=', broadcastId).where('instance', '=', spare.url).where('room_id', 'is', null).execute();
          throw error;
        }
        await ensureRelays(broadcastId, origin, room);
        return room;
      }
      return waitFor(async () => {
        const row = (await rooms(broadcastId)).find((candidate) => candidate.instance === spare.url);
        if (!row) throw new Error('the relay room was given up');
        return row.room_id === null ? undefined : row;
      }, 'a relay room');
    }
    return [origin, ...ready].sort((a, b) => count(a) - count(b))[0]!;
  }

  /** What a room offers now: the feed (there) of each speaker on air, with the speaker's name. */
  async function feedsIn(broadcastId: string, room: RoomRow): Promise<Array<{ feedId: number; speaker: string; sourceFeed: number }>> {
    const speakers = await db
      .selectFrom('broadcast_speakers')
      .innerJoin('users', 'users.id', 'broadcast_speakers.user_id')
      .select(['feed_id', 'display_name'])
      .where('broadcast_id', '=', broadcastId)
      .where('feed_id', 'is not', null)
      .where('on_air_seen_at', '>', freshSince(clock))
      .orderBy('position')
      .execute();
    if (room.origin) return speakers.map((row) => ({ feedId: Number(row.feed_id), speaker: row.display_name, sourceFeed: Number(row.feed_id) }));
    const relayed = new Map(
      (await db.selectFrom('broadcast_relays').select(['source_feed', 'feed_id']).where('broadcast_id', '=', broadcastId).where('instance', '=', room.instance).where('feed_id', 'is not', null).execute()).map(
        (row) => [Number(row.source_feed), Number(row.feed_id)],
      ),
    );
    return speakers.flatMap((row) => {
      const feedId = relayed.get(Number(row.feed_id));
      return feedId === undefined ? [] : [{ feedId, speaker: row.display_name, sourceFeed: Number(row.feed_id) }];
    });
  }

  // ---- Per socket ----

  function tally(key: string, field: 'viewers' | 'watching', delta: 1 | -1) {
    const counts = audience.get(key) ?? { viewers: 0, watching: 0 };
    counts[field] = Math.max(0, counts[field] + delta);
    audience.set(key, counts);
    audienceDirty = true;
  }

  /** A viewer placed on (1) or gone from (-1) its instance: its load. */
  function count(live: Live, delta: 1 | -1) {
    if (live.role !== 'viewer' || live.instance === null) return;
    tally(`${live.broadcastId}\n${live.instance}`, 'viewers', delta);
  }

  /** The viewer's media connected: it counts as watching (where it is placed now, remembered for the decrement). */
  function startWatching(live: Live) {
    live.offeredAt = null;
    if (live.role !== 'viewer' || live.instance === null || live.watchingOn !== null) return;
    live.watchingOn = `${live.broadcastId}\n${live.instance}`;
    tally(live.watchingOn, 'watching', 1);
  }

  /** The viewer's receiving connection went (or the socket): no longer watching. */
  function stopWatching(live: Live) {
    live.offeredAt = null;
    if (live.watchingOn === null) return;
    tally(live.watchingOn, 'watching', -1);
    live.watchingOn = null;
  }

  /**
   * What every socket of a broadcast needs to resync, read once per refresh (not once per socket:
   * a node may hold a thousand viewers of one broadcast): its rooms, and the feeds of each room.
   * Placing a viewer or a room that went away reads afresh.
   */
  type View = { rooms(): Promise<RoomRow[]>; feeds(room: RoomRow): Promise<Awaited<ReturnType<typeof feedsIn>>>; relayed(origin: RoomRow, room: RoomRow): Promise<boolean> };
  function viewOf(broadcastId: string): View {
    let all: Promise<RoomRow[]> | undefined;
    const feeds = new Map<string, ReturnType<typeof feedsIn>>();
    const relayed = new Map<string, Promise<boolean>>();
    return {
      rooms: () => (all ??= rooms(broadcastId)),
      relayed(origin, room) {
        const key = `${room.instance}\n${room.room_id}`;
        let found = relayed.get(key);
        if (!found) relayed.set(key, (found = ensureRelays(broadcastId, origin, room)));
        return found;
      },
      feeds(room) {
        const key = `${room.instance}\n${room.room_id}`;
        let found = feeds.get(key);
        if (!found) feeds.set(key, (found = feedsIn(broadcastId, room)));
        return found;
      },
    };
  }

  /** Subscribes the socket's device to what it should receive now (nothing when that did not change). */
  async function resync(live: Live, row: BroadcastRow, view: View = viewOf(row.id)) {
    if (statusOf(row) !== 'live' || !deps.media?.isAvailable()) return;
    let all = await view.rooms();
    let room: RoomRow | undefined;
    if (live.role === 'speaker') room = all.find((candidate) => candidate.origin);
    else if (live.instance !== null) {
      room = all.find((candidate) => candidate.instance === live.instance);
      // The room this viewer watched from is gone (its instance was lost, the origin was remade): placed again.
      if (!room) {
        count(live, -1);
        live.instance = null;
      }
    }
    if (live.role === 'viewer' && live.instance === null) {
      room = await place(live);
      // A relay room may have been made for this viewer: read the rooms afresh.
      view = viewOf(row.id);
      all = await view.rooms();
    }
    if (!room || room.room_id === null || live.closed) return;
    if (live.receiver && live.roomId !== Number(room.room_id)) await dropReceiver(live);
    try {
      await receiveIn(live, row, all, room, view);
    } catch (error) {
      if (!roomIsGone(error)) throw error;
      await dropReceiver(live);
      // A relay room lost with its instance: let go of it, the viewer is placed again. (A lost
      // origin is remade by the speakers' next publish; until then there is nothing to receive.)
      if (!room.origin) {
        await dropRelayRoom(row.id, room);
        count(live, -1);
        live.instance = null;
        scheduleRefresh(row.id);
      }
    }
  }

  /**
   * Places a viewer and counts it there, one viewer of a broadcast at a time on this node, so a
   * crowd arriving at once fills a room up to its capacity rather than past it.
   */
  function place(live: Live): Promise<RoomRow | undefined> {
    const previous = placing.get(live.broadcastId) ?? Promise.resolve();
    const placed = previous.then(async () => {
      if (live.closed) return undefined;
      const room = await placeViewer(live.broadcastId);
      if (live.closed) return undefined;
      live.instance = room.instance;
      count(live, 1);
      return room;
    });
    const settled = placed.then(
      () => undefined,
      () => undefined,
    );
    placing.set(live.broadcastId, settled);
    void settled.then(() => {
      if (placing.get(live.broadcastId) === settled) placing.delete(live.broadcastId);
    });
    return placed;
  }

  /** Relay handles of this node for a broadcast (or one instance of it) that are gone with their room. */
  function forgetRelays(broadcastId: string, instance?: string) {
    for (const key of relays.keys()) if (key.startsWith(`${broadcastId}\n${instance === undefined ? '' : `${instance}\n`}`)) relays.delete(key);
  }

  /** Forgets a relay room whose instance lost it (or was lost), with its relays. */
  async function dropRelayRoom(broadcastId: string, room: RoomRow) {
    forgetRelays(broadcastId, room.instance);
    await db.deleteFrom('broadcast_relays').where('broadcast_id', '=', broadcastId).where('instance', '=', room.instance).execute();
    await db
      .deleteFrom('broadcast_rooms')
      .where('broadcast_id', '=', broadcastId)
      .where('instance', '=', room.instance)
      .where('origin', '=', false)
      .where('room_id', '=', Number(room.room_id))
      .execute();
    await deps.media?.destroyRoom(refOf(room)).catch(() => undefined);
  }

  /** Subscribes the socket's device, in `room`, to every speaker on air there but itself. */
  async function receiveIn(live: Live, row: BroadcastRow, all: RoomRow[], room: RoomRow, view: View) {
    const origin = all.find((candidate) => candidate.origin);
    // Relays are made once per room and refresh (ensureRelays is idempotent, but costs queries).
    if (!room.origin && origin && (await view.relayed(origin, room))) view = viewOf(row.id);
    const feeds = (await view.feeds(room)).filter((feed) => feed.sourceFeed !== live.feedId);
    const key = feeds
      .map((feed) => feed.feedId)
      .sort((a, b) => a - b)
      .join(',');
    if (key === live.received && live.receiver) return;
    if (feeds.length === 0) {
      // Nobody on air (a break between speakers): a viewer whose media was up stays counted.
      await dropReceiver(live, { keepWatching: true });
      return;
    }
    if (!live.receiver) {
      // A viewer's first receiving connection: its STUN/TURN servers come first (kept fresh by the tick).
      if (live.iceExpiresAt === null) sendIceServers(live);
      const peer = await deps.media!.openPeer(refOf(room), { display: live.role === 'speaker' ? `speaker ${live.userId}` : 'viewer' });
      if (live.closed) return void peer.close();
      live.receiver = peer;
      live.roomId = Number(room.room_id);
      live.received = '';
      peer.onSubscriberUp(() => {
        if (live.receiver === peer && !live.closed) startWatching(live);
      });
      peer.onClosed(() => {
        if (live.receiver !== peer) return;
        stopWatching(live);
        live.receiver = null;
        live.roomId = null;
        live.received = '';
        send(live, { type: 'no-streams' });
        scheduleRefresh(live.broadcastId);
      });
    }
    const offer = await subscribeToPresent(live.receiver, room, feeds.map((feed) => feed.feedId));
    live.received = key;
    if (!offer) return;
    const names = new Map(feeds.map((feed) => [feed.feedId, feed.speaker]));
    const streams: TBroadcastStream[] = offer.streams.map((stream) => ({ mid: stream.mid, type: stream.type, speaker: names.get(stream.feedId) ?? '' }));
    live.offerId += 1;
    if (live.role === 'viewer' && live.watchingOn === null) live.offeredAt ??= clock.now().getTime();
    send(live, { type: 'offer', offerId: live.offerId, sdp: offer.offerSdp, streams });
  }

  /**
   * Subscribes to the feeds; when one of them is not at the media server (a speaker whose node died
   * is still marked on air until the mark goes stale, up to 20 s), to the ones that are, so a
   * single gone feed does not keep everyone from the others. The set tried is remembered, so the
   * next attempt comes when the speakers on air change (the stale mark going, at the latest).
   */
  async function subscribeToPresent(receiver: MediaPeer, room: RoomRow, feedIds: number[]) {
    try {
      return await receiver.subscribe(feedIds);
    } catch (error) {
      if (!feedIsGone(error)) throw error;
      const present = new Set((await deps.media!.participants(refOf(room))).filter((participant) => participant.publisher).map((participant) => participant.feedId));
      const available = feedIds.filter((feedId) => present.has(feedId));
      // Nothing of it left (or nothing missing after all): the resync fails, the next change tries again.
      if (available.length === 0 || available.length === feedIds.length) throw error;
      deps.logger.warn({ room: room.room_id, missing: feedIds.filter((feedId) => !present.has(feedId)) }, 'subscribing without feeds the media server does not have');
      return receiver.subscribe(available);
    }
  }

  /**
   * The STUN/TURN servers for the device's next connections, with fresh TURN credentials (a
   * speaker's are named after them; viewers' say only `viewer`, nothing about the broadcast).
   */
  function sendIceServers(live: Live) {
    const { iceServers, expiresAt } = iceServersFor(deps.ice, live.userId ?? 'viewer', clock.now());
    live.iceExpiresAt = expiresAt === null ? Number.POSITIVE_INFINITY : new Date(expiresAt).getTime();
    send(live, { type: 'ice-servers', iceServers });
  }

  /** Closes the device's receiving peer; the device is told (`no-streams`), so the next offer starts a new connection. */
  async function dropReceiver(live: Live, { keepWatching = false } = {}) {
    if (keepWatching) live.offeredAt = null;
    else stopWatching(live);
    const receiver = live.receiver;
    live.receiver = null;
    live.roomId = null;
    live.received = '';
    if (!receiver) return;
    send(live, { type: 'no-streams' });
    await receiver.close().catch(() => undefined);
  }

  /**
   * The origin room is gone (its Janus restarted or was lost): a new one is made on any instance,
   * and everything that hung on the old one — relay rooms, relays, speakers' feeds — is let go;
   * the speakers publish again and viewers are placed again. Resolves with the origin to use
   * (another node's, if it remade it first).
   */
  async function remakeOrigin(broadcastId: string, gone: RoomRow): Promise<RoomRow> {
    const media = deps.media!;
    const ref = await media.createRoom({ maxPublishers: maxSpeakers, description: `broadcast ${broadcastId}` });
    // One transaction, the relay rooms deleted first: the new origin may be on the instance that
    // had a relay room (one row per instance).
    const outcome = await transaction(db, async (tx) => {
      const origin = await tx.db.selectFrom('broadcast_rooms').select(['instance', 'room_id']).where('broadcast_id', '=', broadcastId).where('origin', '=', true).forUpdate().executeTakeFirst();
      if (!origin || origin.instance !== gone.instance || Number(origin.room_id) !== Number(gone.room_id)) return { replaced: false as const };
      const relayRooms = await tx.db.deleteFrom('broadcast_rooms').where('broadcast_id', '=', broadcastId).where('origin', '=', false).returning(['instance', 'room_id']).execute();
      await tx.db.deleteFrom('broadcast_relays').where('broadcast_id', '=', broadcastId).execute();
      await tx.db.updateTable('broadcast_rooms').set({ instance: ref.instance, room_id: ref.roomId }).where('broadcast_id', '=', broadcastId).where('origin', '=', true).execute();
      await tx.db.updateTable('broadcast_speakers').set({ feed_id: null, connection_id: null, on_air_since: null, on_air_seen_at: null }).where('broadcast_id', '=', broadcastId).execute();
      return { replaced: true as const, relayRooms };
    }).catch(async (error: unknown) => {
      await media.destroyRoom(ref).catch(() => undefined);
      throw error;
    });
    if (!outcome.replaced) {
      // Another node (or device) remade it first: this room is not needed.
      await media.destroyRoom(ref);
      const current = (await rooms(broadcastId)).find((room) => room.origin);
      if (!current) throw new Error('the broadcast has no origin room');
      return current;
    }
    deps.logger.warn({ broadcastId, instance: gone.instance }, 'a broadcast’s origin room was gone; made a new one');
    forgetRelays(broadcastId);
    for (const room of outcome.relayRooms) if (room.room_id !== null) await media.destroyRoom({ instance: room.instance, roomId: Number(room.room_id) }).catch(() => undefined);
    await broadcasts.changed(broadcastId);
    return { instance: ref.instance, room_id: ref.roomId, origin: true, claimed_at: clock.now() };
  }

  /** The speaker's device leaves the air (or went): its feed, its relays and the row's marks go. */
  async function unpublish(live: Live) {
    const publisher = live.publisher;
    const feedId = live.feedId;
    live.publisher = null;
    live.feedId = null;
    if (!publisher) return;
    await publisher.close().catch(() => undefined);
    if (feedId === null) return;
    await db
      .updateTable('broadcast_speakers')
      .set({ feed_id: null, connection_id: null, on_air_since: null, on_air_seen_at: null })
      .where('broadcast_id', '=', live.broadcastId)
      .where('user_id', '=', live.userId!)
      .where('connection_id', '=', live.id)
      .execute();
    await dropRelays(live.broadcastId, feedId);
    await broadcasts.changed(live.broadcastId);
  }

  async function publishInto(live: Live, origin: RoomRow, sdp: string) {
    const peer = await deps.media!.openPeer(refOf(origin), { display: `speaker ${live.userId}` });
    try {
      return { peer, ...(await peer.publish(sdp)) };
    } catch (error) {
      await peer.close().catch(() => undefined);
      throw error;
    }
  }

  async function publish(live: Live, sdp: string) {
    const row = await broadcasts.find(live.broadcastId);
    if (!row || statusOf(row) !== 'live') return fail(live, 'not_live', notLive);
    if (live.publisher && live.feedId !== null) {
      const { answerSdp } = await live.publisher.republish(sdp);
      return send(live, { type: 'answer', sdp: answerSdp });
    }
    let origin = (await rooms(row.id)).find((room) => room.origin);
    if (!origin || !deps.media?.isAvailable()) return fail(live, 'media_unavailable', mediaFailed);
    let published: { peer: MediaPeer; feedId: number; answerSdp: string };
    try {
      published = await publishInto(live, origin, sdp);
    } catch (error) {
      if (!roomIsGone(error)) throw error;
      origin = await remakeOrigin(row.id, origin);
      published = await publishInto(live, origin, sdp);
    }
    const { peer, feedId, answerSdp } = published;
    if (live.closed) return void peer.close();
    live.publisher = peer;
    // The media server dropped the feed. Ending a broadcast destroys its rooms, which can close the
    // feed before this node's refresh has seen the end: the row says which it was. Otherwise the
    // room or instance went, and the device is let go with «media lost», reconnects and publishes
    // again — into a new origin room if need be.
    peer.onClosed(() => {
      if (live.publisher !== peer) return;
      void broadcasts.find(live.broadcastId).then(
        (current) => {
          if (live.closed || live.publisher !== peer) return;
          if (!current || current.ended_at) closeLive(live, current ? broadcastCloseCodes.ended : broadcastCloseCodes.notFound, current ? 'ended' : 'not found');
          else closeLive(live, broadcastCloseCodes.mediaLost, 'media lost');
        },
        () => closeLive(live, broadcastCloseCodes.mediaLost, 'media lost'),
      );
    });
    live.feedId = feedId;
    // On air from this device: another device of the same speaker that was on air leaves it (its node sees the row change).
    // Stored before the device hears of it, as a call's feed is.
    await db
      .updateTable('broadcast_speakers')
      .set({ feed_id: feedId, connection_id: live.id, on_air_since: clock.now(), on_air_seen_at: clock.now() })
      .where('broadcast_id', '=', row.id)
      .where('user_id', '=', live.userId!)
      .execute();
    send(live, { type: 'answer', sdp: answerSdp });
    // Into every relay room too; a relay room that is gone is let go (its viewers are placed again).
    for (const room of await rooms(row.id)) {
      if (room.origin || room.room_id === null) continue;
      await ensureRelays(row.id, origin, room).catch(async (error: unknown) => {
        deps.logger.warn({ err: error, broadcastId: row.id, instance: room.instance }, 'relaying a speaker failed');
        if (roomIsGone(error)) await dropRelayRoom(row.id, room);
      });
    }
    await broadcasts.changed(row.id);
  }

  function handleMessage(live: Live, message: TBroadcastClientMessage) {
    switch (message.type) {
      case 'ping':
        return send(live, { type: 'pong' });
      case 'publish':
        if (live.role !== 'speaker') return fail(live, 'forbidden', notSpeaker);
        // Its failure has its own code: the device stops trying to go on air (other errors do not concern publishing).
        return void queue(live, () => publish(live, message.sdp), 'publish_failed');
      case 'unpublish':
        if (live.role !== 'speaker') return fail(live, 'forbidden', notSpeaker);
        return void queue(live, () => unpublish(live));
      case 'answer':
        return void queue(live, async () => {
          // An answer to an offer that was replaced since (or to another receiving connection) is stale.
          if (live.receiver && message.offerId === live.offerId) await live.receiver.answerSubscription(message.sdp);
        });
      case 'candidate':
        if (message.target === 'publisher' && live.role !== 'speaker') return fail(live, 'forbidden', notSpeaker);
        return void queue(live, async () => {
          const peer = message.target === 'publisher' ? live.publisher : live.receiver;
          if (peer) await peer.trickle(message.target, message.candidate);
        });
    }
  }

  // ---- Refresh: state to every socket, close the ones that must go, reconcile subscriptions ----

  /** Closes a socket; its queued work stops at once (the close event may come much later). */
  function closeLive(live: Live, code: number, reason: string) {
    live.closed = true;
    if (live.socket.readyState === live.socket.OPEN) live.socket.close(code, reason);
  }

  async function refresh(broadcastId: string) {
    const local = sockets.get(broadcastId);
    if (!local || local.size === 0) return;
    const row = await broadcasts.find(broadcastId);
    if (!row) {
      for (const live of local) closeLive(live, broadcastCloseCodes.notFound, 'not found');
      return;
    }
    if (row.ended_at) {
      for (const live of local) closeLive(live, broadcastCloseCodes.ended, 'ended');
      forgetRelays(broadcastId);
      return;
    }
    // Speakers who are still staff of the school (one who left it, or lost the role, goes off the air).
    const speakers = await db
      .selectFrom('broadcast_speakers')
      .select(['user_id', 'connection_id'])
      .where('broadcast_id', '=', broadcastId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('memberships')
            .select('memberships.user_id')
            .whereRef('memberships.user_id', '=', 'broadcast_speakers.user_id')
            .where('memberships.organization_id', '=', row.organization_id)
            .where('memberships.role', 'in', [...staffRoles])
            .where('memberships.ended_at', 'is', null),
        ),
      )
      .execute();
    await checkRelayRooms(broadcastId, local);
    const state: TPublicBroadcast = await broadcasts.toPublic(row);
    const stateText = JSON.stringify({ type: 'state', broadcast: state });
    const view = viewOf(broadcastId);
    for (const live of local) {
      if (live.role === 'viewer' && live.token !== row.watch_token) {
        closeLive(live, broadcastCloseCodes.revoked, 'link revoked');
        continue;
      }
      if (live.role === 'speaker') {
        const mine = speakers.find((speaker) => speaker.user_id === live.userId);
        if (!mine) {
          closeLive(live, broadcastCloseCodes.revoked, 'not a speaker');
          continue;
        }
        // This speaker went on air from another device: this one leaves the air.
        if (live.feedId !== null && mine.connection_id !== null && mine.connection_id !== live.id) void queue(live, () => unpublish(live));
      }
      if (live.lastState !== stateText) {
        live.lastState = stateText;
        if (live.socket.readyState === live.socket.OPEN) live.socket.send(stateText);
      }
      // One resync waiting per socket at most: refreshes that come faster than the media server answers do not pile up.
      if (live.resyncPending) continue;
      live.resyncPending = true;
      void queue(live, () => {
        live.resyncPending = false;
        return resync(live, row, view);
      });
    }
  }

  /**
   * Relay rooms this node's viewers watch from still exist at the media server? Janus tells a
   * room's subscribers nothing when the room alone goes, so a room that is gone is found here
   * (every tick): it is let go and its viewers here are placed again.
   */
  async function checkRelayRooms(broadcastId: string, local: Set<Live>) {
    if (!deps.media?.isAvailable()) return;
    const all = await rooms(broadcastId);
    const watched = new Set([...local].map((live) => live.instance));
    for (const room of all) {
      if (room.origin || room.room_id === null || !watched.has(room.instance)) continue;
      // Only when the instance answers that the room is gone: a node that lost its connection to
      // the instance for a moment must not take down a room other nodes' viewers still use.
      const gone = await deps.media.participants(refOf(room)).then(
        () => false,
        (error: unknown) => !(error instanceof MediaUnavailableError) && roomIsGone(error),
      );
      if (!gone) continue;
      deps.logger.warn({ broadcastId, instance: room.instance }, 'a broadcast’s relay room was gone; viewers are placed again');
      await dropRelayRoom(broadcastId, room);
      for (const live of local) {
        if (live.instance !== room.instance) continue;
        await dropReceiver(live);
        count(live, -1);
        live.instance = null;
      }
    }
  }

  /** Refreshes a broadcast's sockets; calls during a refresh make one more run after it. */
  function scheduleRefresh(broadcastId: string) {
    const running = refreshing.get(broadcastId);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: false };
    refreshing.set(broadcastId, entry);
    const run = (): Promise<void> =>
      refresh(broadcastId)
        .catch((error: unknown) => deps.logger.warn({ err: error, broadcastId }, 'refreshing a broadcast failed'))
        .then(() => {
          if (!entry.again) {
            refreshing.delete(broadcastId);
            return;
          }
          entry.again = false;
          return run();
        });
    void run();
  }

  /** Writes this node's audience counts (and the peaks) to the database. */
  async function flushAudience() {
    const now = clock.now();
    const touched = new Set<string>();
    for (const [key, { viewers, watching }] of audience) {
      const [broadcastId, instance] = key.split('\n') as [string, string];
      touched.add(broadcastId);
      await db
        .insertInto('broadcast_audience')
        .values({ broadcast_id: broadcastId, node_id: nodeId, instance, viewers, watching, seen_at: now })
        .onConflict((conflict) => conflict.columns(['broadcast_id', 'node_id', 'instance']).doUpdateSet({ viewers, watching, seen_at: now }))
        .execute();
      if (viewers === 0 && watching === 0 && !audienceDirty) audience.delete(key);
    }
    audienceDirty = false;
    for (const broadcastId of touched) {
      await db
        .updateTable('broadcasts')
        .set({
          peak_viewers: sql`greatest(peak_viewers, (select coalesce(sum(watching), 0) from broadcast_audience where broadcast_id = ${broadcastId} and seen_at > ${freshSince(clock)}))`,
        })
        .where('id', '=', broadcastId)
        .where('ended_at', 'is', null)
        .execute();
    }
  }

  /** Keeps the on-air marks of this node's speakers fresh. */
  async function confirmOnAir() {
    const ids = [...sockets.values()].flatMap((set) => [...set].filter((live) => live.feedId !== null).map((live) => live.id));
    if (ids.length === 0) return;
    await db.updateTable('broadcast_speakers').set({ on_air_seen_at: clock.now() }).where('connection_id', 'in', ids).where('feed_id', 'is not', null).execute();
  }

  /** Viewers sent an offer whose media did not connect in time are let go: a socket that never takes the media holds no place. */
  function releaseSilentViewers() {
    const deadline = clock.now().getTime() - (deps.mediaConnectTimeoutMs ?? defaultMediaConnectTimeoutMs);
    for (const set of sockets.values()) {
      for (const live of set) if (live.role === 'viewer' && live.watchingOn === null && live.offeredAt !== null && live.offeredAt < deadline) closeLive(live, broadcastCloseCodes.noMedia, 'media did not connect');
    }
  }

  /** Devices that were given TURN credentials get fresh ones before those expire (a speaker's next publish, a viewer's next connection). */
  function refreshIceServers() {
    const soon = clock.now().getTime() + iceRefreshMarginMs;
    for (const set of sockets.values()) for (const live of set) if (live.iceExpiresAt !== null && live.iceExpiresAt < soon) sendIceServers(live);
  }

  const tick = async () => {
    releaseSilentViewers();
    refreshIceServers();
    await confirmOnAir();
    await flushAudience();
    for (const broadcastId of sockets.keys()) scheduleRefresh(broadcastId);
  };
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void tick()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'broadcast audience tick failed'))
      .finally(() => {
        ticking = false;
      });
  }, deps.tickMs ?? defaultTickMs);
  timer.unref();
  const heartbeat = setInterval(() => {
    for (const set of sockets.values()) {
      for (const live of set) {
        if (!live.alive) live.socket.terminate();
        else {
          live.alive = false;
          live.socket.ping();
        }
      }
    }
  }, heartbeatMs);
  heartbeat.unref();

  const unsubscribe = deps.bus.subscribe((message: BusMessage) => {
    if (message.kind === 'broadcast-changed' && sockets.has(message.broadcastId)) scheduleRefresh(message.broadcastId);
    if (message.kind === 'bus-interrupted') for (const broadcastId of sockets.keys()) scheduleRefresh(broadcastId);
    if (message.kind === 'sessions-revoked') {
      // A speaker signed out (here or on another device): their studio socket closes.
      const revoked = new Set(message.sessionIds);
      for (const set of sockets.values()) for (const live of set) if (live.sessionId !== null && revoked.has(live.sessionId)) closeLive(live, broadcastCloseCodes.revoked, 'signed out');
    }
  });

  return {
    nodeId,
    /** Takes a socket that passed the route's checks (a viewer's link, or a speaker of a live broadcast). */
    attach(socket: WebSocket, who: { broadcastId: string; role: 'viewer' | 'speaker'; userId: string | null; sessionId: string | null; token: string | null; locale: 'ru' | 'en' }) {
      const live: Live = {
        id: randomUUID(),
        ...who,
        socket,
        instance: null,
        roomId: null,
        receiver: null,
        received: '',
        publisher: null,
        feedId: null,
        offerId: 0,
        watchingOn: null,
        offeredAt: null,
        iceExpiresAt: null,
        work: Promise.resolve(),
        closed: false,
        lastState: '',
        resyncPending: false,
        tokens: messageBurst,
        refilledAt: Date.now(),
        alive: true,
      };
      let set = sockets.get(who.broadcastId);
      if (!set) sockets.set(who.broadcastId, (set = new Set()));
      set.add(live);
      // A speaker's device publishes from the start: it gets the STUN/TURN servers first. A viewer
      // gets them with its first offer (only while the broadcast is live).
      if (live.role === 'speaker') sendIceServers(live);
      socket.on('pong', () => {
        live.alive = true;
      });
      socket.on('message', (raw) => {
        live.alive = true;
        const now = Date.now();
        live.tokens = Math.min(messageBurst, live.tokens + ((now - live.refilledAt) / 1000) * messageRefillPerSecond);
        live.refilledAt = now;
        if (live.tokens < 1) return fail(live, 'rate_limited', tooFast);
        live.tokens -= 1;
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString());
        } catch {
          parsed = undefined;
        }
        const message = ZBroadcastClientMessage.safeParse(parsed);
        if (!message.success) return fail(live, 'validation_failed', malformed);
        handleMessage(live, message.data);
      });
      socket.on('close', () => {
        live.closed = true;
        sockets.get(live.broadcastId)?.delete(live);
        if (sockets.get(live.broadcastId)?.size === 0) sockets.delete(live.broadcastId);
        count(live, -1);
        void dropReceiver(live);
        // Not queued: the queue stops for a closed socket, but its feed must leave the air.
        void unpublish(live).catch((error: unknown) => deps.logger.warn({ err: error }, 'taking a speaker off the air failed'));
      });
      if (who.role === 'viewer') {
        void db
          .updateTable('broadcasts')
          .set({ total_views: sql`total_views + 1` })
          .where('id', '=', who.broadcastId)
          .execute()
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'counting a view failed'));
      }
      scheduleRefresh(who.broadcastId);
    },
    /** Writes the audience now (tests; a stopping node). */
    flushAudience,
    socketCount: () => [...sockets.values()].reduce((sum, set) => sum + set.size, 0),
    async close() {
      clearInterval(timer);
      clearInterval(heartbeat);
      unsubscribe();
      for (const set of sockets.values()) for (const live of set) closeLive(live, 1001, 'server stopping');
      await db.deleteFrom('broadcast_audience').where('node_id', '=', nodeId).execute().catch(() => undefined);
    },
  };
}
