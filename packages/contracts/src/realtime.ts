import { z } from 'zod';
import { ZClientCallSignal, ZClientMediaAnswer, ZClientMediaCandidate, ZClientMediaPublish, ZClientMediaSubscribe } from './calls.ts';

/** Path of the WebSocket gateway; authenticated by the session cookie only. */
export const realtimePath = '/api/ws';

/** Client → server. `lastSeq` is the last event sequence number the client has applied, or null on first connect. */
export const ZClientHello = z.object({ type: z.literal('hello'), lastSeq: z.number().int().nonnegative().nullable() }).strict();
export const ZClientPing = z.object({ type: z.literal('ping') }).strict();
/** Call signalling (calls.ts): accepted after hello, from a device that joined the call. */
export const ZClientMessage = z.discriminatedUnion('type', [ZClientHello, ZClientPing, ZClientCallSignal, ZClientMediaPublish, ZClientMediaSubscribe, ZClientMediaAnswer, ZClientMediaCandidate]);
export type TClientMessage = z.infer<typeof ZClientMessage>;

/** Server → client. */
export type TServerMessage =
  /** A durable event for this user; seq increases by exactly 1 per event for that user. */
  | { type: 'event'; seq: number; name: string; data: unknown; at: string }
  /**
   * Sent after hello once every missed event has been replayed; `seq` is the latest sequence
   * number. `connectionId` names this socket (a device joining a call says it, so that call
   * signals reach this device only); it changes with every connection.
   */
  | { type: 'ready'; seq: number; connectionId: string }
  /** The gap since `lastSeq` is older than the server keeps: refetch state, then continue from `seq`. */
  | { type: 'resync'; seq: number }
  /** Ephemeral (not stored, not numbered, may be dropped), e.g. `chat.typing` with a TTypingSignal. */
  | { type: 'signal'; name: string; data: unknown }
  | { type: 'heartbeat'; at: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

/** WebSocket close codes used by the gateway (4000–4999 are application codes). */
export const closeCodes = {
  unauthenticated: 4401,
  sessionRevoked: 4403,
  badOrigin: 4400,
  protocolError: 4002,
  heartbeatTimeout: 4008,
  serverShutdown: 1001,
} as const;

/** The server sends a heartbeat this often; a client that hears nothing for 3 periods reconnects. */
export const heartbeatIntervalMs = 15_000;
