/**
 * The event bus carries committed events from the node that wrote them to every node holding
 * the recipients' sockets: in-process for one node (the default), over Redis pub/sub for several
 * (redis-bus.ts, when REDIS_URL is set).
 */

/**
 * One event for many people: the same name, payload and time, each recipient with their own
 * sequence number. Grouped so that a message to a 400-member chat crosses the bus once and its
 * payload is serialized once per node, not once per socket.
 */
export type UserEventsMessage = {
  kind: 'user-events';
  name: string;
  data: unknown;
  at: string;
  /** [userId, seq] pairs. */
  recipients: Array<[string, number]>;
};

/** Control message: these sessions were signed out; their sockets must close. */
export type SessionsRevokedMessage = { kind: 'sessions-revoked'; sessionIds: string[] };

/**
 * Ephemeral (typing, call signalling): not stored, not numbered; a socket that is not ready
 * simply misses it. `connectionIds` narrows it to those sockets of the users (one device in a
 * call); `reliable` signals are not dropped for a congested socket (only a stalled one).
 */
export type SignalMessage = { kind: 'signal'; userIds: string[]; name: string; data: unknown; connectionIds?: string[]; reliable?: boolean };

/**
 * Said by the bus itself, on this node only: messages may have been lost in transit (the
 * connection to Redis dropped and came back). Whoever delivers from the bus catches up from the
 * durable log, because nothing committed may stay undelivered.
 */
export type BusInterruptedMessage = { kind: 'bus-interrupted' };

/**
 * A broadcast changed (started, ended, its link renewed or revoked, a speaker on or off the air):
 * every node refreshes the live sockets it holds for it (modules/broadcasts/broadcasts.live.ts).
 */
export type BroadcastChangedMessage = { kind: 'broadcast-changed'; broadcastId: string };

export type BusMessage = UserEventsMessage | SessionsRevokedMessage | SignalMessage | BusInterruptedMessage | BroadcastChangedMessage;

export type BusHandler = (message: BusMessage) => void;

export type EventBus = {
  /**
   * Delivers to this node's handlers at once and sends to the other nodes. Resolves when the
   * local delivery is done; a failure to reach other nodes is reported, not thrown (the events
   * are durable and the other nodes catch up when their connection comes back).
   */
  publish(messages: BusMessage[]): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(handler: BusHandler): () => void;
  close(): Promise<void>;
};

/** Handlers of one node, called synchronously in subscription order. */
export function createLocalDispatch() {
  const handlers = new Set<BusHandler>();
  return {
    dispatch(messages: readonly BusMessage[]) {
      for (const message of messages) {
        for (const handler of handlers) handler(message);
      }
    },
    subscribe(handler: BusHandler) {
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
      };
    },
    clear: () => handlers.clear(),
  };
}

export function createInProcessBus(): EventBus {
  const local = createLocalDispatch();
  return {
    async publish(messages) {
      local.dispatch(messages);
    },
    subscribe: local.subscribe,
    async close() {
      local.clear();
    },
  };
}
