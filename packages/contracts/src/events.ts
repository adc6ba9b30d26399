import { z } from 'zod';
import { ZMe } from './auth.ts';

/**
 * Every real-time event name mapped to its payload schema. Names are `entity.pastVerb`.
 * Add an entry here first; server and web are typed from this map.
 */
export const eventPayloads = {
  /** The person's own profile changed (name, locale), e.g. in another tab. */
  'profile.updated': z.object({ me: ZMe }),
} as const;

export type TEventName = keyof typeof eventPayloads;
export type TEventPayload<N extends TEventName> = z.infer<(typeof eventPayloads)[N]>;
export const eventNames = Object.keys(eventPayloads) as TEventName[];
