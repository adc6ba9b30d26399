// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubWebSocket } from '../../testing/fake-websocket';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const sent = { status: 'sent', channel: 'email', destination: 'ivanova@school.ru', expiresInSeconds: 600 };

function describedByText(element: HTMLElement): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('sign-in page', () => {
  it('asks for an address first and explains an empty one next to the field', async () => {
    stubFetch(({ url }) => (url === '/api/me' ? { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } } : undefined));
    renderApp('/sign-in');
    const field = await screen.findByLabelText('Электронная почта или телефон');
    expect(document.title).toBe('Вход в Парту — Парта');
    fireEvent.click(screen.getByRole('button', { name: 'Получить код' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Введите адрес электронной почты или номер телефона.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(describedByText(field)).toContain('Введите адрес электронной почты');
  });

  it('signs in with the code and goes to the page first asked for', async () => {
    let verifyAttempts = 0;
    const calls = stubFetch(({ method, url, body }) => {
      if (url === '/api/me') return { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };
      if (method === 'POST' && url === '/api/auth/code') return { status: 200, body: sent };
      if (method === 'POST' && url === '/api/auth/verify') {
        verifyAttempts += 1;
        if ((body as { code: string }).code !== '654321') return { status: 400, body: { error: { code: 'code_invalid', message: 'Wrong code' } } };
        return { status: 200, body: { status: 'signed_in', me: testMe, isNewAccount: false } };
      }
      return undefined;
    });
    const { router } = renderApp('/sign-in?next=%2Fprofile');

    fireEvent.change(await screen.findByLabelText('Электронная почта или телефон'), { target: { value: '  ivanova@school.ru ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Получить код' }));

    const codeField = await screen.findByLabelText('Код из сообщения');
    expect(calls.find((call) => call.url === '/api/auth/code')?.body).toEqual({ destination: 'ivanova@school.ru', locale: 'ru' });
    expect(screen.getByText(/Мы отправили код на ivanova@school\.ru\./)).toBeTruthy();
    expect(codeField.getAttribute('inputmode')).toBe('numeric');
    expect(codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(screen.getByRole('link', { name: /исходящих сообщений/ }).getAttribute('href')).toBe('/dev/outbox');

    fireEvent.change(codeField, { target: { value: '123 456' } });
    expect((codeField as HTMLInputElement).value).toBe('123456');
    fireEvent.click(screen.getByRole('button', { name: 'Войти' }));
    await waitFor(() => expect(codeField.getAttribute('aria-invalid')).toBe('true'));
    expect(describedByText(codeField)).toContain('Неверный код');

    fireEvent.change(codeField, { target: { value: '654321' } });
    fireEvent.click(screen.getByRole('button', { name: 'Войти' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
    expect(verifyAttempts).toBe(2);
    expect(calls.find((call) => call.url === '/api/auth/verify')?.body).toEqual({ destination: 'ivanova@school.ru', code: '123456' });
  });

  it('after a rate limit, disables «Отправить код ещё раз» with a countdown', async () => {
    let sendCount = 0;
    stubFetch(({ method, url }) => {
      if (url === '/api/me') return { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };
      if (method === 'POST' && url === '/api/auth/code') {
        return sendCount++ === 0 ? { status: 200, body: sent } : { status: 429, body: { error: { code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 42 } }, headers: { 'retry-after': '42' } };
      }
      return undefined;
    });
    renderApp('/sign-in');
    fireEvent.change(await screen.findByLabelText('Электронная почта или телефон'), { target: { value: 'ivanova@school.ru' } });
    fireEvent.click(screen.getByRole('button', { name: 'Получить код' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Отправить код ещё раз' }));

    // The countdown starts from the server's 42 s and ticks every second; a loaded machine may
    // have let a few seconds pass before the assertions run.
    const blocked = await screen.findByRole('button', { name: /можно через 0:(4[0-2]|3\d)/ });
    expect(blocked).toHaveProperty('disabled', true);
    expect(screen.getByRole('alert').textContent).toMatch(/^Слишком много попыток\. Повторите через 0:(4[0-2]|3\d)\.$/);
  });

  it('sends a new account to «Как вас зовут?» before home', async () => {
    const calls = stubFetch(({ method, url, body }) => {
      if (url === '/api/me' && method === 'GET') return { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };
      if (url === '/api/auth/code') return { status: 200, body: sent };
      // A new account: asked for a name even though the server filled one in.
      if (url === '/api/auth/verify') return { status: 200, body: { status: 'signed_in', me: testMe, isNewAccount: true } };
      if (url === '/api/me' && method === 'PATCH') return { status: 200, body: { ...testMe, ...(body as object) } };
      return undefined;
    });
    document.cookie = 'parta_csrf=csrf-from-cookie';
    stubWebSocket(); // home opens the realtime connection
    const { router } = renderApp('/sign-in');
    fireEvent.change(await screen.findByLabelText('Электронная почта или телефон'), { target: { value: 'ivanova@school.ru' } });
    fireEvent.click(screen.getByRole('button', { name: 'Получить код' }));
    fireEvent.change(await screen.findByLabelText('Код из сообщения'), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('button', { name: 'Войти' }));

    const nameField = await screen.findByLabelText('Имя и фамилия');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Как вас зовут?');
    expect((nameField as HTMLInputElement).value).toBe(testMe.displayName);
    fireEvent.change(nameField, { target: { value: '  Анна Смирнова ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Продолжить' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    const patch = calls.find((call) => call.method === 'PATCH');
    expect(patch?.body).toEqual({ displayName: 'Анна Смирнова' });
    expect(patch?.headers['x-csrf-token']).toBe('csrf-from-cookie');
  });

  it('asks «Кто входит?» when a parent’s code opens several accounts, then signs in the chosen one', async () => {
    const child = { id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', displayName: 'Петя Петров', isYoungStudent: true };
    const parent = { id: testMe.id, displayName: testMe.displayName, isYoungStudent: false };
    const calls = stubFetch(({ method, url, body }) => {
      if (url === '/api/me') return { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };
      if (method === 'POST' && url === '/api/auth/code') return { status: 200, body: sent };
      if (method === 'POST' && url === '/api/auth/verify') {
        const { accountId } = body as { accountId?: string };
        if (accountId === undefined) return { status: 200, body: { status: 'choose_account', accounts: [parent, child] } };
        return { status: 200, body: { status: 'signed_in', me: { ...testMe, id: child.id, displayName: child.displayName, email: null }, isNewAccount: false } };
      }
      return undefined;
    });
    stubWebSocket();
    const { router } = renderApp('/sign-in?next=%2Fprofile');
    fireEvent.change(await screen.findByLabelText('Электронная почта или телефон'), { target: { value: 'ivanova@school.ru' } });
    fireEvent.click(screen.getByRole('button', { name: 'Получить код' }));
    fireEvent.change(await screen.findByLabelText('Код из сообщения'), { target: { value: '246810' } });
    fireEvent.click(screen.getByRole('button', { name: 'Войти' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Кто входит?' });
    // Focus moves to it in an effect after the render that shows it.
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const choices = screen.getByRole('list', { name: 'Учётные записи' });
    expect(within(choices).getAllByRole('button').map((button) => button.textContent)).toEqual(['Мария Петрова', 'Петя Петровученик, вход через e-mail родителя']);
    fireEvent.click(within(choices).getByRole('button', { name: /Петя Петров/ }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
    const verifies = calls.filter((call) => call.url === '/api/auth/verify').map((call) => call.body);
    expect(verifies).toEqual([
      { destination: 'ivanova@school.ru', code: '246810' },
      { destination: 'ivanova@school.ru', code: '246810', accountId: child.id },
    ]);
    expect(await screen.findByRole('button', { name: /Петя Петров/ })).toBeTruthy();
  });
});
