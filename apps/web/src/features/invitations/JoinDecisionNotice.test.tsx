// @vitest-environment jsdom
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeWebSocket } from '../../testing/fake-websocket';
import { setUpAppTests } from '../../testing/app-test-setup';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';

setUpAppTests();

describe('the decision on one’s own join request', () => {
  it('is announced wherever the person is, and can be closed', async () => {
    const calls = stubFetch(({ url }) => {
      if (url === '/api/me') return { status: 200, body: testMe };
      if (url === '/api/organizations') return { status: 200, body: { organizations: [] } };
      return undefined;
    });
    renderApp('/chats');
    await screen.findByRole('heading', { level: 1, name: 'Чаты' });
    const socket = FakeWebSocket.latest();
    act(() => {
      socket.serverOpen();
      socket.serverSend({ type: 'ready', seq: 0 });
    });
    const organizationFetches = calls.filter((call) => call.url === '/api/organizations').length;

    act(() =>
      socket.serverSend({
        type: 'event',
        seq: 1,
        name: 'joinRequest.decided',
        data: { organizationId: '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d', organizationName: 'Школа № 5', className: '5А', status: 'accepted' },
        at: '2026-03-05T10:00:00.000Z',
      }),
    );
    const text = await screen.findByText('Вашу заявку в «Школа № 5», класс 5А, приняли.');
    expect(text.closest('[role="status"]')).toBeTruthy();
    // The person's organizations are asked for again: they now include the school.
    expect(calls.filter((call) => call.url === '/api/organizations').length).toBeGreaterThan(organizationFetches);

    act(() => socket.serverSend({ type: 'event', seq: 2, name: 'joinRequest.decided', data: { organizationId: '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d', organizationName: 'Школа № 5', className: null, status: 'declined' }, at: '2026-03-05T10:01:00.000Z' }));
    expect(await screen.findByText('Вашу заявку в «Школа № 5» отклонили.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Закрыть' }));
    expect(screen.queryByText('Вашу заявку в «Школа № 5» отклонили.')).toBeNull();
  });
});
