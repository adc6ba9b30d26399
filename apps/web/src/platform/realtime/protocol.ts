import type { TClientMessage, TServerMessage } from '@parta/contracts';

/**
 * The client side of the realtime protocol as a pure state machine: given the state and one
 * input it returns the next state and the effects to perform. The socket wrapper
 * (realtime-client.ts) performs the effects; tests drive this without any socket.
 */
export type ProtocolState = {
  /** The seq of the last event applied, or null before any baseline is known. */
  lastSeq: number | null;
  /** True between the server's ready/resync and the socket closing. */
  isReady: boolean;
};

export type RealtimeEvent = Extract<TServerMessage, { type: 'event' }>;
/** Ephemeral (typing…): not numbered, not stored, may be lost; never touches lastSeq. */
export type RealtimeSignal = Extract<TServerMessage, { type: 'signal' }>;

export type ProtocolEffect =
  | { type: 'send'; message: TClientMessage }
  /** Hand the event to the feature handlers. */
  | { type: 'apply'; event: RealtimeEvent }
  /** Hand an ephemeral signal to whoever listens; nothing to persist, nothing to resume. */
  | { type: 'signal'; signal: RealtimeSignal }
  /** Remember lastSeq (in sessionStorage) so a reload resumes. */
  | { type: 'persist'; seq: number }
  /** Refetch all state: the client cannot know what it missed. */
  | { type: 'refetchAll'; reason: 'resync' | 'baseline' | 'server-behind' | 'missed-events' }
  /** Drop this socket and connect again; the hello resumes from lastSeq. */
  | { type: 'reconnect'; reason: 'gap' }
  | { type: 'ready' };

export type ProtocolStep = { state: ProtocolState; effects: ProtocolEffect[] };

export function initialProtocolState(lastSeq: number | null): ProtocolState {
  return { lastSeq, isReady: false };
}

/** The socket opened: introduce ourselves with the last seq we applied. */
export function onSocketOpened(state: ProtocolState): ProtocolStep {
  return { state: { ...state, isReady: false }, effects: [{ type: 'send', message: { type: 'hello', lastSeq: state.lastSeq } }] };
}

export function onSocketClosed(state: ProtocolState): ProtocolState {
  return { ...state, isReady: false };
}

export function onServerMessage(state: ProtocolState, message: TServerMessage): ProtocolStep {
  switch (message.type) {
    case 'event':
      return receiveEvent(state, message);
    case 'ready':
      return receiveReady(state, message.seq);
    case 'resync':
      return {
        state: { lastSeq: message.seq, isReady: true },
        effects: [{ type: 'persist', seq: message.seq }, { type: 'refetchAll', reason: 'resync' }, { type: 'ready' }],
      };
    case 'signal':
      return { state, effects: [{ type: 'signal', signal: message }] };
    case 'heartbeat':
    case 'pong':
    case 'error':
      // Liveness is tracked by the socket wrapper (any message counts); errors are only logged.
      return { state, effects: [] };
  }
}

function receiveEvent(state: ProtocolState, event: RealtimeEvent): ProtocolStep {
  const { lastSeq } = state;
  // Without a baseline (first connect) the server replays nothing; adopt the first seq we see.
  // The refetch on the baseline `ready` covers anything before it.
  if (lastSeq === null || event.seq === lastSeq + 1) {
    return { state: { ...state, lastSeq: event.seq }, effects: [{ type: 'apply', event }, { type: 'persist', seq: event.seq }] };
  }
  // Already applied (a replay overlapping live delivery): applying twice could duplicate things.
  if (event.seq <= lastSeq) return { state, effects: [] };
  // A gap: never skip silently. Reconnecting makes the server replay from lastSeq.
  return { state, effects: [{ type: 'reconnect', reason: 'gap' }] };
}

function receiveReady(state: ProtocolState, serverSeq: number): ProtocolStep {
  const ready: ProtocolEffect = { type: 'ready' };
  if (state.lastSeq === null) {
    // First connection: state was fetched before the socket existed; refetch so nothing from
    // the moment between that fetch and this subscription is missed.
    return { state: { lastSeq: serverSeq, isReady: true }, effects: [{ type: 'persist', seq: serverSeq }, { type: 'refetchAll', reason: 'baseline' }, ready] };
  }
  if (serverSeq === state.lastSeq) return { state: { ...state, isReady: true }, effects: [ready] };
  // The server's stream does not line up with ours (its log was reset, or replay fell short):
  // trust the server, refetch everything and continue from its seq.
  const reason = serverSeq < state.lastSeq ? 'server-behind' : 'missed-events';
  return { state: { lastSeq: serverSeq, isReady: true }, effects: [{ type: 'persist', seq: serverSeq }, { type: 'refetchAll', reason }, ready] };
}
