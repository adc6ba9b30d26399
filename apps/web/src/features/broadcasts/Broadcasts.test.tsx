// @vitest-environment jsdom
import { broadcastCloseCodes, type TBroadcast, type TMember, type TRole } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { anna, ivan, me } from '../../testing/chat-fixtures';
import { FakeWebSocket } from '../../testing/fake-websocket';
import { stubFetch, renderApp, type FakeRoute } from '../../testing/render-app';
import { member, routes, schoolId, schoolPath, schoolWithRoles, signedInTo } from '../../testing/school-fixtures';
import { FakeMediaStream, FakePeerConnection, FakeTrack, stubWebRtc } from './testing/fake-webrtc';

// Broadcasts in the signed-in app: the school's list, «Новая трансляция» (who may, what is
// checked, what is sent), a broadcast's page for its organizer (start, end, the watch link) and
// a speaker's studio (going on air over the studio socket, and again after a reconnect). The public page: WatchPage.test.tsx.

setUpAppTests();
beforeEach(() => stubWebRtc());
afterEach(() => vi.restoreAllMocks());

const broadcastId = 'b7000000-0000-4000-8000-0000000000b7';
const watchUrl = 'http://localhost/watch/first-token';

function broadcast(overrides: Partial<TBroadcast> = {}): TBroadcast {
  return {
    id: broadcastId,
    organizationId: schoolId,
    title: 'Последний звонок',
    description: 'Линейка во дворе школы.',
    scheduledFor: '2027-05-25T07:00:00.000Z',
    status: 'scheduled',
    createdBy: me,
    speakers: [
      { person: me, onAir: false },
      { person: anna, onAir: false },
    ],
    watchUrl,
    startedAt: null,
    endedAt: null,
    viewers: 0,
    peakViewers: 0,
    totalViews: 0,
    canManage: true,
    isSpeaker: true,
    ...overrides,
  };
}

const staffMembers: Record<string, TMember[]> = {
  administrator: [member({ id: me.id, displayName: me.displayName, roles: ['administrator'] })],
  director: [member({ id: ivan.id, displayName: ivan.displayName, roles: ['director'] })],
  teacher: [member({ id: anna.id, displayName: anna.displayName, roles: ['teacher'], verifiedTeacher: true })],
};

/** The school's staff by role, as `GET members?role=…` answers. */
function staffRoute(members: Record<string, TMember[]>): FakeRoute {
  return ({ method, url }) => {
    const match = new RegExp(`^${schoolPath}/members\\?role=(\\w+)$`).exec(url);
    return method === 'GET' && match ? { status: 200, body: { members: members[match[1]!] ?? [] } } : undefined;
  };
}

function server(roles: TRole[], extra: FakeRoute, members = staffMembers) {
  return stubFetch(routes(signedInTo(schoolWithRoles(roles)), extra, staffRoute(members), ({ url }) => (url === '/api/calls' ? { status: 200, body: { calls: [] } } : undefined)));
}

describe('broadcasts in the web app', () => {
  it('lists the school’s broadcasts with their status and viewers, from the menu', async () => {
    const list = [
      broadcast({ id: 'b7000000-0000-4000-8000-000000000001', title: 'Концерт', status: 'live', viewers: 12, startedAt: '2027-05-20T07:00:00.000Z' }),
      broadcast({ id: 'b7000000-0000-4000-8000-000000000002', title: 'Последний звонок' }),
      broadcast({ id: 'b7000000-0000-4000-8000-000000000003', title: 'Конференция', status: 'ended', peakViewers: 30, totalViews: 85 }),
    ];
    const unverifiedMe = member({ id: me.id, displayName: me.displayName, roles: ['teacher'], verifiedTeacher: false, verificationPending: true });
    const requests = server(['teacher'], ({ method, url }) => (method === 'GET' && url === `${schoolPath}/broadcasts` ? { status: 200, body: { broadcasts: list } } : undefined), { ...staffMembers, teacher: [unverifiedMe, ...staffMembers.teacher!] });
    renderApp('/broadcasts');
    const items = within(await screen.findByRole('list', { name: 'Трансляции школы' })).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('h2')?.textContent)).toEqual(['Концерт', 'Последний звонок', 'Конференция']);
    expect(items[0]!.textContent).toContain('В эфире');
    expect(items[0]!.textContent).toContain('Смотрят: 12');
    expect(items[1]!.textContent).toMatch(/Запланирована на .*2027/);
    expect(items[2]!.textContent).toContain('Завершена');
    expect(items[2]!.textContent).toContain('Одновременно до 30 · всего просмотров: 85');
    expect(within(items[0]!).getByRole('link', { name: 'Концерт' }).getAttribute('href')).toBe('/broadcasts/b7000000-0000-4000-8000-000000000001');
    expect(screen.getByRole('navigation', { name: 'Разделы' }).textContent).toContain('Трансляции');
    // A teacher whose status is not confirmed may not create one.
    await waitFor(() => expect(requests.map((request) => request.url)).toContain(`${schoolPath}/members?role=teacher`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.queryByRole('button', { name: 'Новая трансляция' })).toBeNull();
  });

  it('lets a verified teacher create one, checks the form, and sends what was chosen', async () => {
    const teacherMe = member({ id: me.id, displayName: me.displayName, roles: ['teacher'], verifiedTeacher: true });
    const created = broadcast({ createdBy: { ...me, verifiedTeacher: true } });
    const requests = server(
      ['teacher'],
      ({ method, url }) => {
        if (method === 'GET' && url === `${schoolPath}/broadcasts`) return { status: 200, body: { broadcasts: [] } };
        if (method === 'POST' && url === `${schoolPath}/broadcasts`) return { status: 201, body: created };
        if (method === 'GET' && url === `/api/broadcasts/${broadcastId}`) return { status: 200, body: created };
        return undefined;
      },
      { ...staffMembers, teacher: [teacherMe, ...staffMembers.teacher!] },
    );
    renderApp('/broadcasts');
    fireEvent.click(await screen.findByRole('button', { name: 'Новая трансляция' }));
    const form = await screen.findByRole('form', { name: 'Новая трансляция' });
    // The author is ticked already; the other staff are offered.
    const speakers = within(form).getByRole('group', { name: 'Выступающие' });
    expect((within(speakers).getByRole('checkbox', { name: me.displayName + ' (учитель подтверждён)' }) as HTMLInputElement).checked).toBe(true);
    expect((within(speakers).getByRole('checkbox', { name: 'Анна Смирнова (учитель подтверждён)' }) as HTMLInputElement).checked).toBe(false);
    expect(within(speakers).getByRole('checkbox', { name: 'Иван Петров' })).toBeTruthy();

    const submit = within(form).getByRole('button', { name: 'Создать трансляцию' });
    fireEvent.click(submit);
    expect(await within(form).findByText('Укажите название трансляции.')).toBeTruthy();
    expect(document.activeElement).toBe(within(form).getByLabelText('Название'));

    fireEvent.change(within(form).getByLabelText('Название'), { target: { value: '  Последний звонок  ' } });
    fireEvent.change(within(form).getByLabelText('Описание'), { target: { value: 'Линейка во дворе школы.' } });
    fireEvent.click(within(form).getByRole('radio', { name: 'В выбранное время' }));
    fireEvent.click(submit);
    expect(await within(form).findByText('Укажите дату и время начала.')).toBeTruthy();
    fireEvent.change(within(form).getByLabelText('Дата и время начала'), { target: { value: '2020-01-01T10:00' } });
    fireEvent.click(submit);
    expect(await within(form).findByText('Это время уже прошло: выберите время в будущем.')).toBeTruthy();
    fireEvent.change(within(form).getByLabelText('Дата и время начала'), { target: { value: '2099-05-25T10:00' } });
    fireEvent.click(within(speakers).getByRole('checkbox', { name: me.displayName + ' (учитель подтверждён)' }));
    fireEvent.click(submit);
    expect(await within(form).findByText('Выберите хотя бы одного выступающего.')).toBeTruthy();
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);

    fireEvent.click(within(speakers).getByRole('checkbox', { name: me.displayName + ' (учитель подтверждён)' }));
    fireEvent.click(within(speakers).getByRole('checkbox', { name: 'Анна Смирнова (учитель подтверждён)' }));
    fireEvent.click(submit);
    // The new broadcast's page opens.
    expect(await screen.findByRole('heading', { level: 1, name: 'Последний звонок' })).toBeTruthy();
    const post = requests.filter((request) => request.method === 'POST');
    expect(post).toHaveLength(1);
    expect(post[0]!.url).toBe(`${schoolPath}/broadcasts`);
    expect(post[0]!.body).toEqual({ title: 'Последний звонок', description: 'Линейка во дворе школы.', scheduledFor: new Date('2099-05-25T10:00').toISOString(), speakerIds: [me.id, anna.id] });
  });

  it('creates one that starts at once without a time, and shows the server’s refusal', async () => {
    const requests = server(['administrator'], ({ method, url }) => {
      if (method === 'GET' && url === `${schoolPath}/broadcasts`) return { status: 200, body: { broadcasts: [] } };
      if (method === 'POST' && url === `${schoolPath}/broadcasts`) return { status: 503, body: { error: { code: 'unavailable', message: 'Трансляции недоступны: медиасервер не запущен.' } } };
      return undefined;
    });
    renderApp('/broadcasts');
    fireEvent.click(await screen.findByRole('button', { name: 'Новая трансляция' }));
    const form = await screen.findByRole('form', { name: 'Новая трансляция' });
    fireEvent.change(within(form).getByLabelText('Название'), { target: { value: 'Концерт' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Создать трансляцию' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Трансляции недоступны: медиасервер не запущен.');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ title: 'Концерт', speakerIds: [me.id] });
  });

  it('lets its organizer start it, copy, revoke and renew the link, and end it (asking first)', async () => {
    let current = broadcast({ isSpeaker: false });
    const requests = server(['administrator'], ({ method, url }) => {
      const path = `/api/broadcasts/${broadcastId}`;
      if (method === 'GET' && url === path) return { status: 200, body: current };
      if (method === 'POST' && url === `${path}/start`) current = { ...current, status: 'live', startedAt: '2027-05-25T07:00:00.000Z', viewers: 4 };
      else if (method === 'DELETE' && url === `${path}/link`) current = { ...current, watchUrl: null };
      else if (method === 'POST' && url === `${path}/link`) current = { ...current, watchUrl: 'http://localhost/watch/second-token' };
      else if (method === 'POST' && url === `${path}/end`) current = { ...current, status: 'ended', endedAt: '2027-05-25T08:00:00.000Z', viewers: 0, peakViewers: 40, totalViews: 95 };
      else return undefined;
      return { status: 200, body: current };
    });
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderApp(`/broadcasts/${broadcastId}`);
    await screen.findByRole('heading', { level: 1, name: 'Последний звонок' });
    const writes = () => requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.url}`);

    fireEvent.click(screen.getByRole('button', { name: 'Начать трансляцию' }));
    expect(await screen.findByText('Смотрят сейчас: 4')).toBeTruthy();
    expect(screen.getByText('Трансляция началась.')).toBeTruthy();
    expect(writes()).toEqual([`POST /api/broadcasts/${broadcastId}/start`]);

    expect((screen.getByRole('textbox', { name: 'Ссылка на трансляцию' }) as HTMLInputElement).value).toBe(watchUrl);
    expect(screen.getByRole('link', { name: 'Смотреть как зритель' }).getAttribute('href')).toBe(watchUrl);
    fireEvent.click(screen.getByRole('button', { name: 'Скопировать ссылку' }));
    expect(await screen.findByText('Ссылка скопирована.')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(watchUrl);

    fireEvent.click(screen.getByRole('button', { name: 'Отозвать ссылку' }));
    const revoke = await screen.findByRole('dialog', { name: 'Отозвать ссылку?' });
    expect(writes()).toHaveLength(1);
    fireEvent.click(within(revoke).getByRole('button', { name: 'Отозвать' }));
    expect(await screen.findByText('Ссылки нет: её отозвали. Сделайте новую, чтобы зрители могли смотреть.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    // No link to cut off: a new one is made without asking.
    fireEvent.click(screen.getByRole('button', { name: 'Новая ссылка' }));
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Ссылка на трансляцию' }) as HTMLInputElement).value).toBe('http://localhost/watch/second-token'));
    expect(writes()).toEqual([`POST /api/broadcasts/${broadcastId}/start`, `DELETE /api/broadcasts/${broadcastId}/link`, `POST /api/broadcasts/${broadcastId}/link`]);

    fireEvent.click(screen.getByRole('button', { name: 'Завершить трансляцию' }));
    const end = await screen.findByRole('dialog', { name: 'Завершить трансляцию?' });
    // «Отмена» changes nothing.
    fireEvent.click(within(end).getByRole('button', { name: 'Отмена' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes()).toHaveLength(3);
    fireEvent.click(screen.getByRole('button', { name: 'Завершить трансляцию' }));
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Завершить трансляцию?' })).getByRole('button', { name: 'Завершить' }));
    expect(await screen.findByText('Одновременно смотрели до 40 · всего просмотров: 95')).toBeTruthy();
    expect(writes().at(-1)).toBe(`POST /api/broadcasts/${broadcastId}/end`);
    expect(screen.queryByRole('button', { name: 'Завершить трансляцию' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Скопировать ссылку' })).toBeNull();
  });

  it('shows the server’s reason when it cannot start (no media server)', async () => {
    server(['administrator'], ({ method, url }) => {
      if (method === 'GET' && url === `/api/broadcasts/${broadcastId}`) return { status: 200, body: broadcast() };
      if (method === 'POST' && url.endsWith('/start')) return { status: 503, body: { error: { code: 'unavailable', message: 'Медиасервер не запущен.' } } };
      return undefined;
    });
    renderApp(`/broadcasts/${broadcastId}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Начать трансляцию' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Медиасервер не запущен.');
  });

  it('gives a speaker a studio while live: on air over the studio socket, the others as tiles, and off air again', async () => {
    server(['teacher'], ({ method, url }) => (method === 'GET' && url === `/api/broadcasts/${broadcastId}` ? { status: 200, body: broadcast({ status: 'live', canManage: false }) } : undefined));
    const camera = new FakeMediaStream([new FakeTrack('audio'), new FakeTrack('video')]);
    const getUserMedia = vi.fn(async () => camera);
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
    renderApp(`/broadcasts/${broadcastId}`);
    const studio = await screen.findByRole('region', { name: 'Студия' });
    expect(screen.queryByRole('button', { name: 'Завершить трансляцию' })).toBeNull();
    await waitFor(() => expect(FakeWebSocket.instances.filter((socket) => socket.url.endsWith(`/api/broadcasts/${broadcastId}/live`))).toHaveLength(1));
    const socket = FakeWebSocket.instances.find((candidate) => candidate.url.endsWith(`/api/broadcasts/${broadcastId}/live`))!;
    const goOnAir = within(studio).getByRole('button', { name: 'Выйти в эфир' }) as HTMLButtonElement;
    expect(goOnAir.disabled).toBe(true);
    socket.serverOpen();
    // A speaker's socket begins with its ICE servers (none on a server without STUN/TURN).
    socket.serverSend({ type: 'ice-servers', iceServers: [] });
    await waitFor(() => expect(goOnAir.disabled).toBe(false));
    fireEvent.click(goOnAir);
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'publish', sdp: 'offer of audio,video' }));
    expect(getUserMedia).toHaveBeenCalledWith({ audio: true, video: true });
    const publisher = FakePeerConnection.instances[0]!;
    expect(publisher.getTransceivers().map((transceiver) => transceiver.direction)).toEqual(['sendonly', 'sendonly']);
    publisher.gather(null);
    expect(socket.sent).toContainEqual({ type: 'candidate', target: 'publisher', candidate: null });
    // An error about something else (the receiving side) does not end the attempt to go on air.
    socket.serverSend({ type: 'error', code: 'media_failed', message: 'Медиасервер не ответил. Попробуйте ещё раз.' });
    socket.serverSend({ type: 'answer', sdp: 'janus answer' });
    expect(await within(studio).findByText('Вы в эфире')).toBeTruthy();
    expect(publisher.remoteDescription).toEqual({ type: 'answer', sdp: 'janus answer' });
    // The own picture: muted and mirrored.
    const own = within(within(studio).getByRole('figure', { name: 'Вы' })).getByTestId('broadcast-video') as HTMLVideoElement;
    expect(own.muted).toBe(true);
    expect(own.className).toContain('mirrored');

    fireEvent.click(within(studio).getByRole('button', { name: 'Выключить микрофон' }));
    expect(camera.getAudioTracks()[0]!.enabled).toBe(false);
    expect(within(studio).getByRole('button', { name: 'Включить микрофон' }).getAttribute('aria-pressed')).toBe('true');

    socket.serverSend({ type: 'offer', offerId: 1, sdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n', streams: [{ mid: '0', type: 'video', speaker: 'Анна Смирнова' }] });
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'answer', offerId: 1, sdp: 'answer to 0' }));
    expect(within(studio).getAllByTestId('broadcast-tile').map((tile) => tile.getAttribute('data-speaker'))).toEqual(['Анна Смирнова']);

    fireEvent.click(within(studio).getByRole('button', { name: 'Покинуть эфир' }));
    expect(socket.sent.at(-1)).toEqual({ type: 'unpublish' });
    expect(publisher.isClosed).toBe(true);
    expect(camera.getTracks().every((track) => track.stop.mock.calls.length === 1)).toBe(true);
    expect(await within(studio).findByText('Вы не в эфире')).toBeTruthy();
    // Still receiving the others.
    expect(within(studio).getAllByTestId('broadcast-tile')).toHaveLength(1);
  });

  it('publishes a speaker only through the ICE servers the studio socket sent, on pressing «Выйти в эфир» before they came and after a reconnect', async () => {
    server(['teacher'], ({ method, url }) => (method === 'GET' && url === `/api/broadcasts/${broadcastId}` ? { status: 200, body: broadcast({ status: 'live', canManage: false }) } : undefined));
    const camera = new FakeMediaStream([new FakeTrack('audio'), new FakeTrack('video')]);
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: vi.fn(async () => camera) }, configurable: true });
    const turn = (username: string) => [{ urls: ['stun:stun.example.test:3478'] }, { urls: ['turn:turn.example.test:3478?transport=udp'], username, credential: 'c' }];
    const studioSockets = () => FakeWebSocket.instances.filter((socket) => socket.url.endsWith(`/api/broadcasts/${broadcastId}/live`));
    renderApp(`/broadcasts/${broadcastId}`);
    const studio = await screen.findByRole('region', { name: 'Студия' });
    await waitFor(() => expect(studioSockets()).toHaveLength(1));
    const socket = studioSockets()[0]!;
    socket.serverOpen();
    // «Выйти в эфир» pressed before the socket said which servers to use: nothing is published yet.
    const goOnAir = within(studio).getByRole('button', { name: 'Выйти в эфир' }) as HTMLButtonElement;
    await waitFor(() => expect(goOnAir.disabled).toBe(false));
    fireEvent.click(goOnAir);
    // The camera is open (the own picture shows) and still nothing goes out.
    await within(studio).findByRole('figure', { name: 'Вы' });
    expect(FakePeerConnection.instances).toHaveLength(0);
    expect(socket.sent).toEqual([]);
    socket.serverSend({ type: 'ice-servers', iceServers: turn('first') });
    await waitFor(() => expect(socket.sent).toContainEqual({ type: 'publish', sdp: 'offer of audio,video' }));
    expect(FakePeerConnection.instances).toHaveLength(1);
    const first = FakePeerConnection.instances[0]!;
    expect(first.configuration).toEqual({ iceServers: turn('first') });
    socket.serverSend({ type: 'answer', sdp: 'janus answer' });
    expect(await within(studio).findByText('Вы в эфире')).toBeTruthy();

    // The media server went away: a new socket, and on air again once it said which servers to use.
    socket.serverClose(broadcastCloseCodes.mediaLost);
    expect(first.isClosed).toBe(true);
    await waitFor(() => expect(studioSockets()).toHaveLength(2), { timeout: 3_000 });
    const again = studioSockets()[1]!;
    again.serverOpen();
    expect(again.sent).toEqual([]);
    again.serverSend({ type: 'ice-servers', iceServers: turn('second') });
    await waitFor(() => expect(again.sent).toContainEqual({ type: 'publish', sdp: 'offer of audio,video' }));
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect(FakePeerConnection.instances[1]!.configuration).toEqual({ iceServers: turn('second') });
    // Later messages do not publish once more.
    again.serverSend({ type: 'state', broadcast: { title: 'Последний звонок', description: '', organizationName: 'Школа', scheduledFor: null, status: 'live', startedAt: '2027-05-25T07:00:00.000Z', endedAt: null, viewers: 1, speakers: [] } });
    again.serverSend({ type: 'answer', sdp: 'janus answer' });
    expect(await within(studio).findByText('Вы в эфире')).toBeTruthy();
    expect(again.sent.filter((message) => (message as { type: string }).type === 'publish')).toHaveLength(1);
  });
});
