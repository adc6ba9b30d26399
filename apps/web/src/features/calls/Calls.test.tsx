// @vitest-environment jsdom
import type { TCall, TLesson } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anna, chat, eventFrame, me, message, stubLayout } from '../../testing/chat-fixtures';
import { chatServer } from '../../testing/chat-server';
import { setUpAppTests } from '../../testing/app-test-setup';
import { FakeWebSocket } from '../../testing/fake-websocket';
import { renderApp, testMe } from '../../testing/render-app';

// The calls feature without media: ringing and declining, starting a call from a chat with this
// connection's id, the server's reason when a group call cannot start, and how the chat shows
// calls and lessons that ended. (Media itself is tested in Chromium: e2e/tests/chats.spec.ts.)

setUpAppTests();
beforeEach(() => {
  stubLayout();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());

const connectionId = 'c0000000-0000-4000-8000-00000000c0c0';
function connect(seq = 10) {
  const socket = FakeWebSocket.latest();
  socket.serverOpen();
  socket.serverSend({ type: 'ready', seq, connectionId });
  return socket;
}

const direct = chat({ title: 'Анна Смирнова', kind: 'direct', peer: anna, memberCount: 2 });
const group = chat({ title: '5А — физика', memberCount: 12 });

function ringingCall(overrides: Partial<TCall> = {}): TCall {
  const at = '2026-12-01T09:00:00.000Z';
  return {
    id: 'ca000000-0000-4000-8000-0000000000ca',
    chatId: direct.id,
    chatTitle: '',
    title: '',
    kind: 'call',
    lessonId: null,
    hostId: anna.id,
    waitingRoom: false,
    mode: 'p2p',
    video: true,
    status: 'ringing',
    startedBy: anna,
    startedAt: at,
    answeredAt: null,
    endedAt: null,
    participants: [
      { person: anna, state: 'joined', joinedAt: at, leftAt: null, connectionId: 'a0000000-0000-4000-8000-0000000000a1', feedId: null, audioMuted: false, videoOff: false, screenSharing: false, mutedByHost: false, handRaisedAt: null },
      { person: me, state: 'invited', joinedAt: null, leftAt: null, connectionId: null, feedId: null, audioMuted: false, videoOff: false, screenSharing: false, mutedByHost: false, handRaisedAt: null },
    ],
    ...overrides,
  };
}

describe('calls in the web app', () => {
  it('rings for an incoming video call wherever the person is, and declines it with Escape', async () => {
    // The server's list of live calls, as it is when asked.
    let live: TCall[] = [];
    const calls = chatServer([direct], {}, ({ method, url }) => {
      if (method === 'GET' && url === '/api/calls') {
        const answer = { status: 200, body: { calls: live } };
        return new Promise((resolve) => setTimeout(() => resolve(answer), 50));
      }
      if (method === 'POST' && url.endsWith('/decline')) {
        live = [];
        return { status: 200, body: { ...ringingCall(), status: 'ended' } };
      }
      return undefined;
    });
    renderApp('/chats');
    await screen.findByRole('list', { name: 'Ваши чаты' });
    // The list is asked for again on ready; the ring arrives while that answer (without it) is on its way.
    const socket = connect();
    await waitFor(() => expect(calls.filter((request) => request.url === '/api/calls')).toHaveLength(2));
    live = [ringingCall()];
    socket.serverSend(eventFrame(11, 'call.started', { call: ringingCall() }));

    await screen.findByRole('dialog', { name: 'Анна Смирнова: видеозвонок' });
    // Still ringing once the older answer has arrived.
    await waitFor(() => expect(calls.filter((request) => request.url === '/api/calls')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const ring = screen.getByRole('dialog', { name: 'Анна Смирнова: видеозвонок' });
    expect(within(ring).getAllByRole('button').map((button) => button.textContent)).toEqual(['Ответить с видео', 'Только звук', 'Отклонить']);
    // Escape declines, as «Отклонить» does.
    fireEvent.keyDown(ring, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(calls.filter((request) => request.method === 'POST').map((request) => request.url)).toContain(`/api/calls/${ringingCall().id}/decline`));
  });

  it('starts a call from the chat header with this connection’s id, and shows the server’s reason when a group call cannot start', async () => {
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url === '/api/calls') return { status: 200, body: { calls: [] } };
      if (method === 'POST' && url === `/api/chats/${group.id}/calls`) {
        return { status: 503, body: { error: { code: 'unavailable', message: 'Групповые звонки недоступны: медиасервер не запущен. Звонки один на один работают.' } } };
      }
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    await screen.findByRole('heading', { level: 2, name: /5А — физика/ });
    connect();
    await waitFor(() => expect((screen.getByRole('button', { name: 'Видеозвонок' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Видеозвонок' }));
    expect((await screen.findByRole('alert')).textContent).toContain('медиасервер не запущен');
    const start = calls.find((request) => request.method === 'POST' && request.url === `/api/chats/${group.id}/calls`);
    expect(start?.body).toEqual({ video: true, connectionId });
  });

  it('shows a call in progress in its chat with «Присоединиться», and ended calls and lessons in words with the attendance', async () => {
    const live = ringingCall({ chatId: group.id, mode: 'sfu', status: 'active', participants: ringingCall().participants.slice(0, 1) });
    const ended = message(group, {
      seq: 3,
      author: null,
      kind: 'system',
      text: '',
      system: {
        action: 'lesson',
        actor: anna,
        subjects: [],
        title: null,
        lesson: {
          lessonId: 'le000000-0000-4000-8000-0000000000le'.replace(/le/g, 'ab'),
          title: 'Дроби',
          outcome: 'ended',
          scheduledFor: null,
          durationSeconds: 2_700,
          attendance: [
            { person: anna, joinedAt: '2026-12-01T09:00:00.000Z', seconds: 2_700 },
            { person: me, joinedAt: null, seconds: 0 },
          ],
        },
      },
    });
    const missed = message(group, { seq: 2, author: null, kind: 'system', text: '', system: { action: 'call', actor: anna, subjects: [], title: null, call: { callId: live.id, outcome: 'missed', video: false, durationSeconds: null } } });
    chatServer([group], { [group.id]: [missed, ended] }, ({ method, url }) => (method === 'GET' && url === '/api/calls' ? { status: 200, body: { calls: [live] } } : undefined));
    renderApp(`/chats/${group.id}`);
    expect((await screen.findByText(/Идёт звонок · 1 в звонке/)).closest('[role="status"]')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Присоединиться' })).toBeTruthy();
    expect(await screen.findByText(/Пропущенный звонок/)).toBeTruthy();
    const lesson = (await screen.findByText(/Урок «Дроби» завершён · 45 мин 0 с · пришли 1 из 2/)).closest('article')!;
    fireEvent.click(within(lesson).getByText('Посещаемость'));
    expect(lesson.textContent).toContain('Анна Смирнова — 45 мин 0 с');
    expect(lesson.textContent).toContain(`${me.displayName} — не был(а)`);
  });

  it('offers a live lesson to those who may join it, tells the others why not (not invited, or removed), and shows at once that it ended', async () => {
    let status: TLesson['status'] = 'live';
    const lesson = (canJoin: boolean, inClassChat = canJoin): TLesson => ({
      id: 'ab000000-0000-4000-8000-0000000000ab',
      organizationId: 'a0000000-0000-4000-8000-000000000001',
      classId: 'c1000000-0000-4000-8000-000000000001',
      className: '5А',
      chatId: group.id,
      title: 'Дроби',
      teacher: anna,
      scheduledFor: null,
      waitingRoom: false,
      status,
      callId: ringingCall().id,
      startedAt: '2026-12-01T09:00:00.000Z',
      endedAt: null,
      guests: [],
      canJoin,
      inClassChat,
      attendance: null,
    });
    let canJoin = false;
    let inClassChat = false;
    chatServer([group], { [group.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url === '/api/calls') return { status: 200, body: { calls: [] } };
      if (method === 'GET' && url === `/api/lessons/${lesson(canJoin).id}`) return { status: 200, body: lesson(canJoin, inClassChat) };
      return undefined;
    });
    const { unmount } = renderApp(`/lessons/${lesson(false).id}`);
    const card = await screen.findByRole('region', { name: 'Дроби' });
    expect(await within(card).findByText('На урок приходят ученики класса, учитель и сотрудники, которых он пригласил.')).toBeTruthy();
    expect(within(card).queryByRole('button', { name: 'Присоединиться к уроку' })).toBeNull();
    // Nor a link to a class chat they are not in.
    expect(within(card).queryByRole('link', { name: 'Чат класса' })).toBeNull();
    unmount();

    // A student of the class the teacher removed from this lesson is told so.
    inClassChat = true;
    const removed = renderApp(`/lessons/${lesson(false).id}`);
    expect(await within(await screen.findByRole('region', { name: 'Дроби' })).findByText('Учитель удалил вас с этого урока.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Присоединиться к уроку' })).toBeNull();
    removed.unmount();

    canJoin = true;
    renderApp(`/lessons/${lesson(true).id}`);
    const again = await screen.findByRole('region', { name: 'Дроби' });
    expect(await within(again).findByRole('button', { name: 'Присоединиться к уроку' })).toBeTruthy();
    expect(within(again).getByRole('link', { name: 'Чат класса' }).getAttribute('href')).toBe(`/chats/${group.id}`);
    expect(within(again).queryByText('На урок приходят ученики класса, учитель и сотрудники, которых он пригласил.')).toBeNull();

    // The teacher ends it: the page follows the call's event, not its next poll 15 s later.
    const socket = connect();
    status = 'ended';
    socket.serverSend(eventFrame(11, 'call.updated', { call: ringingCall({ kind: 'lesson', lessonId: lesson(true).id, mode: 'sfu', status: 'ended', endedAt: '2026-12-01T09:45:00.000Z' }) }));
    await waitFor(() => expect(within(again).queryByRole('button', { name: 'Присоединиться к уроку' })).toBeNull());
    expect(again.textContent).toContain('завершён');
  });
});
