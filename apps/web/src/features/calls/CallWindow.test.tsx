// @vitest-environment jsdom
import type { TCall, TCallParticipant, TMessage } from '@parta/contracts';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anna, chat, eventFrame, ivan, me, message, stubLayout } from '../../testing/chat-fixtures';
import { chatServer } from '../../testing/chat-server';
import { setUpAppTests } from '../../testing/app-test-setup';
import { FakeWebSocket } from '../../testing/fake-websocket';
import { renderApp, testMe, type FakeAnswer } from '../../testing/render-app';
import { FakeMediaStream as SharedFakeMediaStream } from '../../testing/fake-media-stream';
import { FakeCallConnection } from './testing/fake-call-connection';

// The call window in a group call, with the media faked (jsdom has no WebRTC): the ICE servers
// its connections use, the call's chat beside the video, screen sharing (its PATCH, the
// presentation layout) and who is speaking (from the connections' audio levels). Real media is tested in Chromium: e2e/tests/chats.spec.ts.

setUpAppTests();

class FakeTrack {
  readonly id = crypto.randomUUID();
  enabled = true;
  onended: (() => void) | null = null;
  isStopped = false;
  readonly kind: 'audio' | 'video';
  constructor(kind: 'audio' | 'video') {
    this.kind = kind;
  }
  stop() {
    this.isStopped = true;
  }
  getSettings() {
    return {};
  }
}

class FakeMediaStream extends SharedFakeMediaStream<FakeTrack> {}

let displayTrack: FakeTrack | null = null;

beforeEach(() => {
  stubLayout();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
  FakeCallConnection.reset();
  displayTrack = null;
  vi.stubGlobal('MediaStream', FakeMediaStream);
  vi.stubGlobal('RTCPeerConnection', FakeCallConnection);
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: async () => new FakeMediaStream([new FakeTrack('audio'), new FakeTrack('video')]),
      getDisplayMedia: async () => new FakeMediaStream([(displayTrack = new FakeTrack('video'))]),
      enumerateDevices: async () => [],
    },
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  Reflect.deleteProperty(navigator, 'mediaDevices');
});

const connectionId = 'c0000000-0000-4000-8000-00000000c0c0';
const group = chat({ title: '5А — физика', memberCount: 12 });
const callId = 'ca000000-0000-4000-8000-0000000000cb';
const at = '2026-12-01T09:00:00.000Z';

function participant(person: typeof me, overrides: Partial<TCallParticipant> = {}): TCallParticipant {
  return { person, state: 'joined', joinedAt: at, leftAt: null, connectionId: null, feedId: null, audioMuted: false, videoOff: false, screenSharing: false, mutedByHost: false, handRaisedAt: null, ...overrides };
}

/** A group call in the chat «5А — физика»: Анна (feed 1) and Иван (feed 2) are in it; this person as `mine`. */
function groupCall(mine: Partial<TCallParticipant>, others: { anna?: Partial<TCallParticipant>; ivan?: Partial<TCallParticipant> } = {}): TCall {
  return {
    id: callId,
    chatId: group.id,
    chatTitle: group.title,
    title: group.title,
    kind: 'call',
    lessonId: null,
    hostId: anna.id,
    waitingRoom: false,
    mode: 'sfu',
    video: true,
    status: 'active',
    startedBy: anna,
    startedAt: at,
    answeredAt: at,
    endedAt: null,
    participants: [
      participant(anna, { connectionId: 'a0000000-0000-4000-8000-0000000000a1', feedId: 1, ...others.anna }),
      participant(ivan, { connectionId: 'a0000000-0000-4000-8000-0000000000a2', feedId: 2, ...others.ivan }),
      participant(me, mine),
    ],
  };
}

const joined = () => groupCall({ state: 'joined', connectionId });

/**
 * Renders «Чаты», rings this person into the group call and answers it: the call window is open.
 * `history` is the chat's history as the server has it (the test may add to it); `iceServers`
 * answers GET /api/media/ice-servers (by default: none).
 */
async function joinGroupCall(history: TMessage[] = [], { iceServers }: { iceServers?: FakeAnswer } = {}) {
  const calls = chatServer([group], { [group.id]: history }, ({ method, url, body }) => {
    if (method === 'GET' && url === '/api/media/ice-servers' && iceServers) return iceServers;
    if (method === 'GET' && url === '/api/calls') return { status: 200, body: { calls: [groupCall({ state: 'invited' })] } };
    if (method === 'POST' && url === `/api/calls/${callId}/join`) return { status: 200, body: joined() };
    if (method === 'POST' && url === `/api/calls/${callId}/leave`) return { status: 200, body: { ...joined(), status: 'ended' } };
    if (method === 'PATCH' && url === `/api/calls/${callId}/me`) return { status: 200, body: joined() };
    if (method === 'POST' && url === `/api/chats/${group.id}/messages`) {
      const { clientId, text } = body as { clientId: string; text: string };
      const stored = message(group, { seq: history.length + 1, author: me, clientId, text });
      history.push(stored);
      return { status: 201, body: stored };
    }
    return undefined;
  });
  renderApp('/chats');
  await screen.findByRole('list', { name: 'Ваши чаты' });
  const socket = FakeWebSocket.latest();
  socket.serverOpen();
  socket.serverSend({ type: 'ready', seq: 10, connectionId });
  const ring = await screen.findByRole('dialog', { name: 'Анна Смирнова начал(а) звонок в «5А — физика»' });
  fireEvent.click(within(ring).getByRole('button', { name: 'Ответить с видео' }));
  const window = await screen.findByRole('region', { name: 'Звонок: 5А — физика' });
  // Connected to the media server: publishing, and subscribed to Анна's and Иван's feeds.
  await waitFor(() => expect(socket.sent.some((sent) => (sent as { type: string }).type === 'media.publish')).toBe(true));
  return { calls, socket, window };
}

/** The tile whose video is labelled `name`. */
function tileOf(window: HTMLElement, name: string): HTMLElement {
  return within(window).getByLabelText(name, { selector: 'video' }).closest<HTMLElement>('.call-tile')!;
}

/** The media server's offer of Анна's and Иван's feeds: which m-line carries whose. */
function offerFeeds(socket: FakeWebSocket) {
  socket.serverSend({
    type: 'signal',
    name: 'media.offer',
    data: {
      callId,
      sdp: 'v=0',
      streams: [
        { mid: '0', feedId: 1, type: 'audio' },
        { mid: '1', feedId: 1, type: 'video' },
        { mid: '2', feedId: 2, type: 'audio' },
        { mid: '3', feedId: 2, type: 'video' },
      ],
    },
  });
}

describe('the call window', () => {
  it('connects through the STUN and TURN servers the server hands out, asked for once', async () => {
    const iceServers = [{ urls: ['stun:stun.example.test:3478'] }, { urls: ['turn:turn.example.test:3478?transport=udp'], username: '1767261600:me', credential: 'c2VjcmV0' }];
    const { calls, socket } = await joinGroupCall([], { iceServers: { status: 200, body: { iceServers, expiresAt: '2099-01-01T00:00:00.000Z' } } });
    expect(FakeCallConnection.made.map((connection) => connection.configuration)).toEqual([{ iceServers }]);
    // The subscribing connection too.
    offerFeeds(socket);
    await waitFor(() => expect(socket.sent.some((sent) => (sent as { type: string }).type === 'media.answer')).toBe(true));
    expect(FakeCallConnection.made.map((connection) => connection.configuration)).toEqual([{ iceServers }, { iceServers }]);
    expect(calls.filter((request) => request.url === '/api/media/ice-servers')).toHaveLength(1);
  });

  it('still connects, with host candidates only, when the ICE servers cannot be had', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { socket } = await joinGroupCall([], { iceServers: { status: 500, body: { error: { code: 'internal', message: 'Ошибка сервера' } } } });
    expect(FakeCallConnection.made.map((connection) => connection.configuration)).toEqual([{ iceServers: [] }]);
    offerFeeds(socket);
    await waitFor(() => expect(socket.sent.some((sent) => (sent as { type: string }).type === 'media.answer')).toBe(true));
    expect(FakeCallConnection.made.map((connection) => connection.configuration)).toEqual([{ iceServers: [] }, { iceServers: [] }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not get the ICE servers'), expect.anything());
  });

  it('opens the call’s chat beside the video: its messages, a message sent from there, and a count of those that came while it was closed', async () => {
    const history = [message(group, { seq: 1, text: 'Откройте учебник на странице 42' })];
    const { calls, socket, window } = await joinGroupCall(history);
    const toggle = within(window).getByRole('button', { name: 'Чат' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(window).queryByRole('region', { name: 'Чат звонка' })).toBeNull();

    // Two messages of others while the chat is closed (and one of this person's, from another device: not counted).
    const second = message(group, { seq: 2, text: 'Смотрите на слайд 3' });
    const third = message(group, { seq: 3, author: ivan, text: 'Не видно доску' });
    const own = message(group, { seq: 4, author: me, text: 'Сейчас покажу' });
    for (const [index, item] of [second, third, own].entries()) {
      history.push(item);
      socket.serverSend(eventFrame(11 + index, 'message.created', { message: item }));
    }
    // A message of another chat does not count either.
    socket.serverSend(eventFrame(14, 'message.created', { message: message(chat({ id: 'c4a70000-0000-4000-8000-00000000ffff', title: 'Другой' }), { seq: 1, text: 'Не сюда' }) }));
    await waitFor(() => expect(toggle.textContent).toContain('2'));
    expect(within(window).getByRole('button', { name: 'Чат, непрочитанных: 2' })).toBe(toggle);

    fireEvent.click(toggle);
    const panel = within(window).getByRole('region', { name: 'Чат звонка' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.getAttribute('aria-controls')).toBe(panel.id);
    expect(await within(panel).findByText('Откройте учебник на странице 42')).toBeTruthy();
    expect(await within(panel).findByText('Не видно доску')).toBeTruthy();
    expect(within(panel).getByRole('region', { name: 'Сообщения' })).toBeTruthy();
    // Open: nothing unread on the button.
    expect(within(window).getByRole('button', { name: 'Чат' })).toBe(toggle);
    expect(toggle.querySelector('.call-badge')).toBeNull();
    // The message box has the focus: the person opened the chat to write.
    const box = within(panel).getByRole('textbox', { name: 'Сообщение' });
    await waitFor(() => expect(document.activeElement).toBe(box));

    fireEvent.change(box, { target: { value: 'Доску видно, спасибо' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(calls.find((request) => request.method === 'POST' && request.url === `/api/chats/${group.id}/messages`)?.body).toMatchObject({ text: 'Доску видно, спасибо' }));
    expect(await within(panel).findByText('Доску видно, спасибо')).toBeTruthy();
    await waitFor(() => expect(within(panel).queryByText('Отправляется…')).toBeNull());

    // A message while it is open is read there, not counted.
    const fifth = message(group, { seq: 6, author: ivan, text: 'Спасибо!' });
    history.push(fifth);
    socket.serverSend(eventFrame(15, 'message.created', { message: fifth }));
    expect(await within(panel).findByText('Спасибо!')).toBeTruthy();

    // Closed from inside: the focus is back on «Чат», with nothing unread.
    fireEvent.click(within(panel).getByRole('button', { name: 'Закрыть чат' }));
    expect(within(window).queryByRole('region', { name: 'Чат звонка' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(toggle));
    expect(toggle.querySelector('.call-badge')).toBeNull();
  });

  it('tells the server when this person starts and stops showing the screen (also by the browser’s own «Stop sharing»), and shows a shared screen large', async () => {
    const { calls, socket, window } = await joinGroupCall();
    const patches = () => calls.filter((request) => request.method === 'PATCH' && request.url === `/api/calls/${callId}/me`).map((request) => request.body);
    expect(within(window).queryByRole('figure')).toBeNull();

    fireEvent.click(within(window).getByRole('button', { name: 'Показать экран' }));
    await waitFor(() => expect(patches()).toEqual([{ screenSharing: true }]));
    expect(within(window).getByRole('button', { name: 'Остановить показ' }).getAttribute('aria-pressed')).toBe('true');
    // The own screen is large, whole (not cropped, not mirrored).
    const own = within(window).getByRole('figure', { name: 'Вы показываете экран' });
    const ownVideo = within(own).getByLabelText('Вы', { selector: 'video' });
    expect(ownVideo.className).toContain('call-tile__video--contain');
    expect(ownVideo.className).not.toContain('mirrored');

    // The browser's «Stop sharing» ends the track: the same as «Остановить показ».
    act(() => displayTrack!.onended!());
    await waitFor(() => expect(patches()).toEqual([{ screenSharing: true }, { screenSharing: false }]));
    expect(await within(window).findByRole('button', { name: 'Показать экран' })).toBeTruthy();
    expect(within(window).queryByRole('figure')).toBeNull();
    // By the button too.
    fireEvent.click(within(window).getByRole('button', { name: 'Показать экран' }));
    await within(window).findByRole('button', { name: 'Остановить показ' });
    fireEvent.click(within(window).getByRole('button', { name: 'Остановить показ' }));
    await waitFor(() => expect(patches()).toEqual([{ screenSharing: true }, { screenSharing: false }, { screenSharing: true }, { screenSharing: false }]));

    // Анна shows her screen: hers is the large tile, the others are in the strip.
    socket.serverSend(eventFrame(11, 'call.updated', { call: groupCall({ state: 'joined', connectionId }, { anna: { screenSharing: true } }) }));
    const presentation = await within(window).findByRole('figure', { name: 'Анна Смирнова показывает экран' });
    const large = within(presentation).getByLabelText('Анна Смирнова', { selector: 'video' });
    expect(large.className).toContain('call-tile__video--contain');
    const strip = within(window).getByRole('list', { name: 'Участники звонка: 3' });
    expect(strip.className).toBe('call-strip');
    expect(within(strip).getAllByRole('listitem').map((item) => item.querySelector('video')?.getAttribute('aria-label'))).toEqual(['Вы', 'Иван Петров']);

    // She stops: back to the grid of everyone.
    socket.serverSend(eventFrame(12, 'call.updated', { call: joined() }));
    await waitFor(() => expect(within(window).queryByRole('figure')).toBeNull());
    const grid = within(window).getByRole('list', { name: 'Участники звонка: 3' });
    expect(grid.className).toBe('call-grid');
    expect(within(grid).getAllByRole('listitem')).toHaveLength(3);
  });

  it('outlines whoever speaks, from the audio levels of the feeds and of the own microphone, without flickering between words', async () => {
    const { socket, window } = await joinGroupCall();
    offerFeeds(socket);
    await waitFor(() => expect(socket.sent.some((sent) => (sent as { type: string }).type === 'media.answer')).toBe(true));
    const levels = (own: number, ofAnna: number, ofIvan: number) => {
      FakeCallConnection.stats = [
        { type: 'media-source', kind: 'audio', audioLevel: own },
        { type: 'inbound-rtp', kind: 'audio', mid: '0', audioLevel: ofAnna },
        { type: 'inbound-rtp', kind: 'audio', mid: '2', audioLevel: ofIvan },
        { type: 'inbound-rtp', kind: 'video', mid: '1' },
      ];
    };
    const isSpeaking = (name: string) => tileOf(window, name).classList.contains('call-tile--speaking');

    levels(0.001, 0.4, 0.001);
    await waitFor(() => expect(isSpeaking('Анна Смирнова')).toBe(true), { timeout: 3_000 });
    expect(tileOf(window, 'Анна Смирнова').textContent).toContain('говорит');
    expect(isSpeaking('Иван Петров')).toBe(false);
    expect(tileOf(window, 'Иван Петров').textContent).not.toContain('говорит');
    expect(isSpeaking('Вы')).toBe(false);

    // Between words (under the start level, above the stop level) she is still speaking.
    levels(0.001, 0.03, 0.001);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(isSpeaking('Анна Смирнова')).toBe(true);

    // She stops, Иван and this person speak.
    levels(0.2, 0, 0.3);
    await waitFor(() => expect(isSpeaking('Анна Смирнова')).toBe(false), { timeout: 3_000 });
    expect(isSpeaking('Иван Петров')).toBe(true);
    expect(isSpeaking('Вы')).toBe(true);
    expect(tileOf(window, 'Вы').textContent).toContain('говорит');
  });
});
