import { z } from 'zod';
import { ZMe } from './auth.ts';
import { ZChat, ZMessage } from './chats.ts';

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
  /** A new message in one of the recipient's chats. */
  'message.created': z.object({ message: ZMessage }),
  /** The person's roles or classes in an organization changed (joined, verified, moved, left). */
  'membership.changed': z.object({ organizationId: z.uuid() }),
  /** A join request waits for the recipient (an administrator or the class teacher). */
  'joinRequest.created': z.object({ organizationId: z.uuid(), requestId: z.uuid() }),
  /** The recipient's own join request was accepted or declined. */
  'joinRequest.decided': z.object({ organizationId: z.uuid(), organizationName: z.string(), className: z.string().nullable(), status: z.enum(['accepted', 'declined']) }),
} as const;

export type TEventName = keyof typeof eventPayloads;
export type TEventPayload<N extends TEventName> = z.infer<(typeof eventPayloads)[N]>;
export const eventNames = Object.keys(eventPayloads) as TEventName[];
