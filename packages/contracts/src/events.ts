import { z } from 'zod';
import { ZMe } from './auth.ts';
import { ZCall, ZCallSignal, ZMediaAnswerSignal, ZMediaErrorSignal, ZMediaOfferSignal } from './calls.ts';
import { ZChat, ZMessage, ZReplyQuote, ZTypingSignal } from './chats.ts';

/**
 * Every real-time event name mapped to its payload schema. Names are `entity.pastVerb`.
 * Add an entry here first; server and web are typed from this map.
 */
export const eventPayloads = {
  /** The person's own profile changed (name, locale), e.g. in another tab. */
  'profile.updated': z.object({ me: ZMe }),
  /** (Operators) a registration application arrived: the review queue refreshes. */
  'application.submitted': z.object({ applicationId: z.uuid() }),
  /** A chat the recipient is in was created (or they were added to it). */
  'chat.created': z.object({ chat: ZChat }),
  /** The recipient left or was removed from a chat (also by the roster): it disappears from their list. */
  'chat.removed': z.object({ chatId: z.uuid() }),
  /** A chat's title, write mode or member count changed. */
  'chat.updated': z.object({ chatId: z.uuid(), title: z.string(), onlyAdminsWrite: z.boolean(), memberCount: z.number().int(), pinned: ZReplyQuote.nullable() }),
  /** (The person's own devices) they muted or unmuted a chat. */
  'chat.muted': z.object({ chatId: z.uuid(), muted: z.boolean() }),
  /**
   * A member read a chat from `fromSeq` (exclusive) to `toSeq`: sent to the reader's own devices
   * (unread counters) and to the authors of the messages read («прочитали N»).
   */
  'chat.read': z.object({ chatId: z.uuid(), userId: z.uuid(), fromSeq: z.number().int(), toSeq: z.number().int() }),
  /**
   * A new message in one of the recipient's chats. `quiet`: a parent wrote to staff outside school
   * hours — show it, but without sound or notification until the morning.
   */
  'message.created': z.object({ message: ZMessage, quiet: z.boolean().optional() }),
  /** A message was edited, deleted or reacted to: the whole message as it is now. */
  'message.updated': z.object({ message: ZMessage }),
  /** Someone confirmed a post: to them (their devices) and to the channel's administrators. */
  'message.acknowledged': z.object({ chatId: z.uuid(), messageId: z.uuid(), userId: z.uuid(), count: z.number().int() }),
  /** (Administrators, class teachers) the report queue of the organization changed. */
  'report.changed': z.object({ organizationId: z.uuid() }),
  /** The person's roles or classes in an organization changed (joined, verified, moved, left). */
  'membership.changed': z.object({ organizationId: z.uuid() }),
  /** A join request waits for the recipient (an administrator or the class teacher). */
  'joinRequest.created': z.object({ organizationId: z.uuid(), requestId: z.uuid() }),
  /** The recipient's own join request was accepted or declined. */
  'joinRequest.decided': z.object({ organizationId: z.uuid(), organizationName: z.string(), className: z.string().nullable(), status: z.enum(['accepted', 'declined']) }),
  /** A call started in one of the recipient's chats (their devices ring if they are invited). */
  'call.started': z.object({ call: ZCall }),
  /** A call changed: someone joined, left, declined, muted; or it ended (status `ended`). */
  'call.updated': z.object({ call: ZCall }),
} as const;

export type TEventName = keyof typeof eventPayloads;
export type TEventPayload<N extends TEventName> = z.infer<(typeof eventPayloads)[N]>;
export const eventNames = Object.keys(eventPayloads) as TEventName[];

/** Ephemeral signals (`{ type: 'signal' }` frames: not stored, not numbered, may drop) and their payloads. */
export const signalPayloads = {
  /** Someone is typing in a chat the recipient is in. */
  'chat.typing': ZTypingSignal,
  /** (One device in a one-to-one call) the other side's SDP description or ICE candidate. */
  'call.signal': ZCallSignal,
  /** (One device in a group call) the media server answered its publish. */
  'media.answer': ZMediaAnswerSignal,
  /** (One device in a group call) the media server offers the feeds it subscribed to. */
  'media.offer': ZMediaOfferSignal,
  /** (One device in a group call) a signalling request of it failed. */
  'media.error': ZMediaErrorSignal,
} as const;
export type TSignalName = keyof typeof signalPayloads;
export type TSignalPayload<N extends TSignalName> = z.infer<(typeof signalPayloads)[N]>;
