import type { TCall, TCallSignal, TClientMessage } from '@parta/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeMediaStream } from '../../testing/fake-media-stream';
import { CallSession, iceServersTimeoutMs, type CallSessionDeps, type IceServers } from './call-session';
import { FakeCallConnection } from './testing/fake-call-connection';

// The call session's ICE servers without React: asked for once when it starts, again for a new
// connection once their TURN credentials have expired, and never holding a connection up for long.
// (The call window's own tests see them come from GET /api/media/ice-servers: CallWindow.test.tsx.)

const turn = (username: string) => [{ urls: ['turn:turn.example.test:3478?transport=udp'], username, credential: 'c' }];
const at = '2026-12-01T09:00:00.000Z';

function participant(id: string, connectionId: string | null) {
  return { person: { id, displayName: id }, state: 'joined', joinedAt: at, leftAt: null, connectionId, feedId: null, audioMuted: false, videoOff: false, screenSharing: false, mutedByHost: false, handRaisedAt: null };
}

/** A call with Анна (who started it) and this person; `mode` p2p or sfu. */
const callOf = (mode: 'p2p' | 'sfu') => ({ id: 'call', mode, status: 'active', startedBy: { id: 'anna' }, participants: [participant('anna', 'anna-device'), participant('me', 'my-device')] }) as unknown as TCall;

function sessionWith(call: TCall, getIceServers: CallSessionDeps['getIceServers']) {
  FakeCallConnection.reset();
  const connections = FakeCallConnection.made;
  const sent: TClientMessage[] = [];
  const log = vi.fn();
  const session = new CallSession(call, {
    meId: 'me',
    send: (message) => sent.push(message) > 0,
    // No camera or microphone: the session only watches (its publishing connection is made all the same).
    getUserMedia: () => Promise.reject(new Error('no devices here')),
    createPeerConnection: (configuration) => new FakeCallConnection(configuration) as unknown as RTCPeerConnection,
    onMediaChange: () => undefined,
    readAudioLevels: async () => new Map(),
    log,
    ...(getIceServers ? { getIceServers } : {}),
  });
  return { session, connections, sent, log };
}

/**
 * At 09:00 (the clock is faked), ICE servers whose credentials expire at 10:00 («first»); asked
 * again, ones that last until 11:00 («second»).
 */
function expiringAtTen() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T09:00:00.000Z'));
  const answers: IceServers[] = [
    { iceServers: turn('first'), expiresAt: '2026-12-01T10:00:00.000Z' },
    { iceServers: turn('second'), expiresAt: '2026-12-01T11:00:00.000Z' },
  ];
  return vi.fn(async () => answers.shift()!);
}

describe('a call session’s ICE servers', () => {
  // The other person's tile has a stream even before their media comes.
  beforeEach(() => vi.stubGlobal('MediaStream', FakeMediaStream));
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('asks for them once when it starts, and again for a new connection only once their credentials have expired', async () => {
    const getIceServers = expiringAtTen();
    const { session, connections } = sessionWith(callOf('sfu'), getIceServers);
    await session.start(false);
    await vi.waitFor(() => expect(connections).toHaveLength(1));
    expect(connections[0]!.configuration).toEqual({ iceServers: turn('first') });

    // The media server lost this device while the credentials are good: the same servers.
    vi.setSystemTime(new Date('2026-12-01T09:30:00.000Z'));
    session.restartMedia();
    expect(connections).toHaveLength(2);
    expect(connections[1]!.configuration).toEqual({ iceServers: turn('first') });
    expect(getIceServers).toHaveBeenCalledTimes(1);

    // Again after they expired: the new connection waits for new ones.
    vi.setSystemTime(new Date('2026-12-01T10:00:01.000Z'));
    session.restartMedia();
    expect(connections).toHaveLength(2);
    await vi.waitFor(() => expect(connections).toHaveLength(3));
    expect(connections[2]!.configuration).toEqual({ iceServers: turn('second') });
    expect(getIceServers).toHaveBeenCalledTimes(2);
    session.close();
  });

  it('makes the one-to-one connection once they are here, and answers on it the offer that came before them', async () => {
    let answer: (servers: IceServers) => void = () => undefined;
    const getIceServers = vi.fn(() => new Promise<IceServers>((resolve) => (answer = resolve)));
    const { session, connections, sent } = sessionWith(callOf('p2p'), getIceServers);
    await session.start(false);
    // Анна's device called: its offer comes while the ICE servers are still on their way.
    const offer: TCallSignal = { callId: 'call', from: 'anna', description: { type: 'offer', sdp: 'v=0 anna' } };
    await session.handleCallSignal(offer);
    expect(connections).toHaveLength(0);

    answer({ iceServers: turn('p2p'), expiresAt: null });
    await vi.waitFor(() => expect(sent).toContainEqual(expect.objectContaining({ type: 'call.signal', to: 'anna', description: { type: 'answer', sdp: 'v=0 local' } })));
    expect(connections).toHaveLength(1);
    expect(connections[0]!.configuration).toEqual({ iceServers: turn('p2p') });
    expect(connections[0]!.remoteDescription).toEqual({ type: 'offer', sdp: 'v=0 anna' });
    session.close();
  });

  it('restarts a failed one-to-one connection with fresh credentials once the first ones expired', async () => {
    const getIceServers = expiringAtTen();
    // This person called (the caller restarts ICE).
    const { session, connections } = sessionWith({ ...callOf('p2p'), startedBy: { id: 'me' } } as TCall, getIceServers);
    await session.start(false);
    await vi.waitFor(() => expect(connections).toHaveLength(1));
    const connection = connections[0]!;
    expect(connection.configuration).toEqual({ iceServers: turn('first') });

    // The network changed an hour later: the restart goes through the new credentials, on the same connection.
    vi.setSystemTime(new Date('2026-12-01T10:00:01.000Z'));
    connection.connectionState = 'failed';
    connection.onconnectionstatechange?.();
    await vi.waitFor(() => expect(connection.restarts).toBe(1));
    expect(connection.configuration).toEqual({ iceServers: turn('second') });
    expect(connections).toHaveLength(1);
    session.close();
  });

  it('connects without them when asking takes too long, and says why', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const getIceServers = vi.fn((given: AbortSignal) => {
      signal = given;
      return new Promise<IceServers>(() => undefined);
    });
    const { session, connections, log } = sessionWith(callOf('sfu'), getIceServers);
    await session.start(false);
    await vi.advanceTimersByTimeAsync(iceServersTimeoutMs - 1);
    expect(connections).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(connections.map((connection) => connection.configuration)).toEqual([{ iceServers: [] }]);
    expect(signal?.aborted).toBe(true);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('could not get the ICE servers'), expect.any(Error));
    session.close();
  });
});
