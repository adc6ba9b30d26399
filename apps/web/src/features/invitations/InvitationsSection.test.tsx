// @vitest-environment jsdom
import type { TCreateInvitationRequest, TInvitation, TRole } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';
import { routes, schoolClass, schoolPath, schoolWithRoles, signedInTo } from '../../testing/school-fixtures';

const fifthA = schoolClass({ name: '5А', myPlaces: ['class_teacher'] });
const staffRoom = schoolClass({ name: 'Учительская', kind: 'staff_room', grade: null, myPlaces: ['staff'] });
const token = 'Qm9vdHN0cmFwLXRva2VuLWZvci10ZXN0cy0xMjM0NTY';
const invitationId = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

/** The invitations API: creating returns the secret once; the list never carries it. */
function invitationsServer(roles: TRole[] = ['administrator']) {
  const invitations: TInvitation[] = [];
  return stubFetch(
    routes(signedInTo(schoolWithRoles(roles)), ({ method, url, body }) => {
      if (method === 'GET' && url === `${schoolPath}/classes`) return { status: 200, body: { classes: [staffRoom, fifthA] } };
      if (method === 'GET' && url === `${schoolPath}/invitations`) return { status: 200, body: { invitations } };
      if (method === 'POST' && url === `${schoolPath}/invitations`) {
        const request = body as TCreateInvitationRequest;
        const invitation: TInvitation = {
          id: invitationId,
          role: request.role,
          class: request.classId ? { id: fifthA.id, name: '5А' } : null,
          requiresApproval: request.requiresApproval ?? false,
          maxUses: request.maxUses ?? 40,
          uses: 0,
          expiresAt: '2026-03-12T10:00:00.000Z',
          createdAt: '2026-03-05T10:00:00.000Z',
          createdBy: { id: testMe.id, displayName: testMe.displayName, verifiedTeacher: false },
          state: 'active',
        };
        invitations.push(invitation);
        return { status: 201, body: { ...invitation, token, url: `http://localhost:3000/join/${token}` } };
      }
      if (method === 'POST' && url === `${schoolPath}/invitations/${invitationId}/revoke`) {
        invitations[0] = { ...invitations[0]!, state: 'revoked' };
        return { status: 200, body: invitations[0] };
      }
      return undefined;
    }),
  );
}

const writeText = vi.fn(() => Promise.resolve());

setUpAppTests();
beforeEach(() => {
  writeText.mockClear();
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

describe('invitation links', () => {
  it('creates a link, shows it with a copy button and a QR code once, and then only in the list', async () => {
    const calls = invitationsServer();
    renderApp('/organization/invitations');
    expect(await screen.findByText('Ссылок пока нет.')).toBeTruthy();

    const form = screen.getByRole('form', { name: 'Новая ссылка-приглашение' });
    expect((within(form).getByLabelText('Сколько дней действует') as HTMLInputElement).value).toBe('7');
    fireEvent.change(within(form).getByLabelText('Кого приглашаем'), { target: { value: 'parent' } });
    await within(form).findByRole('option', { name: '5А' });
    fireEvent.change(within(form).getByLabelText('Класс'), { target: { value: fifthA.id } });
    expect(within(form).queryByRole('option', { name: 'Учительская' })).toBeNull();
    fireEvent.click(within(form).getByLabelText('Вступление только после одобрения'));
    fireEvent.click(within(form).getByRole('button', { name: 'Создать ссылку' }));

    const heading = await screen.findByRole('heading', { name: 'Ссылка создана' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(calls.find((call) => call.method === 'POST')?.body).toEqual({ role: 'parent', classId: fifthA.id, expiresInDays: 7, requiresApproval: true });
    const link = screen.getByLabelText('Ссылка-приглашение') as HTMLInputElement;
    expect(link.value).toBe(`http://localhost:3000/join/${token}`);
    expect(screen.getByText('Приглашение: родитель, класс 5А.')).toBeTruthy();
    const qr = await screen.findByRole('img', { name: 'QR-код ссылки-приглашения' });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);

    fireEvent.click(screen.getByRole('button', { name: 'Копировать' }));
    expect(await screen.findByText('Ссылка скопирована.')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(`http://localhost:3000/join/${token}`);

    // The list shows the new link without its secret.
    const card = (await screen.findByRole('heading', { level: 3, name: /Приглашение: родитель, класс 5А/ })).closest('li')!;
    expect(within(card).getByText('0 из 40')).toBeTruthy();
    expect(within(card).getByText('действует')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Готово' }));
    expect(screen.queryByLabelText('Ссылка-приглашение')).toBeNull();
    expect(screen.queryByRole('img', { name: 'QR-код ссылки-приглашения' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Новая ссылка-приглашение' }));
    expect(document.body.textContent).not.toContain(token);
  });

  it('refuses a wrong expiry before asking the server', async () => {
    const calls = invitationsServer();
    renderApp('/organization/invitations');
    const days = await screen.findByLabelText('Сколько дней действует');
    fireEvent.change(days, { target: { value: '45' } });
    fireEvent.click(screen.getByRole('button', { name: 'Создать ссылку' }));
    expect(await screen.findByText('Срок действия — от 1 до 30 дней.')).toBeTruthy();
    expect(days.getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
  });

  it('revokes an unused link after a confirmation', async () => {
    const calls = invitationsServer();
    renderApp('/organization/invitations');
    fireEvent.click(await screen.findByRole('button', { name: 'Создать ссылку' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Готово' }));

    const revoke = await screen.findByRole('button', { name: 'Аннулировать: Приглашение: педагог' });
    fireEvent.click(revoke);
    const dialog = screen.getByRole('dialog', { name: 'Аннулировать ссылку?' });
    expect(within(dialog).getByText(/ссылка перестанет работать сразу/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Аннулировать ссылку' }));

    const notice = await screen.findByText('Ссылка аннулирована: Приглашение: педагог.');
    await waitFor(() => expect(document.activeElement).toBe(notice));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.filter((call) => call.url.endsWith('/revoke'))).toHaveLength(1);
    const card = screen.getByRole('heading', { level: 3, name: /Приглашение: педагог/ }).closest('li')!;
    expect(within(card).getByText('аннулирована')).toBeTruthy();
    expect(within(card).queryByRole('button', { name: /Аннулировать/ })).toBeNull();
  });

  it('a class teacher invites students and parents of their own classes', async () => {
    invitationsServer(['teacher']);
    renderApp('/organization/invitations');
    const role = await screen.findByLabelText('Кого приглашаем');
    expect(within(role).getAllByRole('option').map((option) => option.textContent)).toEqual(['обучающийся', 'родитель']);
    const classSelect = screen.getByLabelText('Класс');
    await waitFor(() => expect(within(classSelect).getAllByRole('option').map((option) => option.textContent)).toEqual(['5А']));
  });
});
