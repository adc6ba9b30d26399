// @vitest-environment jsdom
import { broadcastCloseCodes, type TPublicBroadcast } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { FakeWebSocket } from '../../testing/fake-websocket';
import { renderApp, stubFetch } from '../../testing/render-app';
import { FakePeerConnection, stubWebRtc, subscriptionSdp } from './testing/fake-webrtc';

// The public watch page, signed out: a wrong link, a planned broadcast, and a live one over its
// socket (the ICE servers it gives, state, the media server's offer answered, tiles per speaker,
// sound on by a click), and how it ends or is cut off. (Real media is tested in Chromium: e2e/.)

setUpAppTests();
beforeEach(() => stubWebRtc());
afterEach(() => vi.restoreAllMocks());

const token = 'w4tch-t0ken';
const socketPath = `/api/public/broadcasts/${token}/live`;
const signedOut = { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };

function publicBroadcast(overrides: Partial<TPublicBroadcast> = {}): TPublicBroadcast {
  return {
    title: 'Последний звонок 2027',
    description: 'Торжественная линейка выпускников.',
    organizationName: 'Школа № 5',
    scheduledFor: null,
    status: 'live',
    startedAt: '2027-05-25T07:00:00.000Z',
    endedAt: null,
    viewers: 3,
    speakers: [
      { displayName: 'Анна Смирнова', onAir: true },
      { displayName: 'Иван Петров', onAir: true },
    ],
    ...overrides,
  };
}

/** A signed-out visitor; the public broadcast answers `answer`. */
function serve(answer: { status: number; body?: unknown }) {
  return stubFetch(({ method, url }) => {
    if (url === '/api/me') return signedOut;
    if (method === 'GET' && url === `/api/public/broadcasts/${token}`) return answer;
    return undefined;
  });
}

/** The STUN/TURN servers a watch socket gives first, TURN credentials `username`/`credential`. */
const turnServers = (username = 'u', credential = 'c') => [{ urls: ['turn:turn.example.test:3478?transport=udp'], username, credential }];

const watchSockets = () => FakeWebSocket.instances.filter((socket) => socket.url.endsWith(socketPath));

async function openLive() {
  const view = renderApp(`/watch/${token}`);
  await waitFor(() => expect(watchSockets()).toHaveLength(1));
  const socket = watchSockets()[0]!;
  socket.serverOpen();
  return { view, socket };
}

describe('the public watch page', () => {
  it('says a wrong or revoked link is invalid, without asking to sign in', async () => {
    const requests = serve({ status: 404, body: { error: { code: 'not_found', message: 'Не найдено' } } });
    const { router } = renderApp(`/watch/${token}`);
    expect(await screen.findByText('Ссылка недействительна или отозвана.')).toBeTruthy();
    expect(router.state.location.pathname).toBe(`/watch/${token}`);
    expect(FakeWebSocket.instances).toHaveLength(0);
    // Nothing of the signed-in app is asked for (organizations, calls, the realtime socket).
    expect(requests.map((request) => request.url).sort()).toEqual(['/api/me', `/api/public/broadcasts/${token}`]);
  });

  it('tells when a planned broadcast starts and connects nothing yet', async () => {
    serve({ status: 200, body: publicBroadcast({ status: 'scheduled', startedAt: null, scheduledFor: '2027-05-25T07:00:00.000Z', viewers: 0 }) });
    renderApp(`/watch/${token}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Последний звонок 2027' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/^Трансляция начнётся .*2027/);
    expect(screen.getByText('Организатор: Школа № 5')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Включить звук' })).toBeNull();
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('while live: shows the state, answers the media server’s offer through the socket’s ICE servers, a tile per speaker, and sound only after a click', async () => {
    serve({ status: 200, body: publicBroadcast() });
    const { socket } = await openLive();
    expect(screen.getByText('Смотрят: 3')).toBeTruthy();
    // First, as the server does: the STUN/TURN servers for this connection.
    socket.serverSend({ type: 'ice-servers', iceServers: turnServers() });
    socket.serverSend({ type: 'state', broadcast: publicBroadcast({ viewers: 7 }) });
    expect(await screen.findByText('Смотрят: 7')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Сейчас никто не в эфире');

    const lines = [
      { kind: 'audio' as const, mid: '0' },
      { kind: 'video' as const, mid: '1' },
      { kind: 'audio' as const, mid: '2' },
      { kind: 'video' as const, mid: '3' },
    ];
    const streams = [
      { mid: '0', type: 'audio', speaker: 'Анна Смирнова' },
      { mid: '1', type: 'video', speaker: 'Анна Смирнова' },
      { mid: '2', type: 'audio', speaker: 'Иван Петров' },
      { mid: '3', type: 'video', speaker: 'Иван Петров' },
    ];
    socket.serverSend({ type: 'offer', offerId: 7, sdp: subscriptionSdp(lines), streams });
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'answer', offerId: 7, sdp: 'answer to 0,1,2,3' }));
    const pc = FakePeerConnection.instances[0]!;
    expect(FakePeerConnection.instances).toHaveLength(1);
    expect(pc.configuration).toEqual({ iceServers: [{ urls: ['turn:turn.example.test:3478?transport=udp'], username: 'u', credential: 'c' }] });
    expect(pc.remoteDescription).toEqual({ type: 'offer', sdp: subscriptionSdp(lines) });
    // The receiving connection is there for the end-to-end tests to read its stats.
    expect(window.__partaBroadcastPeer).toBe(pc);
    // ICE candidates trickle as the subscriber's, the end of gathering as null.
    pc.gather('candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host');
    pc.gather(null);
    expect(socket.sent.filter((message) => (message as { type: string }).type === 'candidate')).toEqual([
      { type: 'candidate', target: 'subscriber', candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' } },
      { type: 'candidate', target: 'subscriber', candidate: null },
    ]);

    const grid = await screen.findByRole('list', { name: 'Выступающие в эфире' });
    const tiles = within(grid).getAllByTestId('broadcast-tile');
    expect(tiles.map((tile) => tile.getAttribute('data-speaker'))).toEqual(['Анна Смирнова', 'Иван Петров']);
    // Each speaker's tile plays that speaker's audio and video tracks (mids 0+1 and 2+3).
    const transceivers = pc.getTransceivers();
    const anna = within(screen.getByRole('figure', { name: 'Анна Смирнова' })).getByTestId('broadcast-video') as HTMLVideoElement & { srcObject: { getTracks(): unknown[] } };
    expect(anna.srcObject.getTracks()).toEqual([transceivers[0]!.receiver.track, transceivers[1]!.receiver.track]);
    const ivan = within(screen.getByRole('figure', { name: 'Иван Петров' })).getByTestId('broadcast-video') as HTMLVideoElement & { srcObject: { getTracks(): unknown[] } };
    expect(ivan.srcObject.getTracks()).toEqual([transceivers[2]!.receiver.track, transceivers[3]!.receiver.track]);

    // Muted until the person asks for sound (autoplay with sound is blocked by browsers).
    expect(anna.muted).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Включить звук' }));
    expect(anna.muted).toBe(false);
    expect(ivan.muted).toBe(false);
    expect(screen.getByRole('button', { name: 'Выключить звук' }).getAttribute('aria-pressed')).toBe('true');

    // Nothing on air any more: the received media is dropped.
    socket.serverSend({ type: 'no-streams' });
    await waitFor(() => expect(screen.queryAllByTestId('broadcast-tile')).toHaveLength(0));
    expect(pc.isClosed).toBe(true);
    expect(window.__partaBroadcastPeer).toBeUndefined();
  });

  it('says «Трансляция завершена» when the server ends it, and does not reconnect', async () => {
    serve({ status: 200, body: publicBroadcast() });
    const { socket } = await openLive();
    socket.serverClose(broadcastCloseCodes.ended);
    expect(await screen.findByText('Трансляция завершена.')).toBeTruthy();
    expect(screen.queryByText(/Смотрят/)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(watchSockets()).toHaveLength(1);
  });

  it('says the link was revoked when the server cuts the viewer off', async () => {
    serve({ status: 200, body: publicBroadcast() });
    const { socket } = await openLive();
    socket.serverClose(broadcastCloseCodes.revoked);
    expect(await screen.findByText('Ссылка на трансляцию отозвана.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Последний звонок 2027' })).toBeNull();
  });

  it('says the video did not connect and tries again only when asked', async () => {
    serve({ status: 200, body: publicBroadcast() });
    const { socket } = await openLive();
    socket.serverClose(broadcastCloseCodes.noMedia);
    expect(await screen.findByText(/Видео не подключилось/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Включить звук' })).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(watchSockets()).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Попробовать ещё раз' }));
    await waitFor(() => expect(watchSockets()).toHaveLength(2));
    watchSockets()[1]!.serverOpen();
    watchSockets()[1]!.serverSend({ type: 'state', broadcast: publicBroadcast({ viewers: 3 }) });
    expect(await screen.findByText('Смотрят: 3')).toBeTruthy();
    expect(screen.queryByText(/Видео не подключилось/)).toBeNull();
  });

  it('reconnects after the media server was lost, receiving through the new connection’s ICE servers', async () => {
    serve({ status: 200, body: publicBroadcast() });
    const { socket } = await openLive();
    socket.serverSend({ type: 'ice-servers', iceServers: turnServers('before') });
    socket.serverClose(broadcastCloseCodes.mediaLost);
    expect(await screen.findByText('Связь прервалась, переподключаемся…')).toBeTruthy();
    await waitFor(() => expect(watchSockets()).toHaveLength(2), { timeout: 3_000 });
    const again = watchSockets()[1]!;
    again.serverOpen();
    again.serverSend({ type: 'ice-servers', iceServers: turnServers('after', 'fresh') });
    again.serverSend({ type: 'state', broadcast: publicBroadcast({ viewers: 9 }) });
    expect(await screen.findByText('Смотрят: 9')).toBeTruthy();
    again.serverSend({ type: 'offer', offerId: 1, sdp: subscriptionSdp([{ kind: 'video', mid: '0' }]), streams: [{ mid: '0', type: 'video', speaker: 'Анна Смирнова' }] });
    await waitFor(() => expect(again.sent).toContainEqual({ type: 'answer', offerId: 1, sdp: 'answer to 0' }));
    expect(FakePeerConnection.instances.map((pc) => pc.configuration)).toEqual([{ iceServers: turnServers('after', 'fresh') }]);
  });
});
