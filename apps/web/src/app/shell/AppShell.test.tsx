// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket, stubWebSocket } from '../../testing/fake-websocket';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';

const unauthenticated = { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };

beforeEach(() => {
  stubWebSocket();
  window.sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('route guard', () => {
  it('sends a signed-out visitor to sign-in, remembering the page', async () => {
    stubFetch(({ url }) => (url === '/api/me' ? unauthenticated : undefined));
    const { router } = renderApp('/profile');
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(router.state.location.search).toBe('?next=%2Fprofile');
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('asks a person without a name for it first', async () => {
    stubFetch(({ url }) => (url === '/api/me' ? { status: 200, body: { ...testMe, displayName: '' } } : undefined));
    const { router } = renderApp('/chats');
    await waitFor(() => expect(router.state.location.pathname).toBe('/welcome'));
    expect(router.state.location.search).toBe('?next=%2Fchats');
  });

  it('a 401 from any API call ends the session', async () => {
    stubFetch(({ method, url }) => {
      if (url === '/api/me' && method === 'GET') return { status: 200, body: testMe };
      if (url === '/api/me' && method === 'PATCH') return unauthenticated;
      return undefined;
    });
    const { router } = renderApp('/profile');
    const nameField = await screen.findByLabelText('Имя');
    fireEvent.change(nameField, { target: { value: 'Новое имя' } });
    fireEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
  });
});

describe('app shell', () => {
  function signedIn() {
    return stubFetch(({ method, url, body }) => {
      if (url === '/api/me' && method === 'GET') return { status: 200, body: testMe };
      if (url === '/api/me' && method === 'PATCH') return { status: 200, body: { ...testMe, ...(body as object) } };
      if (url === '/api/auth/sign-out') return { status: 200, body: { signedOutSessions: 1 } };
      return undefined;
    });
  }

  it('shows the live connection state and applies profile events in order', async () => {
    signedIn();
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Здравствуйте, Мария Петрова!' })).toBeTruthy();
    const status = screen.getByTestId('connection-status');
    expect(status.getAttribute('data-state')).toBe('connecting');
    expect(status.getAttribute('aria-live')).toBe('polite');

    const socket = FakeWebSocket.latest();
    expect(socket.url).toBe('ws://localhost:3000/api/ws');
    socket.serverOpen();
    expect(socket.sent).toEqual([{ type: 'hello', lastSeq: null }]);
    socket.serverSend({ type: 'ready', seq: 4 });
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('online'));
    expect(status.textContent).toBe('В сети');

    socket.serverSend({ type: 'event', seq: 5, name: 'profile.updated', data: { me: { ...testMe, displayName: 'Мария Ивановна' } }, at: '2026-01-01T00:00:00.000Z' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Здравствуйте, Мария Ивановна!' })).toBeTruthy();
    expect(window.sessionStorage.getItem(`parta.realtime.lastSeq.${testMe.id}`)).toBe('5');

    socket.serverClose(1006);
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('connecting'));
  });

  it('goes to sign-in when the server closes the socket as signed out', async () => {
    signedIn();
    const { router } = renderApp('/chats');
    await screen.findByRole('heading', { level: 1, name: 'Чаты' });
    FakeWebSocket.latest().serverOpen();
    FakeWebSocket.latest().serverClose(4403);
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
  });

  it('has an honest placeholder, a page title and labelled navigation for each area', async () => {
    signedIn();
    renderApp('/library');
    expect(await screen.findByRole('heading', { level: 1, name: 'Библиотека' })).toBeTruthy();
    expect(screen.getByText('Раздел появится скоро')).toBeTruthy();
    expect(document.title).toBe('Библиотека — Парта');
    const nav = screen.getByRole('navigation', { name: 'Разделы' });
    const current = within(nav).getByRole('link', { name: 'Библиотека' });
    expect(current.getAttribute('aria-current')).toBe('page');
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Главная',
      'Чаты',
      'Каналы',
      'Звонки и уроки',
      'Библиотека',
      'Опросы',
      'Статистика',
      'Организация',
      'Поддержка',
      'Профиль',
    ]);
  });

  it('the user menu opens, closes on Escape and signs out with the CSRF token', async () => {
    document.cookie = 'parta_csrf=csrf-token-1';
    const calls = signedIn();
    const { router } = renderApp('/');
    const toggle = await screen.findByRole('button', { name: /Мария Петрова/ });
    expect(screen.queryByRole('button', { name: 'Выйти' })).toBeNull();

    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    screen.getByRole('button', { name: 'Выйти' }).focus();
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);

    fireEvent.click(toggle);
    fireEvent.click(screen.getByRole('button', { name: 'Выйти' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    const signOut = calls.find((call) => call.url === '/api/auth/sign-out');
    expect(signOut?.method).toBe('POST');
    expect(signOut?.headers['x-csrf-token']).toBe('csrf-token-1');
    expect(await screen.findByLabelText('Электронная почта или телефон')).toBeTruthy();
  });

  it('the skip link and the collapsible navigation work from the keyboard', async () => {
    signedIn();
    renderApp('/');
    fireEvent.click(await screen.findByRole('link', { name: 'Перейти к содержимому' }));
    expect(document.activeElement?.id).toBe('main');

    const menuButton = screen.getByRole('button', { name: 'Меню' });
    const nav = screen.getByRole('navigation', { name: 'Разделы' });
    expect(menuButton.getAttribute('aria-controls')).toBe(nav.id);
    fireEvent.click(menuButton);
    expect(menuButton.getAttribute('aria-expanded')).toBe('true');
    expect(nav.classList.contains('is-open')).toBe(true);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(menuButton.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(menuButton);

    fireEvent.click(menuButton);
    fireEvent.click(within(nav).getByRole('link', { name: 'Профиль' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Профиль' })).toBeTruthy();
    expect(menuButton.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement?.id).toBe('main');
    expect(screen.getByText(testMe.email)).toBeTruthy();
  });

  it('switches the language and saves it to the profile', async () => {
    const calls = signedIn();
    renderApp('/');
    const select = await screen.findByLabelText('Язык');
    fireEvent.change(select, { target: { value: 'en' } });
    expect(await screen.findByRole('navigation', { name: 'Sections' })).toBeTruthy();
    expect(screen.getByLabelText('Language')).toBe(select);
    await waitFor(() => expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ locale: 'en' }));
    // The saved profile now says "en": the interface must not switch back.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByRole('link', { name: 'Chats' })).toBeTruthy();
  });
});
