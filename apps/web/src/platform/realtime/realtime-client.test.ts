import { closeCodes, type TServerMessage } from '@parta/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRealtimeClient, type RealtimeClientDeps, type SocketHandlers } from './realtime-client';

/** A socket double: records what the client sent and lets the test play the server. */
class FakeSocket {
  readonly sent: unknown[] = [];
  closedWith: number | null = null;
  readonly handlers: SocketHandlers;
  constructor(handlers: SocketHandlers) {
    this.handlers = handlers;
  }
  open() {
    this.handlers.onOpen();
  }
  receive(message: TServerMessage) {
    this.handlers.onMessage(JSON.stringify(message));
  }
  serverClose(code: number) {
    this.handlers.onClose(code);
  }
}

function setUp(overrides: Partial<RealtimeClientDeps> = {}, storedSeq: number | null = null) {
  const sockets: FakeSocket[] = [];
  let savedSeq = storedSeq;
  const deps = {
    createSocket: (handlers: SocketHandlers) => {
      const socket = new FakeSocket(handlers);
      sockets.push(socket);
      return {
        send: (text: string) => socket.sent.push(JSON.parse(text)),
        close: (code: number) => {
          socket.closedWith = code;
        },
      };
    },
    seqStore: { load: () => savedSeq, save: (seq: number) => (savedSeq = seq) },
    onEvent: vi.fn(),
    onRefetchAll: vi.fn(),
    onSessionEnded: vi.fn(),
    onConnectFailed: vi.fn(),
    random: () => 0.5,
    heartbeatMs: 1000,
    ...overrides,
  };
  const client = createRealtimeClient(deps);
  const latest = () => sockets.at(-1)!;
  return { client, deps, sockets, latest, savedSeq: () => savedSeq };
}

const event = (seq: number): TServerMessage => ({ type: 'event', seq, name: 'profile.updated', data: {}, at: '2026-01-01T00:00:00.000Z' });

describe('realtime client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resumes from the stored seq, applies events and goes online on ready', () => {
    const { client, deps, latest, savedSeq } = setUp({}, 20);
    client.start();
    expect(client.getConnectionState()).toBe('connecting');
    latest().open();
    expect(latest().sent).toEqual([{ type: 'hello', lastSeq: 20 }]);
    latest().receive(event(21));
    latest().receive({ type: 'ready', seq: 21, connectionId: 'c1' });
    expect(deps.onEvent).toHaveBeenCalledTimes(1);
    expect(savedSeq()).toBe(21);
    expect(client.getConnectionState()).toBe('online');
  });

  it('shows offline at once when the browser loses the network, drops the socket, and reconnects from its seq when it is back', () => {
    let offline = false;
    const { client, sockets, latest } = setUp({ isBrowserOffline: () => offline }, 5);
    client.start();
    latest().open();
    latest().receive({ type: 'ready', seq: 5, connectionId: 'c1' });
    expect(client.getConnectionState()).toBe('online');
    offline = true;
    client.handleNetworkChange();
    expect(client.getConnectionState()).toBe('offline');
    expect(sockets[0]!.closedWith).toBe(4000);
    offline = false;
    client.handleNetworkChange();
    expect(sockets).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'hello', lastSeq: 5 }]);
  });

  it('knows its connection id only while ready, and sends client messages only then', () => {
    const { client, latest } = setUp({}, 5);
    client.start();
    latest().open();
    const signal = { type: 'media.subscribe' as const, callId: '00000000-0000-4000-8000-000000000001', feedIds: [1] };
    expect(client.getConnectionId()).toBeNull();
    expect(client.send(signal)).toBe(false);
    latest().receive({ type: 'ready', seq: 5, connectionId: 'c7' });
    expect(client.getConnectionId()).toBe('c7');
    expect(client.send(signal)).toBe(true);
    expect(latest().sent.at(-1)).toEqual(signal);
    latest().serverClose(1006);
    expect(client.getConnectionId()).toBeNull();
    expect(client.send(signal)).toBe(false);
  });

  it('passes signals on outside the sequence and says when it is ready', () => {
    const onSignal = vi.fn();
    const onReady = vi.fn();
    const { client, deps, latest, savedSeq } = setUp({ onSignal, onReady }, 20);
    client.start();
    latest().open();
    latest().receive({ type: 'signal', name: 'chat.typing', data: { chatId: 'x' } });
    expect(onReady).not.toHaveBeenCalled();
    latest().receive({ type: 'ready', seq: 20, connectionId: 'c1' });
    latest().receive({ type: 'signal', name: 'chat.typing', data: { chatId: 'y' } });
    latest().receive(event(21));
    expect(onSignal).toHaveBeenCalledTimes(2);
    expect(onReady).toHaveBeenCalledTimes(1);
    expect(deps.onEvent).toHaveBeenCalledTimes(1);
    expect(savedSeq()).toBe(21);
  });

  it('on a gap drops the socket and reconnects with a hello from the last applied seq', () => {
    const { client, deps, sockets, latest } = setUp({}, 5);
    client.start();
    latest().open();
    latest().receive({ type: 'ready', seq: 5, connectionId: 'c1' });
    latest().receive(event(7));
    expect(deps.onEvent).not.toHaveBeenCalled();
    expect(sockets[0]!.closedWith).toBe(4000);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'hello', lastSeq: 5 }]);
  });

  it('invalidates everything on resync', () => {
    const { client, deps, latest, savedSeq } = setUp({}, 1);
    client.start();
    latest().open();
    latest().receive({ type: 'resync', seq: 500 });
    expect(deps.onRefetchAll).toHaveBeenCalledWith('resync');
    expect(savedSeq()).toBe(500);
  });

  it('reconnects when nothing arrives for three heartbeat periods', () => {
    const { client, sockets, latest } = setUp({}, 0);
    client.start();
    latest().open();
    latest().receive({ type: 'ready', seq: 0, connectionId: 'c1' });
    vi.advanceTimersByTime(2900);
    latest().receive({ type: 'heartbeat', at: 'now' }); // resets the silence timer
    vi.advanceTimersByTime(2900);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(sockets[0]!.closedWith).toBe(4000);
    expect(client.getConnectionState()).toBe('connecting');
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
  });

  it('backs off exponentially while the server is unreachable and shows offline', () => {
    const { client, deps, sockets, latest } = setUp();
    client.start();
    latest().serverClose(1006);
    expect(deps.onConnectFailed).toHaveBeenCalledTimes(1);
    expect(client.getConnectionState()).toBe('connecting');
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    latest().serverClose(1006);
    expect(client.getConnectionState()).toBe('offline');
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
  });

  it.each([closeCodes.unauthenticated, closeCodes.sessionRevoked])('stops for good when the server closes with %i', (code) => {
    const { client, deps, sockets, latest } = setUp({}, 3);
    client.start();
    latest().open();
    latest().receive({ type: 'ready', seq: 3, connectionId: 'c1' });
    latest().serverClose(code);
    expect(deps.onSessionEnded).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.getConnectionState()).toBe('offline');
  });

  it('treats a socket that cannot even be created as a failed attempt', () => {
    let attempts = 0;
    const { sockets, deps } = setUp();
    const createSocket = deps.createSocket;
    deps.createSocket = (handlers) => {
      attempts += 1;
      if (attempts === 1) throw new Error('SecurityError');
      return createSocket(handlers);
    };
    const retrying = createRealtimeClient(deps);
    expect(() => retrying.start()).not.toThrow();
    expect(sockets).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(1);
    retrying.stop();
  });

  it('stop closes the socket and never reconnects', () => {
    const { client, sockets, latest } = setUp();
    client.start();
    latest().open();
    client.stop();
    expect(sockets[0]!.closedWith).toBe(1000);
    latest().serverClose(1000);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
