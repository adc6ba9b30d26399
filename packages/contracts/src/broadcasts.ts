import { z } from 'zod';
import { ZIceCandidate, ZIceServer } from './calls.ts';
import { ZPersonRef } from './school.ts';

// Broadcasts «трансляции», PRODUCT.md §7: a school event (последний звонок, a concert, a
// conference) with several speakers and an unlimited audience. Speakers are staff of the school
// who publish through the media server; viewers open a public link, signed in or not, and only
// watch. Both talk to the server over a broadcast's own WebSocket (`live` sockets below), not the
// signed-in event stream, so a viewer needs no account. docs/subsystems/broadcasts.md.

export const ZBroadcastStatus = z.enum(['scheduled', 'live', 'ended']);
export type TBroadcastStatus = z.infer<typeof ZBroadcastStatus>;

export const ZBroadcastSpeaker = z
  .object({
    person: ZPersonRef,
    /** On air now (publishing from a device). */
    onAir: z.boolean(),
  })
  .meta({ id: 'BroadcastSpeaker' });
export type TBroadcastSpeaker = z.infer<typeof ZBroadcastSpeaker>;

export const ZBroadcast = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    title: z.string(),
    description: z.string(),
    /** Planned start; null for one started at once. */
    scheduledFor: z.iso.datetime().nullable(),
    status: ZBroadcastStatus,
    createdBy: ZPersonRef,
    speakers: z.array(ZBroadcastSpeaker),
    /** The public watch link; null after it was revoked (until a new one is made). */
    watchUrl: z.string().nullable(),
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    /** Watching now (over every node), the most at once, and how many times it was opened. */
    viewers: z.number().int().nonnegative(),
    peakViewers: z.number().int().nonnegative(),
    totalViews: z.number().int().nonnegative(),
    /** The signed-in person may start, end and manage its link (its author, an administrator or the director). */
    canManage: z.boolean(),
    /** The signed-in person is one of its speakers. */
    isSpeaker: z.boolean(),
  })
  .meta({ id: 'Broadcast' });
export type TBroadcast = z.infer<typeof ZBroadcast>;

export const ZCreateBroadcastRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2_000).optional(),
    /** Omit to start at once; otherwise the planned start (ISO date-time, in the future). */
    scheduledFor: z.iso.datetime({ offset: true }).optional(),
    /** Staff of the school who speak (the author is one unless left out); 1 to 12. */
    speakerIds: z.array(z.uuid()).min(1).max(12),
  })
  .strict()
  .meta({ id: 'CreateBroadcastRequest' });
export type TCreateBroadcastRequest = z.infer<typeof ZCreateBroadcastRequest>;

export const ZListBroadcastsResponse = z.object({ broadcasts: z.array(ZBroadcast) }).meta({ id: 'ListBroadcastsResponse' });
export type TListBroadcastsResponse = z.infer<typeof ZListBroadcastsResponse>;

/** What anyone with the link sees (no ids of people, no link). */
export const ZPublicBroadcast = z
  .object({
    title: z.string(),
    description: z.string(),
    organizationName: z.string(),
    scheduledFor: z.iso.datetime().nullable(),
    status: ZBroadcastStatus,
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    viewers: z.number().int().nonnegative(),
    speakers: z.array(z.object({ displayName: z.string(), onAir: z.boolean() })),
  })
  .meta({ id: 'PublicBroadcast' });
export type TPublicBroadcast = z.infer<typeof ZPublicBroadcast>;

/** The viewer's socket: `/api/public/broadcasts/:token/live`; the speaker's: `/api/broadcasts/:id/live`. */
export const broadcastWatchSocketPath = (token: string) => `/api/public/broadcasts/${encodeURIComponent(token)}/live`;
export const broadcastStudioSocketPath = (broadcastId: string) => `/api/broadcasts/${encodeURIComponent(broadcastId)}/live`;

// ---- Live sockets: client → server ----

const ZSdp = z.string().min(1).max(60_000);
export const ZBroadcastClientMessage = z.discriminatedUnion('type', [
  /** Keep-alive; answered with `pong`. */
  z.object({ type: z.literal('ping') }).strict(),
  /** (Speakers) go on air with this offer (or renegotiate the published media); answered with `answer`. */
  z.object({ type: z.literal('publish'), sdp: ZSdp }).strict(),
  /** (Speakers) leave the air; the socket stays open and keeps receiving the others. */
  z.object({ type: z.literal('unpublish') }).strict(),
  /** The device's answer to the `offer` with this `offerId` (an answer to an older offer is ignored). */
  z.object({ type: z.literal('answer'), offerId: z.number().int().nonnegative(), sdp: ZSdp }).strict(),
  /** An ICE candidate of the publishing or the receiving connection (null: gathering finished). */
  z.object({ type: z.literal('candidate'), target: z.enum(['publisher', 'subscriber']), candidate: ZIceCandidate.nullable() }).strict(),
]);
export type TBroadcastClientMessage = z.infer<typeof ZBroadcastClientMessage>;

// ---- Live sockets: server → client ----

export const ZBroadcastStream = z.object({ mid: z.string(), type: z.enum(['audio', 'video', 'data']), speaker: z.string() });
export type TBroadcastStream = z.infer<typeof ZBroadcastStream>;

export const ZBroadcastServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong') }),
  /** The STUN and TURN servers for this device's connections (with TURN credentials); sent first on connect. */
  z.object({ type: z.literal('ice-servers'), iceServers: z.array(ZIceServer) }),
  /** The broadcast as the socket may see it; sent on connect and whenever it changes (viewer count every few seconds). */
  z.object({ type: z.literal('state'), broadcast: ZPublicBroadcast }),
  /**
   * What the device receives: the media server's offer, each m-line labelled with its speaker's
   * name; answered with `answer` carrying the same `offerId`.
   */
  z.object({ type: z.literal('offer'), offerId: z.number().int().nonnegative(), sdp: z.string(), streams: z.array(ZBroadcastStream) }),
  /** The media server's answer to `publish`. */
  z.object({ type: z.literal('answer'), sdp: z.string() }),
  /** Nothing is on air (any more), or the receiving connection was lost: the device drops what it received; the next offer starts a new connection. */
  z.object({ type: z.literal('no-streams') }),
  /** A request failed; `message` is localized; `publish_failed` (and not_live, media_unavailable, forbidden) concern going on air. */
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type TBroadcastServerMessage = z.infer<typeof ZBroadcastServerMessage>;

/** Close codes of live sockets (besides the WebSocket standard ones). */
export const broadcastCloseCodes = {
  /** The broadcast ended. */
  ended: 4410,
  /** The link was revoked (viewers) or the person is no longer a speaker (speakers). */
  revoked: 4403,
  /** Unknown link or broadcast. */
  notFound: 4404,
  /** The media server went away; reconnect later. */
  mediaLost: 4503,
  /** (Viewers) the video was offered but never connected (a network that blocks it): try again by hand. */
  noMedia: 4408,
} as const;
