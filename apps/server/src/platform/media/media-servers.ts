import { randomBytes } from 'node:crypto';
import type { JanodeConnection, JanodeSession } from 'janode';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import { loadJanode } from './janode-loader.ts';
import { type LocalJanus } from './local-janus.ts';
import { MediaUnavailableError, type MediaLogger, type MediaRoomRef } from './types.ts';

export type MediaStreamType = 'audio' | 'video' | 'data';
export type SubscriptionOffer = { offerSdp: string; streams: Array<{ mid: string; feedId: number; type: MediaStreamType }> };
export type IceCandidateInit = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null };
export type RtpForward = { streamId: number; type: MediaStreamType; host: string; port: number };

export type MediaPeer = {
  /** Joins as publisher with the browser's SDP offer; resolves with Janus's answer and this publisher's feed id. */
  publish(offerSdp: string): Promise<{ feedId: number; answerSdp: string }>;
  /** Renegotiates an existing publisher (e.g. a screen-share track added): configure with a new offer → answer. */
  republish(offerSdp: string): Promise<{ answerSdp: string }>;
  /**
   * Makes the subscription exactly these feeds (all their streams). The first call joins a
   * subscriber handle, later ones send `update` with the difference. Resolves with Janus's new
   * offer and the mid → feed map of the active streams, or null when the set is empty and nothing
   * is subscribed. An unchanged set asks Janus for a fresh offer of the same streams. A feed that
   * was announced a moment ago and is not ready yet ("428 No such feed") is retried for up to 2 s.
   */
  subscribe(feedIds: number[]): Promise<SubscriptionOffer | null>;
  /** The browser's answer to the latest subscriber offer. */
  answerSubscription(answerSdp: string): Promise<void>;
  /** A browser ICE candidate for the publisher or subscriber connection; null = end of candidates. */
  trickle(target: 'publisher' | 'subscriber', candidate: IceCandidateInit | null): Promise<void>;
  /** Leaves the room, detaches both handles and destroys the Janus session; idempotent. */
  close(): Promise<void>;
  /**
   * Called when the subscriber's WebRTC connection is up (ICE and DTLS done: the device can
   * receive), once per connection; a renegotiation of a connection that is up does not call it again.
   */
  onSubscriberUp(listener: () => void): void;
  /** Called once when Janus hangs up this peer, it is kicked, its room is destroyed or the instance is lost. Not after close(). */
  onClosed(listener: (reason: string) => void): void;
  /** This peer's feed id once published. */
  readonly feedId: number | undefined;
};

export type MediaServerStatus = { url: string; connected: boolean; local: boolean; rooms: number; peers: number };

/** A connected instance as relay()/createRoom() callers see it; `rooms` and `peers` count this node's only. */
export type MediaInstance = { url: string; local: boolean; rooms: number; peers: number };

/** A feed of one room made to appear in another (a VideoRoom remote publisher fed by the origin). */
export type MediaRelay = {
  /** The feed id viewers subscribe to in the target room. */
  readonly feedId: number;
  /**
   * Stops the origin's forwarding and removes the remote publisher, resolving once the target room
   * no longer lists it (up to 5 s); idempotent, never throws for a gone room, feed or instance.
   */
  stop(): Promise<void>;
};

export type MediaServers = {
  /** At least one Janus instance is connected. */
  isAvailable(): boolean;
  /**
   * Creates a VideoRoom room on the least loaded connected instance (fewest rooms this node
   * created), or on `instance` (a URL from instances()) when given.
   */
  createRoom(options: { maxPublishers: number; description: string; instance?: string }): Promise<MediaRoomRef>;
  /** Destroys a room; idempotent (an unknown room or a lost instance is fine). */
  destroyRoom(ref: MediaRoomRef): Promise<void>;
  /** One participant device's presence in a room: its own Janus session with a publisher handle and (lazily) one multistream subscriber handle. */
  openPeer(ref: MediaRoomRef, options: { display: string }): Promise<MediaPeer>;
  /**
   * Server-side mute (false) / unmute (true) of a publisher's audio and/or video m-lines (VideoRoom
   * `moderate`). `streams`: the publisher's m-lines when known (sdpStreams of its answer), so a feed
   * is moderated before its media connects; without them they are asked of the media server, which
   * lists a feed only once its media connected.
   */
  moderate(ref: MediaRoomRef, feedId: number, media: { audio?: boolean; video?: boolean }, streams?: ReadonlyArray<{ mid: string; type: MediaStreamType }>): Promise<void>;
  /** Removes a publisher from the room (its peer gets onClosed('kicked')); an unknown feed is fine. */
  kick(ref: MediaRoomRef, feedId: number): Promise<void>;
  /** The room's participants as Janus sees them (feed id, display, publishing or not). */
  participants(ref: MediaRoomRef): Promise<Array<{ feedId: number; display: string | undefined; publisher: boolean; talking?: boolean }>>;
  /** Plain-RTP forwarding of a publisher's first audio and video streams to host:port (see docs/subsystems/media.md, broadcasts). */
  forward(ref: MediaRoomRef, feedId: number, target: { host: string; audioPort?: number; videoPort?: number }): Promise<RtpForward[]>;
  /** Stops forwarders started by forward(); unknown ones are fine. */
  stopForward(ref: MediaRoomRef, feedId: number, streamIds: number[]): Promise<void>;
  /**
   * Makes `feedId` of room `from` (on its instance) appear as a publisher in room `to` (on another
   * instance, or the same): a remote publisher is added in `to`, and the origin RTP-forwards the
   * feed's streams to the ports that instance gives. Resolves with the feed id viewers subscribe to
   * in `to`, and a handle to stop the relay (stops the forwarders and removes the remote publisher).
   * VideoRoom `add_remote_publisher` on `to`'s instance + `publish_remotely` on the origin; see
   * docs/subsystems/media.md (broadcasts).
   */
  relay(from: MediaRoomRef, feedId: number, to: MediaRoomRef): Promise<MediaRelay>;
  /** The instances this node knows, for choosing where viewers go: connected ones with their peer counts. */
  instances(): MediaInstance[];
  /** For /readyz-like status and metrics. */
  status(): MediaServerStatus[];
  /** Closes every peer and connection and stops the supervised local Janus instances (relays are not stopped: their rooms go with the instances or are destroyed by the calls module). */
  close(): Promise<void>;
};

export type MediaServersOptions = {
  /** Janus WebSocket API addresses (ws://…); a supervised instance's URL is added when missing. */
  urls: string[];
  logger: MediaLogger;
  apiSecret?: string;
  /** Janus instances started by startLocalJanus(); close() stops them. */
  supervised?: LocalJanus | LocalJanus[];
  /**
   * Where a target instance binds the UDP ports of relayed feeds (`iface` of VideoRoom
   * `add_remote_publisher`: an address or an interface name); the origin sends to the address the
   * target answers with. Default "127.0.0.1": every instance on this host. For a pool spread over
   * hosts, a private interface every instance has (e.g. "eth1").
   */
  relayInterface?: string;
  /** First reconnect delay (doubles up to maxReconnectMs); default 250 ms. */
  reconnectMs?: number;
  maxReconnectMs?: number;
};

type Instance = {
  url: string;
  local: boolean;
  connection: JanodeConnection | undefined;
  session: JanodeSession | undefined;
  manager: VideoRoomHandle | undefined;
  rooms: Set<number>;
  peers: Set<PeerImpl>;
  reconnectTimer: NodeJS.Timeout | undefined;
  backoffMs: number;
  connecting: Promise<void> | undefined;
};

/** Janus VideoRoom error codes the adapter treats specially. */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;
const NO_SUCH_FEED = 428;

function errorCode(error: unknown): number | undefined {
  if (error && typeof error === 'object') {
    const code = (error as { _code?: unknown })._code;
    if (typeof code === 'number') return code;
    const match = /^(\d{3})\s/.exec(String((error as { message?: unknown }).message ?? ''));
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * The room an error is about no longer exists where it was: Janus answered "426 No such room"
 * (destroyed, or the instance restarted and lost it), or its instance is not connected. Callers
 * that keep long-lived rooms (broadcasts) make a new one then.
 */
export function roomIsGone(error: unknown): boolean {
  return error instanceof MediaUnavailableError || errorCode(error) === NO_SUCH_ROOM;
}

/** The media server has no such feed (its publisher left, or was never there): Janus's "428 No such feed". */
export function feedIsGone(error: unknown): boolean {
  return errorCode(error) === NO_SUCH_FEED;
}

/**
 * A feed announced a moment ago may not be ready at the media server yet: Janus answers "428 No
 * such feed" for a subscription to it. Tries again every 250 ms, for up to 2 s.
 */
async function retryNoSuchFeed<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= 8 || errorCode(error) !== NO_SUCH_FEED) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** A random room id below 2^53 (exact in JavaScript numbers and in Janus's guint64). */
export function randomRoomId(): number {
  const bytes = randomBytes(7);
  bytes[0] = (bytes[0] ?? 0) & 0x1f; // 5 + 48 bits
  const id = Number(BigInt(`0x${bytes.toString('hex')}`));
  return id === 0 ? 1 : id;
}

function streamType(value: unknown): MediaStreamType | undefined {
  return value === 'audio' || value === 'video' || value === 'data' ? value : undefined;
}

/** The m-lines of an SDP with their mids and kinds (`m=application` is data); rejected sections (port 0) and those without a mid are left out. */
export function sdpStreams(sdp: string): Array<{ mid: string; type: MediaStreamType }> {
  return sdp
    .split(/\r?\n(?=m=)/)
    .slice(1)
    .flatMap((section) => {
      if (/^m=\w+ 0 /.test(section)) return [];
      const kind = /^m=(\w+)/.exec(section)?.[1];
      const type = streamType(kind === 'application' ? 'data' : kind);
      const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
      return type && mid !== undefined ? [{ mid, type }] : [];
    });
}

function toOffer(result: { jsep?: { type: string; sdp: string }; streams?: Array<Record<string, unknown>> }, what: string): SubscriptionOffer {
  if (!result.jsep || result.jsep.type !== 'offer') throw new Error(`janus sent no offer for ${what}`);
  const streams: SubscriptionOffer['streams'] = [];
  for (const stream of result.streams ?? []) {
    const type = streamType(stream.type);
    if (stream.active === false || typeof stream.mid !== 'string' || typeof stream.feed_id !== 'number' || !type) continue;
    streams.push({ mid: stream.mid, feedId: stream.feed_id, type });
  }
  return { offerSdp: result.jsep.sdp, streams };
}

/**
 * The `streams` of `add_remote_publisher` from a publisher's streams in a VideoRoom `publishers`
 * list. The target numbers its streams 0, 1, … in array order and the origin's forwarders tell
 * them apart by SSRC derived from the origin's mindex, so the array must be in mindex order with no
 * gap: a missing mindex becomes a disabled placeholder. Field names are Janus 1.1.2's: the list
 * says `h264-profile`/`vp9-profile`, add_remote_publisher reads `h264_profile`/`vp9_profile`.
 */
export function remotePublisherStreams(published: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const byIndex = new Map<number, Record<string, unknown>>();
  for (const stream of published) if (typeof stream.mindex === 'number') byIndex.set(stream.mindex, stream);
  const last = Math.max(-1, ...byIndex.keys());
  const streams: Array<Record<string, unknown>> = [];
  for (let mindex = 0; mindex <= last; mindex += 1) {
    const stream = byIndex.get(mindex);
    const type = streamType(stream?.type);
    const disabled = !stream || !type || stream.disabled === true || (type !== 'data' && typeof stream.codec !== 'string');
    if (disabled) {
      // add_remote_publisher wants a codec for every audio/video stream, even a disabled one.
      const placeholder = type === 'video' ? 'vp8' : 'opus';
      streams.push({ type: type ?? 'audio', mindex, mid: typeof stream?.mid === 'string' ? stream.mid : String(mindex), disabled: true, ...(type === 'data' ? {} : { codec: placeholder }) });
      continue;
    }
    streams.push({
      type,
      mindex,
      mid: stream.mid,
      ...(typeof stream.codec === 'string' ? { codec: stream.codec } : {}),
      ...(typeof stream.description === 'string' ? { description: stream.description } : {}),
      ...(typeof stream.stereo === 'boolean' ? { stereo: stream.stereo } : {}),
      ...(typeof stream.fec === 'boolean' ? { fec: stream.fec } : {}),
      ...(typeof stream.dtx === 'boolean' ? { dtx: stream.dtx } : {}),
      ...(typeof stream['h264-profile'] === 'string' ? { h264_profile: stream['h264-profile'] } : {}),
      ...(typeof stream['vp9-profile'] === 'string' ? { vp9_profile: stream['vp9-profile'] } : {}),
      ...(typeof stream.simulcast === 'boolean' ? { simulcast: stream.simulcast } : {}),
      ...(typeof stream.svc === 'boolean' ? { svc: stream.svc } : {}),
    });
  }
  return streams;
}

export async function createMediaServers(options: MediaServersOptions): Promise<MediaServers> {
  const { Janode, VideoRoomPlugin } = await loadJanode();
  const { logger } = options;
  const reconnectMs = options.reconnectMs ?? 250;
  const maxReconnectMs = options.maxReconnectMs ?? 10_000;
  const supervised = options.supervised === undefined ? [] : Array.isArray(options.supervised) ? options.supervised : [options.supervised];
  const relayInterface = options.relayInterface ?? '127.0.0.1';
  const urls = [...new Set([...supervised.map((janus) => janus.url), ...options.urls])];
  const instances = new Map<string, Instance>(
    urls.map((url) => [
      url,
      { url, local: supervised.some((janus) => janus.url === url), connection: undefined, session: undefined, manager: undefined, rooms: new Set(), peers: new Set(), reconnectTimer: undefined, backoffMs: reconnectMs, connecting: undefined },
    ]),
  );
  let closed = false;

  const lost = (instance: Instance, why: string) => {
    if (!instance.connection) return;
    const connection = instance.connection;
    instance.connection = undefined;
    instance.session = undefined;
    instance.manager = undefined;
    // Rooms are never permanent: a restarted Janus has none of them.
    instance.rooms.clear();
    logger.warn({ janus: instance.url, reason: why, peers: instance.peers.size }, 'media server connection lost');
    for (const peer of [...instance.peers]) peer.lost('media server lost');
    connection.close().catch(() => undefined);
    scheduleReconnect(instance);
  };

  const scheduleReconnect = (instance: Instance) => {
    if (closed || instance.reconnectTimer) return;
    const delay = instance.backoffMs;
    instance.backoffMs = Math.min(instance.backoffMs * 2, maxReconnectMs);
    instance.reconnectTimer = setTimeout(() => {
      instance.reconnectTimer = undefined;
      void connect(instance);
    }, delay);
  };

  const connect = (instance: Instance): Promise<void> => {
    instance.connecting ??= (async () => {
      let connection: JanodeConnection | undefined;
      try {
        connection = await Janode.connect({ address: [{ url: instance.url, ...(options.apiSecret ? { apisecret: options.apiSecret } : {}) }], max_retries: 0, retry_time_secs: 1 });
        // janode sends a keepalive every 30 s, well inside Janus's 60 s session timeout.
        const session = await connection.create();
        const manager = await session.attach<VideoRoomHandle>(VideoRoomPlugin);
        if (closed) {
          await connection.close().catch(() => undefined);
          return;
        }
        instance.connection = connection;
        instance.session = session;
        instance.manager = manager;
        instance.backoffMs = reconnectMs;
        const onLost = (why: string) => () => {
          if (instance.connection === connection) lost(instance, why);
        };
        connection.once(Janode.EVENT.CONNECTION_ERROR, onLost('connection error'));
        connection.once(Janode.EVENT.CONNECTION_CLOSED, onLost('connection closed'));
        session.once(Janode.EVENT.SESSION_DESTROYED, onLost('management session destroyed'));
        logger.info({ janus: instance.url }, 'media server connected');
      } catch (error) {
        if (connection) await connection.close().catch(() => undefined);
        if (!closed) {
          logger.warn({ janus: instance.url, err: error, retryInMs: instance.backoffMs }, 'media server unreachable');
          scheduleReconnect(instance);
        }
      }
    })().finally(() => {
      instance.connecting = undefined;
    });
    return instance.connecting;
  };

  const connected = (url: string): Instance & { connection: JanodeConnection; manager: VideoRoomHandle } => {
    const instance = instances.get(url);
    if (!instance?.connection || !instance.manager) throw new MediaUnavailableError(`media server ${url} is not connected`);
    return instance as Instance & { connection: JanodeConnection; manager: VideoRoomHandle };
  };

  /**
   * The publisher's current streams (mid and type), read by a short-lived subscriber handle that
   * never starts (Janus 1.1.2 lists no streams in `listparticipants`). A publisher whose WebRTC
   * connection Janus has not yet marked as up answers 428 "No such feed" for a moment: retried.
   */
  const publisherStreams = async (ref: MediaRoomRef, feedId: number) => {
    for (let attempt = 0; ; attempt += 1) {
      const instance = connected(ref.instance);
      const probe = await instance.session!.attach<VideoRoomHandle>(VideoRoomPlugin);
      try {
        const joined = await probe.joinSubscriber({ room: ref.roomId, streams: [{ feed: feedId }], autoupdate: false });
        return (joined.streams ?? [])
          .filter((stream) => typeof stream.feed_mid === 'string' && streamType(stream.type))
          .map((stream) => ({ mid: stream.feed_mid as string, type: streamType(stream.type)! }));
      } catch (error) {
        if (errorCode(error) !== NO_SUCH_FEED || attempt >= 5) throw error;
      } finally {
        await probe.detach().catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /**
   * A publisher's display name and streams as `add_remote_publisher` wants them, read from the
   * `publishers` list a short-lived handle gets when it joins the room as a (never publishing)
   * participant: `listparticipants` has no streams in Janus 1.1.2, and a subscriber sees its own
   * mindexes, not the publisher's. A publisher whose WebRTC connection is not yet up is not listed
   * for a moment: retried.
   */
  const publisherDescription = async (ref: MediaRoomRef, feedId: number) => {
    for (let attempt = 0; ; attempt += 1) {
      const instance = connected(ref.instance);
      const probe = await instance.session!.attach<VideoRoomHandle>(VideoRoomPlugin);
      let listed: Record<string, unknown> | undefined;
      try {
        const joined = await probe.message({ request: 'join', ptype: 'publisher', room: ref.roomId, display: 'parta-relay-probe' });
        const publishers = joined.plugindata?.data.publishers;
        listed = (Array.isArray(publishers) ? (publishers as Array<Record<string, unknown>>) : []).find((publisher) => publisher.id === feedId);
        await probe.message({ request: 'leave' }).catch(() => undefined);
      } finally {
        await probe.detach().catch(() => undefined);
      }
      if (listed && Array.isArray(listed.streams)) {
        return { display: typeof listed.display === 'string' ? listed.display : undefined, streams: remotePublisherStreams(listed.streams as Array<Record<string, unknown>>) };
      }
      if (attempt >= 10) throw Object.assign(new Error(`${NO_SUCH_FEED} No such feed (${feedId})`), { _code: NO_SUCH_FEED });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  await Promise.all([...instances.values()].map((instance) => connect(instance)));

  const servers: MediaServers = {
    isAvailable: () => [...instances.values()].some((instance) => instance.connection !== undefined),

    async createRoom({ maxPublishers, description, instance: url }) {
      const candidates = [...instances.values()].filter((instance) => instance.manager).sort((a, b) => a.rooms.size - b.rooms.size);
      const instance = url === undefined ? candidates[0] : instances.get(url);
      if (!instance?.manager) throw new MediaUnavailableError(url === undefined ? undefined : `media server ${url} is not connected`);
      for (let attempt = 0; ; attempt += 1) {
        const roomId = randomRoomId();
        try {
          // No room secret: rooms are managed by whichever Parta node holds the reference, and a
          // secret kept in one node's memory would lock the others out (docs/subsystems/media.md).
          await instance.manager.create({
            room: roomId,
            description: description.slice(0, 120),
            max_publishers: maxPublishers,
            permanent: false,
            notify_joining: false,
            talking_events: true,
          });
          instance.rooms.add(roomId);
          return { instance: instance.url, roomId };
        } catch (error) {
          if (errorCode(error) === ROOM_EXISTS && attempt < 3) continue;
          throw error;
        }
      }
    },

    async destroyRoom(ref) {
      const instance = instances.get(ref.instance);
      if (!instance) return;
      instance.rooms.delete(ref.roomId);
      if (!instance.manager) return;
      try {
        await instance.manager.destroy({ room: ref.roomId, permanent: false });
      } catch (error) {
        if (errorCode(error) !== NO_SUCH_ROOM) throw error;
      }
    },

    async openPeer(ref, { display }) {
      const instance = connected(ref.instance);
      const session = await instance.connection.create();
      try {
        const publisher = await session.attach<VideoRoomHandle>(VideoRoomPlugin);
        const peer = new PeerImpl(ref, display, session, publisher, () => session.attach<VideoRoomHandle>(VideoRoomPlugin), Janode.EVENT, VideoRoomPlugin.EVENT, logger, () => instance.peers.delete(peer));
        instance.peers.add(peer);
        return peer;
      } catch (error) {
        await session.destroy().catch(() => undefined);
        throw error;
      }
    },

    async moderate(ref, feedId, media, known) {
      const instance = connected(ref.instance);
      const streams = known ?? (await publisherStreams(ref, feedId));
      for (const stream of streams) {
        const allowed = stream.type === 'audio' ? media.audio : stream.type === 'video' ? media.video : undefined;
        if (allowed === undefined) continue;
        await instance.manager.message({ request: 'moderate', room: ref.roomId, id: feedId, mid: stream.mid, mute: !allowed });
      }
    },

    async kick(ref, feedId) {
      const instance = connected(ref.instance);
      try {
        await instance.manager.kick({ room: ref.roomId, feed: feedId });
      } catch (error) {
        if (errorCode(error) !== NO_SUCH_FEED && errorCode(error) !== NO_SUCH_ROOM) throw error;
      }
    },

    async participants(ref) {
      const instance = connected(ref.instance);
      const list = await instance.manager.listParticipants({ room: ref.roomId });
      return list.participants.map((p) => ({ feedId: p.feed, display: p.display, publisher: p.publisher, ...(p.talking !== undefined ? { talking: p.talking } : {}) }));
    },

    async forward(ref, feedId, target) {
      const instance = connected(ref.instance);
      const streams = await publisherStreams(ref, feedId);
      const audio = streams.find((stream) => stream.type === 'audio');
      const video = streams.find((stream) => stream.type === 'video');
      const wanted = [
        ...(audio && target.audioPort ? [{ mid: audio.mid, port: target.audioPort }] : []),
        ...(video && target.videoPort ? [{ mid: video.mid, port: target.videoPort }] : []),
      ];
      if (wanted.length === 0) return [];
      const result = await instance.manager.startForward({ room: ref.roomId, feed: feedId, host: target.host, streams: wanted });
      return (result.forwarders ?? []).flatMap((forwarder) => {
        const type: MediaStreamType = forwarder.audio_stream !== undefined ? 'audio' : forwarder.video_stream !== undefined ? 'video' : 'data';
        const streamId = Number(forwarder.audio_stream ?? forwarder.video_stream ?? forwarder.data_stream);
        const port = Number(forwarder.audio_port ?? forwarder.video_port ?? forwarder.data_port);
        return Number.isFinite(streamId) ? [{ streamId, type, host: String(forwarder.host ?? target.host), port }] : [];
      });
    },

    async stopForward(ref, feedId, streamIds) {
      const instance = connected(ref.instance);
      for (const stream of streamIds) {
        try {
          await instance.manager.stopForward({ room: ref.roomId, feed: feedId, stream });
        } catch (error) {
          if (![NO_SUCH_FEED, NO_SUCH_ROOM].includes(errorCode(error) ?? 0)) throw error;
        }
      }
    },

    async relay(from, feedId, to) {
      const origin = connected(from.instance);
      const target = connected(to.instance);
      const publisher = await publisherDescription(from, feedId);
      const added = await target.manager.message({
        request: 'add_remote_publisher',
        room: to.roomId,
        ...(publisher.display !== undefined ? { display: publisher.display } : {}),
        iface: relayInterface,
        streams: publisher.streams,
      });
      const answer = added.plugindata?.data ?? {};
      const remoteFeed = Number(answer.id);
      const host = String(answer.ip ?? '');
      const port = Number(answer.port);
      const rtcpPort = Number(answer.rtcp_port);
      const remove = async () => {
        const instance = instances.get(to.instance);
        if (!instance?.manager) return;
        try {
          await instance.manager.message({ request: 'remove_remote_publisher', room: to.roomId, id: remoteFeed });
        } catch (error) {
          if (![NO_SUCH_FEED, NO_SUCH_ROOM].includes(errorCode(error) ?? 0)) throw error;
        }
        // Janus answers `success` at once but ends the remote publisher in its own thread: on a busy
        // host it is still listed (and its viewers still served) for a while. Wait until it is gone.
        for (let attempt = 0; attempt < 50; attempt += 1) {
          const manager = instances.get(to.instance)?.manager;
          if (!manager) return;
          try {
            const list = await manager.listParticipants({ room: to.roomId });
            if (!list.participants.some((participant) => participant.feed === remoteFeed)) return;
          } catch (error) {
            if (errorCode(error) === NO_SUCH_ROOM) return;
            throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        logger.warn({ janus: to.instance, room: to.roomId, feed: remoteFeed }, 'remote publisher still listed 5 s after remove_remote_publisher');
      };
      if (!Number.isSafeInteger(remoteFeed) || !host || !(port > 0)) {
        await remove().catch(() => undefined);
        throw new Error(`unexpected add_remote_publisher answer: ${JSON.stringify(answer)}`);
      }
      // One remotization id per relay: the origin can feed the same publisher to several targets.
      const remoteId = `parta-${randomBytes(8).toString('hex')}`;
      try {
        await origin.manager.message({
          request: 'publish_remotely',
          room: from.roomId,
          publisher_id: feedId,
          remote_id: remoteId,
          host,
          port,
          ...(rtcpPort > 0 ? { rtcp_port: rtcpPort } : {}),
        });
      } catch (error) {
        await remove().catch(() => undefined);
        throw error;
      }
      logger.info({ from: from.instance, room: from.roomId, feed: feedId, to: to.instance, toRoom: to.roomId, remoteFeed, host, port }, 'media feed relayed');
      let stopped: Promise<void> | undefined;
      return {
        feedId: remoteFeed,
        stop() {
          stopped ??= (async () => {
            const instance = instances.get(from.instance);
            if (instance?.manager) {
              try {
                await instance.manager.message({ request: 'unpublish_remotely', room: from.roomId, publisher_id: feedId, remote_id: remoteId });
              } catch (error) {
                // 428: the publisher left (its remotizations went with it) or this one is gone.
                if (![NO_SUCH_FEED, NO_SUCH_ROOM].includes(errorCode(error) ?? 0)) throw error;
              }
            }
            await remove();
          })();
          return stopped;
        },
      };
    },

    instances: () =>
      [...instances.values()]
        .filter((instance) => instance.connection !== undefined)
        .map((instance) => ({ url: instance.url, local: instance.local, rooms: instance.rooms.size, peers: instance.peers.size })),

    status: () =>
      [...instances.values()].map((instance) => ({ url: instance.url, connected: instance.connection !== undefined, local: instance.local, rooms: instance.rooms.size, peers: instance.peers.size })),

    async close() {
      if (closed) return;
      closed = true;
      for (const instance of instances.values()) {
        if (instance.reconnectTimer) clearTimeout(instance.reconnectTimer);
        await Promise.all([...instance.peers].map((peer) => peer.close()));
        const connection = instance.connection;
        const session = instance.session;
        instance.connection = undefined;
        instance.session = undefined;
        instance.manager = undefined;
        if (session) await session.destroy().catch(() => undefined);
        if (connection) await connection.close().catch(() => undefined);
      }
      await Promise.all(supervised.map((janus) => janus.stop()));
    },
  };
  return servers;
}

/** One participant device: a Janus session, a publisher handle and, once subscribed, a subscriber handle. */
class PeerImpl implements MediaPeer {
  private readonly ref: MediaRoomRef;
  private readonly display: string;
  private readonly session: JanodeSession;
  private readonly publisher: VideoRoomHandle;
  private readonly attach: () => Promise<VideoRoomHandle>;
  private readonly coreEvents: { SESSION_DESTROYED: string; HANDLE_HANGUP: string; HANDLE_WEBRTCUP: string };
  private readonly pluginEvents: Record<string, string>;
  private readonly logger: MediaLogger;
  private readonly forget: () => void;
  private subscriber: VideoRoomHandle | undefined;
  private subscribed = new Set<number>();
  private joinedSubscriber = false;
  private streams: SubscriptionOffer['streams'] = [];
  private closing = false;
  private reported = false;
  private readonly listeners: Array<(reason: string) => void> = [];
  private readonly upListeners: Array<() => void> = [];
  feedId: number | undefined;

  constructor(
    ref: MediaRoomRef,
    display: string,
    session: JanodeSession,
    publisher: VideoRoomHandle,
    attach: () => Promise<VideoRoomHandle>,
    coreEvents: { SESSION_DESTROYED: string; HANDLE_HANGUP: string; HANDLE_WEBRTCUP: string },
    pluginEvents: Record<string, string>,
    logger: MediaLogger,
    forget: () => void,
  ) {
    this.ref = ref;
    this.display = display;
    this.session = session;
    this.publisher = publisher;
    this.attach = attach;
    this.coreEvents = coreEvents;
    this.pluginEvents = pluginEvents;
    this.logger = logger;
    this.forget = forget;
    session.once(coreEvents.SESSION_DESTROYED, () => this.lost('media session ended'));
    this.watch(publisher, 'publisher');
  }

  private watch(handle: VideoRoomHandle, role: 'publisher' | 'subscriber') {
    // A hangup often comes just before the event that explains it (kicked, room destroyed): give
    // that one a moment to arrive so onClosed gets the specific reason.
    handle.on(this.coreEvents.HANDLE_HANGUP, ((event: { reason?: string }) => {
      setTimeout(() => this.lost(`${role} hangup${event?.reason ? `: ${event.reason}` : ''}`), 100);
    }) as never);
    if (role === 'subscriber') {
      handle.on(this.coreEvents.HANDLE_WEBRTCUP, (() => {
        for (const listener of this.upListeners) listener();
      }) as never);
    }
    const kicked = this.pluginEvents.VIDEOROOM_KICKED;
    if (kicked && role === 'publisher') {
      handle.on(kicked, ((event: { feed?: number }) => {
        if (event?.feed === undefined || event.feed === this.feedId) this.lost('kicked');
      }) as never);
    }
    const leaving = this.pluginEvents.VIDEOROOM_LEAVING;
    if (leaving && role === 'publisher') {
      handle.on(leaving, ((event: { feed?: number; reason?: string }) => {
        if (event?.reason === 'kicked' && (event.feed === undefined || event.feed === this.feedId)) this.lost('kicked');
      }) as never);
    }
    const destroyed = this.pluginEvents.VIDEOROOM_DESTROYED;
    if (destroyed) handle.on(destroyed, (() => this.lost('room destroyed')) as never);
  }

  /** Janus ended this peer (or its instance went away): report once, release what is left. */
  lost(reason: string) {
    if (this.closing || this.reported) return;
    this.reported = true;
    this.logger.info({ janus: this.ref.instance, room: this.ref.roomId, feed: this.feedId, reason }, 'media peer closed by the server');
    for (const listener of this.listeners) {
      try {
        listener(reason);
      } catch (error) {
        this.logger.error({ err: error }, 'media peer onClosed listener failed');
      }
    }
    void this.close();
  }

  onClosed(listener: (reason: string) => void) {
    this.listeners.push(listener);
  }

  onSubscriberUp(listener: () => void) {
    this.upListeners.push(listener);
  }

  private ensureOpen() {
    if (this.closing || this.reported) throw new Error('media peer is closed');
  }

  async publish(offerSdp: string) {
    this.ensureOpen();
    const joined = await this.publisher.joinConfigurePublisher({ room: this.ref.roomId, display: this.display, jsep: { type: 'offer', sdp: offerSdp } });
    if (!joined.jsep || joined.jsep.type !== 'answer') throw new Error('janus sent no answer to the publisher offer');
    this.feedId = joined.feed;
    return { feedId: joined.feed, answerSdp: joined.jsep.sdp };
  }

  async republish(offerSdp: string) {
    this.ensureOpen();
    const configured = await this.publisher.configure({ jsep: { type: 'offer', sdp: offerSdp } });
    if (!configured.jsep || configured.jsep.type !== 'answer') throw new Error('janus sent no answer to the renegotiation offer');
    return { answerSdp: configured.jsep.sdp };
  }

  async subscribe(feedIds: number[]) {
    this.ensureOpen();
    const wanted = new Set(feedIds);
    if (!this.joinedSubscriber) {
      if (wanted.size === 0) return null;
      if (!this.subscriber) {
        this.subscriber = await this.attach();
        this.watch(this.subscriber, 'subscriber');
      }
      // autoupdate off: the calls module decides when the subscription changes (it calls subscribe again).
      const subscriber = this.subscriber;
      const joined = await retryNoSuchFeed(() => subscriber.joinSubscriber({ room: this.ref.roomId, streams: [...wanted].map((feed) => ({ feed })), autoupdate: false }));
      this.joinedSubscriber = true;
      this.subscribed = wanted;
      const offer = toOffer(joined, 'the subscription');
      this.streams = offer.streams;
      return offer;
    }
    const subscriber = this.subscriber!;
    const add = [...wanted].filter((feed) => !this.subscribed.has(feed));
    const remove = [...this.subscribed].filter((feed) => !wanted.has(feed));
    if (add.length === 0 && remove.length === 0) {
      // Janus's `configured` answer carries the offer but no stream list: the streams are unchanged.
      const refreshed = toOffer(await subscriber.configure({ update: true }), 'the subscription refresh');
      return { offerSdp: refreshed.offerSdp, streams: this.streams };
    }
    const updated = await retryNoSuchFeed(() =>
      subscriber.update({
        ...(add.length > 0 ? { subscribe: add.map((feed) => ({ feed })) } : {}),
        ...(remove.length > 0 ? { unsubscribe: remove.map((feed) => ({ feed })) } : {}),
      }),
    );
    this.subscribed = wanted;
    const offer = toOffer(updated, 'the subscription update');
    this.streams = offer.streams;
    return offer;
  }

  async answerSubscription(answerSdp: string) {
    this.ensureOpen();
    if (!this.subscriber || !this.joinedSubscriber) throw new Error('nothing is subscribed');
    await this.subscriber.start({ jsep: { type: 'answer', sdp: answerSdp } });
  }

  async trickle(target: 'publisher' | 'subscriber', candidate: IceCandidateInit | null) {
    this.ensureOpen();
    const handle = target === 'publisher' ? this.publisher : this.subscriber;
    if (!handle) throw new Error(`no ${target} connection to trickle to`);
    if (candidate === null) await handle.trickleComplete();
    else await handle.trickle({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? undefined, sdpMLineIndex: candidate.sdpMLineIndex ?? undefined });
  }

  private closed: Promise<void> | undefined;

  close(): Promise<void> {
    this.closed ??= (async () => {
      const wasReported = this.reported;
      this.closing = true;
      this.forget();
      if (!wasReported) {
        if (this.feedId !== undefined) await this.publisher.leave().catch(() => undefined);
        await Promise.all([this.publisher.detach().catch(() => undefined), this.subscriber?.detach().catch(() => undefined)]);
      }
      await this.session.destroy().catch(() => undefined);
    })();
    return this.closed;
  }
}
