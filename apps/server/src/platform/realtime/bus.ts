/**
 * The event bus carries committed events from the node that wrote them to every node holding
 * the recipients' sockets. In-process now (one node); a Redis pub/sub implementation of the same
 * interface serves several nodes.
 */
export type UserEventMessage = {
  kind: 'user-event';
  userId: string;
  seq: number;
  name: string;
  data: unknown;
  at: string;
};

/** Control message: these sessions were signed out; their sockets must close. */
export type SessionsRevokedMessage = { kind: 'sessions-revoked'; sessionIds: string[] };

/** Ephemeral (typing…): not stored, not numbered; a socket that is not ready simply misses it. */
export type SignalMessage = { kind: 'signal'; userIds: string[]; name: string; data: unknown };

export type BusMessage = UserEventMessage | SessionsRevokedMessage | SignalMessage;

export type BusHandler = (message: BusMessage) => void;

export type EventBus = {
  publish(messages: BusMessage[]): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(handler: BusHandler): () => void;
  close(): Promise<void>;
};

export function createInProcessBus(): EventBus {
  const handlers = new Set<BusHandler>();
  return {
    async publish(messages) {
      for (const message of messages) {
        for (const handler of handlers) handler(message);
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
