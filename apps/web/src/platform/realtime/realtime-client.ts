import { closeCodes, heartbeatIntervalMs, type TClientMessage } from '@parta/contracts';
import { reconnectDelayMs } from './backoff';
import { deriveConnectionState, type ConnectionState } from './connection-state';
import { initialProtocolState, onServerMessage, onSocketClosed, onSocketOpened, type ProtocolEffect, type ProtocolState, type RealtimeEvent, type RealtimeSignal } from './protocol';
import { parseServerMessage } from './server-message';

/** The few things the client needs from a socket; the browser adapter wraps WebSocket. */
export type SocketHandlers = {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(code: number): void;
};
export type SocketConnection = { send(text: string): void; close(code: number, reason: string): void };
export type CreateSocket = (handlers: SocketHandlers) => SocketConnection;

export type SeqStore = { load(): number | null; save(seq: number): void };

export type Timers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type RealtimeClientDeps = {
  createSocket: CreateSocket;
  seqStore: SeqStore;
  onEvent(event: RealtimeEvent): void;
  /** An ephemeral signal (typing…); outside the numbered stream. */
  onSignal?(signal: RealtimeSignal): void;
  /** The server said ready (or resync): everything missed is applied; work that waited for the connection may resume. */
  onReady?(): void;
  /** Refetch all state (invalidate every query). */
  onRefetchAll(reason: string): void;
  /** The server closed with 4401/4403: the session is gone; do not reconnect. */
  onSessionEnded(): void;
  /** A connection attempt failed before opening; the session may have expired (the upgrade got 401). */
  onConnectFailed?(): void;
  timers?: Timers;
  random?: () => number;
  isBrowserOffline?: () => boolean;
  heartbeatMs?: number;
  log?: (message: string, detail?: unknown) => void;
};

export type RealtimeClient = {
  start(): void;
  stop(): void;
  /** The browser went offline or online: update the indicator, and skip the back-off wait when back. */
  handleNetworkChange(): void;
  getConnectionState(): ConnectionState;
  subscribe(listener: () => void): () => void;
  /**
   * Sends a client message (call signalling) on the current socket if it is ready; false when
   * there is none (the caller retries after the next ready).
   */
  send(message: TClientMessage): boolean;
  /** The id the server gave the current connection (in `ready`); null while not connected. Devices in a call are named by it. */
  getConnectionId(): string | null;
};

/** Close code the client uses when it drops a socket itself (gap, silence). */
const clientRestartCode = 4000;

export function createRealtimeClient(deps: RealtimeClientDeps): RealtimeClient {
  const timers: Timers = deps.timers ?? {
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
  const random = deps.random ?? Math.random;
  const isBrowserOffline = deps.isBrowserOffline ?? (() => false);
  // Nothing at all for three heartbeat periods means the connection is dead even if TCP has not noticed.
  const silenceLimitMs = 3 * (deps.heartbeatMs ?? heartbeatIntervalMs);
  const log = deps.log ?? (() => {});

  let protocol: ProtocolState = initialProtocolState(deps.seqStore.load());
  let socket: SocketConnection | null = null;
  let hasOpened = false;
  let isRunning = false;
  let isSessionEnded = false;
  let failedAttempts = 0;
  let reconnectTimer: unknown = null;
  let silenceTimer: unknown = null;
  const listeners = new Set<() => void>();
  let connectionState: ConnectionState = 'connecting';
  let connectionId: string | null = null;

  function publishState() {
    const next = deriveConnectionState({ isReady: protocol.isReady, failedAttempts, isBrowserOffline: isBrowserOffline(), isSessionEnded });
    if (next === connectionState) return;
    connectionState = next;
    for (const listener of [...listeners]) listener();
  }

  function clearTimer(handle: unknown) {
    if (handle !== null) timers.clearTimeout(handle);
  }

  function armSilenceTimer() {
    clearTimer(silenceTimer);
    silenceTimer = timers.setTimeout(() => {
      silenceTimer = null;
      log('realtime: no message for too long; reconnecting');
      dropSocket('silent');
    }, silenceLimitMs);
  }

  function send(message: TClientMessage) {
    socket?.send(JSON.stringify(message));
  }

  function perform(effects: ProtocolEffect[]) {
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          send(effect.message);
          break;
        case 'apply':
          deps.onEvent(effect.event);
          break;
        case 'signal':
          deps.onSignal?.(effect.signal);
          break;
        case 'persist':
          deps.seqStore.save(effect.seq);
          break;
        case 'refetchAll':
          deps.onRefetchAll(effect.reason);
          break;
        case 'ready':
          failedAttempts = 0;
          publishState();
          deps.onReady?.();
          break;
        case 'reconnect':
          log('realtime: gap in event sequence; reconnecting to resume', protocol.lastSeq);
          dropSocket('gap');
          return; // effects after a reconnect belong to a socket we no longer have
      }
    }
  }

  function connect() {
    reconnectTimer = null;
    if (!isRunning || socket) return;
    hasOpened = false;
    publishState();
    // Handlers check `current` so late callbacks from a dropped socket are ignored.
    let current: SocketConnection | null = null;
    const handlers: SocketHandlers = {
      onOpen() {
        if (!current || socket !== current) return;
        hasOpened = true;
        armSilenceTimer();
        const step = onSocketOpened(protocol);
        protocol = step.state;
        perform(step.effects);
      },
      onMessage(text) {
        if (!current || socket !== current) return;
        armSilenceTimer();
        const message = parseServerMessage(text);
        if (!message) {
          log('realtime: ignoring an unreadable message', text.slice(0, 200));
          return;
        }
        if (message.type === 'error') log('realtime: server reported an error', message);
        if (message.type === 'ready') connectionId = message.connectionId ?? null;
        const step = onServerMessage(protocol, message);
        protocol = step.state;
        perform(step.effects);
      },
      onClose(code) {
        if (!current || socket !== current) return;
        handleClosed(code);
      },
    };
    try {
      current = deps.createSocket(handlers);
    } catch (error) {
      // e.g. a SecurityError from a content policy: a failed attempt like any other, never a crashed page.
      log('realtime: could not open a socket', error);
      failedAttempts += 1;
      scheduleReconnect();
      publishState();
      return;
    }
    socket = current;
    // Also bounds a connection attempt that never opens.
    armSilenceTimer();
  }

  function handleClosed(code: number) {
    const openedBeforeClose = hasOpened;
    socket = null;
    connectionId = null;
    clearTimer(silenceTimer);
    silenceTimer = null;
    protocol = onSocketClosed(protocol);
    if (code === closeCodes.unauthenticated || code === closeCodes.sessionRevoked) {
      isSessionEnded = true;
      isRunning = false;
      publishState();
      deps.onSessionEnded();
      return;
    }
    if (!isRunning) {
      publishState();
      return;
    }
    failedAttempts += 1;
    if (!openedBeforeClose) deps.onConnectFailed?.();
    scheduleReconnect();
    publishState();
  }

  function scheduleReconnect() {
    clearTimer(reconnectTimer);
    reconnectTimer = timers.setTimeout(connect, reconnectDelayMs(failedAttempts - 1, random));
  }

  /** Closes the socket ourselves and treats it as closed now (a dead link may not fire close for minutes). */
  function dropSocket(reason: 'gap' | 'silent' | 'offline') {
    const dropped = socket;
    if (!dropped) return;
    handleClosed(clientRestartCode);
    try {
      dropped.close(clientRestartCode, reason);
    } catch {
      // Closing an already-broken socket may throw; it is gone either way.
    }
  }

  return {
    start() {
      if (isRunning || isSessionEnded) return;
      isRunning = true;
      connect();
    },
    stop() {
      isRunning = false;
      clearTimer(reconnectTimer);
      clearTimer(silenceTimer);
      reconnectTimer = null;
      silenceTimer = null;
      const closing = socket;
      socket = null;
      protocol = onSocketClosed(protocol);
      connectionId = null;
      closing?.close(1000, 'client stopped');
    },
    handleNetworkChange() {
      // Offline: drop the socket now (it may not notice for a minute), so coming back reconnects at once and catches up.
      if (isBrowserOffline() && socket) dropSocket('offline');
      publishState();
      if (!isRunning || socket || isBrowserOffline()) return;
      clearTimer(reconnectTimer);
      connect();
    },
    getConnectionState: () => connectionState,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(message) {
      if (!socket || !protocol.isReady) return false;
      send(message);
      return true;
    },
    getConnectionId: () => (protocol.isReady ? connectionId : null),
  };
}
