import { eventPayloads, type TEventName, type TEventPayload } from '@parta/contracts';
import type { z } from 'zod';
import type { RealtimeEvent, RealtimeSignal } from './protocol';

export type EventMeta = { seq: number; at: string };
export type EventHandler<N extends TEventName> = (data: TEventPayload<N>, meta: EventMeta) => void;

export type EventRegistry = {
  /** Registers a handler; returns the function that removes it. Each feature registers its own. */
  onEvent<N extends TEventName>(name: N, handler: EventHandler<N>): () => void;
  dispatch(event: RealtimeEvent): void;
  /**
   * Listens to an ephemeral signal (`chat.typing`): not numbered, may be dropped. The feature
   * gives the payload's schema; data that does not match is ignored.
   */
  onSignal<S extends z.ZodType>(name: string, schema: S, handler: (data: z.infer<S>) => void): () => void;
  dispatchSignal(signal: RealtimeSignal): void;
  /** Called each time the connection is ready again (after every missed event was applied), e.g. to resend what waited. */
  onReady(handler: () => void): () => void;
  dispatchReady(): void;
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
  const signalHandlers = new Map<string, Set<(data: unknown) => void>>();
  const readyHandlers = new Set<() => void>();

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
    onSignal(name, schema, handler) {
      let set = signalHandlers.get(name);
      if (!set) signalHandlers.set(name, (set = new Set()));
      const stored = (data: unknown) => {
        const parsed = schema.safeParse(data);
        if (parsed.success) handler(parsed.data);
      };
      set.add(stored);
      return () => {
        set.delete(stored);
      };
    },
    dispatchSignal(signal) {
      for (const handler of [...(signalHandlers.get(signal.name) ?? [])]) {
        try {
          handler(signal.data);
        } catch (error) {
          console.error(`realtime: a handler for the signal ${signal.name} failed`, error);
        }
      }
    },
    onReady(handler) {
      readyHandlers.add(handler);
      return () => {
        readyHandlers.delete(handler);
      };
    },
    dispatchReady() {
      for (const handler of [...readyHandlers]) {
        try {
          handler();
        } catch (error) {
          console.error('realtime: a handler for ready failed', error);
        }
      }
    },
  };
}
