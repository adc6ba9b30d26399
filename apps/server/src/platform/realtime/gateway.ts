import { closeCodes, heartbeatIntervalMs, realtimePath, ZClientMessage, type TClientMessage, type TServerMessage } from '@parta/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { EventBus } from './bus.ts';
import type { EventLog } from './event-log.ts';

export type SocketIdentity = { userId: string; sessionId: string };

/** A client message other than hello and ping (call signalling), as the gateway hands it on. */
export type DomainClientMessage = Exclude<TClientMessage, { type: 'hello' } | { type: 'ping' }>;

/** The socket a domain message came from: who, which device, and how to answer that device alone. */
export type SocketContext = SocketIdentity & {
  connectionId: string;
  locale: 'ru' | 'en';
  /** An ephemeral signal to this socket only (answers to its own requests). */
  reply(name: string, data: unknown): void;
};

export type GatewayDeps = {
  bus: EventBus;
  eventLog: EventLog;
  /** Resolves the session from the request's cookie; null when signed out or expired. */
  authenticate(request: FastifyRequest): Promise<SocketIdentity | null>;
  isOriginAllowed(request: FastifyRequest): boolean;
  onConnectionCountChange?(count: number): void;
  /** Handles call signalling from a socket that said hello; rate-limited per socket before it gets here. */
  onClientMessage?(from: SocketContext, message: DomainClientMessage): void;
  /** A socket closed (a device in a call may have gone). */
  onSocketClosed?(from: SocketIdentity & { connectionId: string }): void;
  /** Resolves the locale of the upgrade request (Accept-Language), for messages sent over the socket. */
  localeOf?(request: FastifyRequest): 'ru' | 'en';
  heartbeatMs?: number;
  /** Live events one socket may have waiting before it reads them from the log instead (tests lower it). */
  maxQueuedEvents?: number;
};

/** How long a socket may take to say hello before it is closed. */
const helloTimeoutMs = 10_000;
/** Bytes queued on one socket before it is treated as a stalled consumer and closed (it resumes on reconnect). */
const maxBufferedBytes = 4 * 1024 * 1024;
/** Above this many unsent bytes a socket is congested: ephemeral signals (typing) are dropped for it. */
const signalDropBytes = 64 * 1024;
/**
 * Live events waiting in one socket's queue (behind a catch-up from the log, say). Past this the
 * socket stops queueing them and reads them from the durable log once its queue drains: memory
 * per slow socket stays bounded and nothing durable is dropped.
 */
const defaultMaxQueuedEvents = 256;
/** A client further behind than this gets a resync instead of a replay. */
const maxReplayEvents = 5_000;
/**
 * Signalling messages one socket may send: a burst of this many, refilled at `signalRefillPerSecond`.
 * A call's negotiation takes a few dozen (offers, answers, ICE candidates); a flood is refused.
 */
const signalBurst = 120;
const signalRefillPerSecond = 20;

type Connection = {
  socket: WebSocket;
  identity: SocketIdentity;
  /** Names this socket to the client (in `ready`) and to call signalling; unique across nodes. */
  connectionId: string;
  locale: 'ru' | 'en';
  /** Token bucket of signalling messages. */
  signalTokens: number;
  signalRefilledAt: number;
  /** Last seq sent to this client; null until hello. */
  lastSentSeq: number | null;
  /** Serializes replay and live delivery so events leave in seq order. */
  queue: Promise<void>;
  /** Live events in `queue` not yet sent. */
  queued: number;
  /** Live events were left out of the queue (it was full): catch up from the log when it drains. */
  isBehind: boolean;
  isAlive: boolean;
  hasSaidHello: boolean;
};

export type Gateway = {
  connectionCount(): number;
  /**
   * Graceful shutdown: every socket first sends what is already queued for it, then closes with
   * "going away"; clients reconnect (to another node) and resume from their seq. Resolves when
   * all are closed, or after `timeoutMs` with the stragglers terminated.
   */
  closeAll(timeoutMs?: number): Promise<void>;
};

export function registerRealtimeGateway(app: FastifyInstance, deps: GatewayDeps): Gateway {
  const byUser = new Map<string, Set<Connection>>();
  const all = new Set<Connection>();
  const heartbeatMs = deps.heartbeatMs ?? heartbeatIntervalMs;
  const maxQueuedEvents = deps.maxQueuedEvents ?? defaultMaxQueuedEvents;

  /** Sends a message, or a frame already serialized (one serialization for many sockets). */
  const send = (connection: Connection, message: TServerMessage | string) => {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    if (connection.socket.bufferedAmount > maxBufferedBytes) {
      connection.socket.close(closeCodes.protocolError, 'too slow');
      return;
    }
    connection.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  };

  /** Sends everything after lastSentSeq from the durable log (replay, or filling a gap in live delivery). */
  const catchUp = async (connection: Connection) => {
    let replayed = 0;
    for (;;) {
      const from = connection.lastSentSeq ?? 0;
      const result = await deps.eventLog.readSince(connection.identity.userId, from);
      if (result.status === 'resync' || (result.status === 'ok' && replayed + (result.latestSeq - from) > maxReplayEvents)) {
        connection.lastSentSeq = result.latestSeq;
        send(connection, { type: 'resync', seq: result.latestSeq });
        return;
      }
      for (const event of result.events) {
        send(connection, { type: 'event', seq: event.seq, name: event.name, data: event.data, at: event.at });
        connection.lastSentSeq = event.seq;
        replayed += 1;
      }
      if (!result.hasMore) return;
    }
  };

  const enqueue = (connection: Connection, work: () => Promise<void>) => {
    connection.queue = connection.queue.then(work).catch((error: unknown) => {
      app.log.warn({ err: error, userId: connection.identity.userId }, 'realtime delivery failed; closing socket so the client resumes');
      connection.socket.close(closeCodes.protocolError, 'delivery failed');
    });
  };

  /** One live event for this socket; `frame` is the event serialized for exactly this recipient. */
  const deliverLive = (connection: Connection, seq: number, frame: () => string) => {
    if (connection.isBehind) return; // the catch-up that is due will read it from the log
    if (connection.queued >= maxQueuedEvents) {
      connection.isBehind = true;
      enqueue(connection, async () => {
        connection.isBehind = false;
        await catchUp(connection);
      });
      return;
    }
    connection.queued += 1;
    enqueue(connection, async () => {
      connection.queued -= 1;
      const last = connection.lastSentSeq;
      if (last === null || seq <= last) return; // before hello, or already replayed
      if (seq === last + 1) {
        send(connection, frame());
        connection.lastSentSeq = seq;
        return;
      }
      await catchUp(connection); // a gap: read it from the log rather than skip
    });
  };

  const catchUpAll = async () => {
    const latest = await deps.eventLog.latestSeqs([...byUser.keys()]);
    for (const connection of all) {
      const seq = latest.get(connection.identity.userId);
      if (seq === undefined || connection.lastSentSeq === null || seq <= connection.lastSentSeq || connection.isBehind) continue;
      connection.isBehind = true;
      enqueue(connection, async () => {
        connection.isBehind = false;
        await catchUp(connection);
      });
    }
  };

  const unsubscribe = deps.bus.subscribe((message) => {
    if (message.kind === 'user-events') {
      // The payload is serialized once for every socket on this node; only seq differs per person.
      let tail: string | undefined;
      const frameTail = () => (tail ??= `,"name":${JSON.stringify(message.name)},"data":${JSON.stringify(message.data)},"at":${JSON.stringify(message.at)}}`);
      for (const [userId, seq] of message.recipients) {
        const connections = byUser.get(userId);
        if (!connections) continue;
        const frame = () => `{"type":"event","seq":${seq}${frameTail()}`;
        for (const connection of connections) deliverLive(connection, seq, frame);
      }
      return;
    }
    if (message.kind === 'signal') {
      const frame = JSON.stringify({ type: 'signal', name: message.name, data: message.data });
      for (const userId of message.userIds) {
        for (const connection of byUser.get(userId) ?? []) {
          if (message.connectionIds && !message.connectionIds.includes(connection.connectionId)) continue;
          // Only to ready sockets, never queued behind a catch-up. A late typing signal is worthless, so
          // congested sockets miss it; call signalling (reliable) is sent unless the socket is stalled.
          const socket = connection.socket;
          if (connection.lastSentSeq === null || socket.readyState !== socket.OPEN) continue;
          if (message.reliable) send(connection, frame);
          else if (socket.bufferedAmount < signalDropBytes) socket.send(frame);
        }
      }
      return;
    }
    if (message.kind === 'bus-interrupted') {
      // Events from other nodes may have been lost in transit: the sockets that are behind the log catch up.
      void catchUpAll().catch((error: unknown) => {
        app.log.warn({ err: error }, 'catching up after a bus interruption failed; closing sockets so clients resume');
        for (const connection of all) connection.socket.close(closeCodes.protocolError, 'delivery failed');
      });
      return;
    }
    if (message.kind !== 'sessions-revoked') return; // broadcasts' own, for modules/broadcasts
    const revoked = new Set(message.sessionIds);
    for (const connection of all) {
      if (revoked.has(connection.identity.sessionId)) connection.socket.close(closeCodes.sessionRevoked, 'signed out');
    }
  });

  const heartbeat = setInterval(() => {
    const frame = JSON.stringify({ type: 'heartbeat', at: new Date().toISOString() } satisfies TServerMessage);
    for (const connection of all) {
      if (!connection.isAlive) {
        connection.socket.terminate();
        continue;
      }
      connection.isAlive = false;
      connection.socket.ping();
      send(connection, frame);
    }
  }, heartbeatMs);
  heartbeat.unref();

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    unsubscribe();
  });

  const identities = new WeakMap<FastifyRequest, SocketIdentity>();

  app.get(
    realtimePath,
    {
      websocket: true,
      schema: {
        summary: 'Real-time event stream (WebSocket upgrade; authenticated by the session cookie)',
        tags: ['realtime'],
        querystring: z.object({}).strict(),
      },
      preValidation: async (request, reply) => {
        if (!deps.isOriginAllowed(request)) {
          return reply.code(403).send({ error: { code: 'forbidden', message: 'Origin not allowed' } });
        }
        const identity = await deps.authenticate(request);
        if (!identity) return reply.code(401).send({ error: { code: 'unauthenticated', message: 'Sign in first' } });
        identities.set(request, identity);
      },
    },
    (socket, request) => {
      const identity = identities.get(request)!;
      const connection: Connection = {
        socket,
        identity,
        connectionId: crypto.randomUUID(),
        locale: deps.localeOf?.(request) ?? 'ru',
        signalTokens: signalBurst,
        signalRefilledAt: Date.now(),
        lastSentSeq: null,
        queue: Promise.resolve(),
        queued: 0,
        isBehind: false,
        isAlive: true,
        hasSaidHello: false,
      };
      const context: SocketContext = {
        ...identity,
        connectionId: connection.connectionId,
        locale: connection.locale,
        reply: (name, data) => send(connection, { type: 'signal', name, data }),
      };
      all.add(connection);
      let userConnections = byUser.get(identity.userId);
      if (!userConnections) byUser.set(identity.userId, (userConnections = new Set()));
      userConnections.add(connection);
      deps.onConnectionCountChange?.(all.size);

      const helloTimer = setTimeout(() => socket.close(closeCodes.protocolError, 'hello expected'), helloTimeoutMs);
      socket.on('pong', () => {
        connection.isAlive = true;
      });
      socket.on('message', (raw) => {
        connection.isAlive = true;
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString());
        } catch {
          parsed = undefined;
        }
        const message = ZClientMessage.safeParse(parsed);
        if (!message.success) {
          send(connection, { type: 'error', code: 'validation_failed', message: 'Unknown or malformed message' });
          return;
        }
        if (message.data.type === 'ping') {
          send(connection, { type: 'pong' });
          return;
        }
        if (message.data.type !== 'hello') {
          if (connection.lastSentSeq === null) {
            send(connection, { type: 'error', code: 'validation_failed', message: 'Say hello first' });
            return;
          }
          const now = Date.now();
          connection.signalTokens = Math.min(signalBurst, connection.signalTokens + ((now - connection.signalRefilledAt) / 1000) * signalRefillPerSecond);
          connection.signalRefilledAt = now;
          if (connection.signalTokens < 1) {
            send(connection, { type: 'error', code: 'rate_limited', message: 'Too many signalling messages' });
            return;
          }
          connection.signalTokens -= 1;
          deps.onClientMessage?.(context, message.data);
          return;
        }
        if (connection.hasSaidHello) return; // hello is accepted once
        connection.hasSaidHello = true;
        clearTimeout(helloTimer);
        const lastSeq = message.data.lastSeq;
        enqueue(connection, async () => {
          if (lastSeq === null) {
            connection.lastSentSeq = await deps.eventLog.latestSeq(identity.userId);
          } else {
            connection.lastSentSeq = lastSeq;
            await catchUp(connection);
          }
          send(connection, { type: 'ready', seq: connection.lastSentSeq, connectionId: connection.connectionId });
        });
      });
      socket.on('close', () => {
        clearTimeout(helloTimer);
        all.delete(connection);
        userConnections.delete(connection);
        if (userConnections.size === 0) byUser.delete(identity.userId);
        deps.onConnectionCountChange?.(all.size);
        if (connection.hasSaidHello) deps.onSocketClosed?.({ ...identity, connectionId: connection.connectionId });
      });
    },
  );

  return {
    connectionCount: () => all.size,
    async closeAll(timeoutMs = 5_000) {
      const closing = [...all].map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
            connection.socket.once('close', () => resolve());
            void connection.queue.finally(() => connection.socket.close(closeCodes.serverShutdown, 'server shutting down'));
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closing), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      for (const connection of all) connection.socket.terminate();
    },
  };
}
