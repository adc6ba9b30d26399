import { eventPayloads, type TEventName, type TEventPayload } from '@parta/contracts';
import type { RealtimeEvent } from './protocol';

export type EventMeta = { seq: number; at: string };
export type EventHandler<N extends TEventName> = (data: TEventPayload<N>, meta: EventMeta) => void;

export type EventRegistry = {
  /** Registers a handler; returns the function that removes it. Each feature registers its own. */
  onEvent<N extends TEventName>(name: N, handler: EventHandler<N>): () => void;
  dispatch(event: RealtimeEvent): void;
};

export type EventRegistryOptions = {
  /** Called when a known event carries data that does not match its contract schema. */
  onInvalidPayload?: (event: RealtimeEvent, issues: string) => void;
  onHandlerError?: (event: RealtimeEvent, error: unknown) => void;
};

function isKnownEventName(name: string): name is TEventName {
  return Object.hasOwn(eventPayloads, name);
}

/**
 * A tiny name → handlers map. There is deliberately no central switch over event names: a
 * feature that cares about `message.sent` registers for it, next to its own code.
 */
export function createEventRegistry(options: EventRegistryOptions = {}): EventRegistry {
  const handlers = new Map<TEventName, Set<EventHandler<never>>>();

  return {
    onEvent(name, handler) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, (set = new Set()));
      const stored = handler as EventHandler<never>;
      set.add(stored);
      return () => {
        set.delete(stored);
      };
    },
    dispatch(event) {
      // Unknown names come from a newer server; the seq still advances, the event is ignored.
      if (!isKnownEventName(event.name)) return;
      const set = handlers.get(event.name);
      if (!set || set.size === 0) return;
      const parsed = eventPayloads[event.name].safeParse(event.data);
      if (!parsed.success) {
        options.onInvalidPayload?.(event, parsed.error.message);
        return;
      }
      const meta = { seq: event.seq, at: event.at };
      for (const handler of [...set]) {
        // One failing handler must not stop the others or the stream.
        try {
          (handler as EventHandler<TEventName>)(parsed.data as never, meta);
        } catch (error) {
          options.onHandlerError?.(event, error);
        }
      }
    },
  };
}
