// @vitest-environment jsdom
import type { TInvitationPreview, TOrganization } from '@parta/contracts';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';
import { schoolId, schoolWithRoles } from '../../testing/school-fixtures';

const token = 'c2VjcmV0LWludml0YXRpb24tdG9rZW4tZm9yLTVh';
const classId = '9f8e7d6c-5b4a-4392-8817-0a1b2c3d4e5f';
const preview: TInvitationPreview = {
  organization: { shortName: 'Школа № 5', name: 'МБОУ «Средняя общеобразовательная школа № 5»' },
  class: { name: '5А' },
  role: 'parent',
  requiresApproval: false,
  alreadyMember: false,
  organizationId: null,
};
const otherOrganization: TOrganization = { ...schoolWithRoles(['teacher']), id: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', shortName: 'Дом творчества', name: 'МБУ ДО «Дом детского творчества»', kind: 'centre' };
const unauthenticated = { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };

/** The invitation endpoints and a person who joins: before, one organization; after joining, two. */
function joinServer({ signedIn, answer = 'joined', link = preview }: { signedIn: boolean; answer?: 'joined' | 'pending'; link?: TInvitationPreview }) {
  let isSignedIn = signedIn;
  let hasJoined = false;
  return stubFetch(({ method, url }) => {
    if (url === '/api/me') return isSignedIn ? { status: 200, body: testMe } : unauthenticated;
    if (url === '/api/auth/code') return { status: 200, body: { status: 'sent', channel: 'email', destination: 'ivanova@school.ru', expiresInSeconds: 600 } };
    if (url === '/api/auth/verify') {
      isSignedIn = true;
      return { status: 200, body: { status: 'signed_in', me: testMe, isNewAccount: false } };
    }
    if (method === 'GET' && url === `/api/invitations/${token}`) return { status: 200, body: { ...link, alreadyMember: hasJoined, organizationId: hasJoined ? schoolId : null } };
    if (method === 'POST' && url === `/api/invitations/${token}/accept`) {
      hasJoined = answer === 'joined';
      return { status: 200, body: { status: answer, organizationId: schoolId, classId } };
    }
    if (method === 'GET' && url === '/api/organizations') return { status: 200, body: { organizations: hasJoined ? [otherOrganization, schoolWithRoles(['parent'])] : [otherOrganization] } };
    if (method === 'GET' && url.startsWith('/api/organizations/')) return { status: 200, body: { classes: [] } };
    return undefined;
  });
}

setUpAppTests();

describe('the invitation landing page', () => {
  it('shows a signed-out visitor where the link leads, and brings them back after sign-in', async () => {
    joinServer({ signedIn: false });
    const { router } = renderApp(`/join/${token}`);
    expect(await screen.findByText('Школа № 5')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1, name: 'Приглашение в Парту' })).toBeTruthy();
    expect(screen.getByText('5А')).toBeTruthy();
    expect(screen.getByText('родитель')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Вступить' })).toBeNull();

    const signIn = screen.getByRole('link', { name: 'Войти и вступить' });
    expect(signIn.getAttribute('href')).toBe(`/sign-in?next=${encodeURIComponent(`/join/${token}`)}`);
    fireEvent.click(signIn);
    fireEvent.change(await screen.findByLabelText('Электронная почта или телефон'), { target: { value: 'ivanova@school.ru' } });
    fireEvent.click(screen.getByRole('button', { name: 'Получить код' }));
    fireEvent.change(await screen.findByLabelText('Код из сообщения'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Войти' }));

    await waitFor(() => expect(router.state.location.pathname).toBe(`/join/${token}`));
    expect(await screen.findByRole('button', { name: 'Вступить' })).toBeTruthy();
    expect(screen.getByText('Вы вошли как Мария Петрова.')).toBeTruthy();
  });

  it('joins, makes the organization the current one and opens it', async () => {
    const calls = joinServer({ signedIn: true });
    const { router } = renderApp(`/join/${token}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Вступить' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/organization'));
    expect(await screen.findByRole('button', { name: 'Организация: Школа № 5' })).toBeTruthy();
    expect(await screen.findByRole('heading', { level: 2, name: 'Школа № 5' })).toBeTruthy();
    expect(window.localStorage.getItem(`parta.currentOrganization.${testMe.id}`)).toBe(schoolId);
    expect(calls.find((call) => call.url.endsWith('/accept'))).toMatchObject({ method: 'POST', body: {} });
  });

  it('for a link that needs approval, sends the request with a note and says to wait', async () => {
    const calls = joinServer({ signedIn: true, answer: 'pending', link: { ...preview, requiresApproval: true } });
    const { router } = renderApp(`/join/${token}`);
    fireEvent.change(await screen.findByLabelText('Несколько слов о себе (необязательно)'), { target: { value: '  мама Пети Иванова ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Отправить заявку' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Заявка отправлена, ждите решения' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(calls.find((call) => call.url.endsWith('/accept'))?.body).toEqual({ note: 'мама Пети Иванова' });
    expect(router.state.location.pathname).toBe(`/join/${token}`);
    expect(window.localStorage.getItem(`parta.currentOrganization.${testMe.id}`)).toBeNull();
  });

  it('says only «Ссылка недействительна» for a wrong, expired or revoked link', async () => {
    const calls = stubFetch(({ url }) => (url === '/api/me' ? { status: 200, body: testMe } : undefined));
    renderApp(`/join/${token}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Ссылка недействительна' })).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
    expect(calls.map((call) => call.url)).toContain(`/api/invitations/${token}`);

    cleanup();
    const malformed = stubFetch(({ url }) => (url === '/api/me' ? unauthenticated : undefined));
    renderApp('/join/short');
    expect(await screen.findByRole('heading', { level: 1, name: 'Ссылка недействительна' })).toBeTruthy();
    expect(malformed.some((call) => call.url.startsWith('/api/invitations'))).toBe(false);
  });
});
