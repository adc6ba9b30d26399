// @vitest-environment jsdom
import type { TMessageReport, TOrganization } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { anna, chat, eventFrame, ivan, me, stubLayout } from '../../testing/chat-fixtures';
import { chatServer, connect } from '../../testing/chat-server';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';
import { routes, schoolId, schoolPath, schoolWithRoles, signedInTo } from '../../testing/school-fixtures';

setUpAppTests();
beforeEach(() => {
  stubLayout();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());

function report(overrides: Partial<TMessageReport> & { reason: string }): TMessageReport {
  return {
    id: crypto.randomUUID(),
    chatId: crypto.randomUUID(),
    chatTitle: '5А',
    messageId: crypto.randomUUID(),
    messageText: 'Ты глупый',
    author: ivan,
    reporter: anna,
    createdAt: new Date().toISOString(),
    status: 'open',
    ...overrides,
  };
}

describe('the report queue', () => {
  it('administrators see what was said, why, by whom, where and when; delete the message or dismiss; report.changed refreshes', async () => {
    const rude = report({ reason: 'Оскорбление' });
    const spam = report({ reason: 'Реклама', messageText: 'Купите курсы', chatTitle: 'Родители 5А' });
    let open = [rude, spam];
    const closed = [report({ reason: 'Старое', status: 'dismissed' })];
    const calls = chatServer(
      [],
      {},
      ({ method, url, body }) => {
        if (method === 'GET' && url === `${schoolPath}/message-reports?status=open`) return { status: 200, body: { reports: open } };
        if (method === 'GET' && url === `${schoolPath}/message-reports?status=closed`) return { status: 200, body: { reports: closed } };
        const resolve = /message-reports\/([\w-]+)\/resolve$/.exec(url);
        if (method === 'POST' && resolve) {
          open = open.filter((item) => item.id !== resolve[1]);
          void body;
          return { status: 204 };
        }
        return undefined;
      },
      ['administrator'],
    );
    renderApp('/organization/reports');
    expect(await screen.findByRole('heading', { level: 1, name: 'Жалобы' })).toBeTruthy();
    expect(within(screen.getByRole('navigation', { name: 'Разделы организации' })).getByRole('link', { name: 'Жалобы' })).toBeTruthy();
    const list = await screen.findByRole('list', { name: 'Открытые' });
    const rudeCard = within(list).getByRole('listitem', { name: /Иван Петров в чате «5А»/ });
    expect(rudeCard.textContent).toContain('Ты глупый');
    expect(rudeCard.textContent).toContain('Оскорбление');
    expect(rudeCard.textContent).toContain('Анна Смирнова');

    fireEvent.click(within(rudeCard).getByRole('button', { name: 'Отклонить' }));
    expect(await screen.findByText('Жалоба отклонена.')).toBeTruthy();
    expect(calls.find((call) => call.url.endsWith(`/message-reports/${rude.id}/resolve`))?.body).toEqual({ action: 'dismiss' });
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Открытые' })).getAllByRole('listitem')).toHaveLength(1));

    const spamCard = within(screen.getByRole('list', { name: 'Открытые' })).getByRole('listitem');
    fireEvent.click(within(spamCard).getByRole('button', { name: 'Удалить сообщение' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Удалить сообщение для всех?' })).getByRole('button', { name: 'Удалить для всех' }));
    expect(await screen.findByText('Сообщение удалено в чате «Родители 5А».')).toBeTruthy();
    expect(calls.find((call) => call.url.endsWith(`/message-reports/${spam.id}/resolve`))?.body).toEqual({ action: 'delete' });
    expect(await screen.findByText('Открытых жалоб нет.')).toBeTruthy();

    // Someone reports again: the queue refreshes by itself.
    open = [report({ reason: 'Угроза', chatTitle: '6Б' })];
    connect().serverSend(eventFrame(11, 'report.changed', { organizationId: schoolId }));
    expect(await screen.findByText('Угроза')).toBeTruthy();

    fireEvent.click(screen.getByLabelText('Рассмотренные'));
    const done = await screen.findByRole('list', { name: 'Рассмотренные' });
    expect(within(done).getByText('отклонена')).toBeTruthy();
    expect(within(done).queryByRole('button', { name: 'Отклонить' })).toBeNull();
  });

  it('a teacher who leads no class is told there is no access', async () => {
    chatServer([], {}, ({ method, url }) => (method === 'GET' && url.includes('/message-reports') ? { status: 403, body: { error: { code: 'forbidden', message: 'Нет доступа' } } } : undefined), ['teacher']);
    renderApp('/organization/reports');
    expect(await screen.findByText('Нет доступа: жалобы видят администраторы организации и классные руководители.')).toBeTruthy();
    // The menu item is for administrators; class teachers come from «Мои классы».
    expect(within(screen.getByRole('navigation', { name: 'Разделы организации' })).queryByRole('link', { name: 'Жалобы' })).toBeNull();
  });
});

describe('the chat invitation page', () => {
  const token = 'Qm9vbXNoYWthbGFrYTEyMzQ1Njc4OTA';

  it('shows where a valid link leads and joins the chat', async () => {
    const group = chat({ title: 'Кружок робототехники', memberCount: 14 });
    const calls = chatServer([], { [group.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url === `/api/chat-invitations/${token}`) return { status: 200, body: { chatTitle: 'Кружок робототехники', kind: 'group', organizationShortName: 'Школа № 5', memberCount: 14, alreadyMember: false, chatId: null } };
      if (method === 'POST' && url === `/api/chat-invitations/${token}/accept`) return { status: 200, body: { ...group, memberCount: 15 } };
      if (method === 'GET' && url === `/api/chats/${group.id}`) return { status: 200, body: group };
      return undefined;
    });
    const { router } = renderApp(`/chat-invite/${token}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Приглашение в чат' })).toBeTruthy();
    const card = (await screen.findByText('Кружок робототехники')).closest('dl')!;
    expect(within(card).getByText('Школа № 5')).toBeTruthy();
    expect(within(card).getByText('14 участников')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Вступить' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/chats/${group.id}`));
    expect(calls.some((call) => call.method === 'POST' && call.url.endsWith('/accept'))).toBe(true);
    expect(await screen.findByRole('heading', { level: 2, name: /Кружок робототехники/ })).toBeTruthy();
  });

  it('says «Ссылка недействительна.» for a link that does not work, and for a malformed one without asking', async () => {
    const calls = chatServer([], {}, ({ method, url }) => (method === 'GET' && url.startsWith('/api/chat-invitations/') ? { status: 404, body: { error: { code: 'not_found', message: 'Ссылка недействительна.' } } } : undefined));
    const { unmount } = renderApp(`/chat-invite/${token}`);
    expect(await screen.findByText('Ссылка недействительна.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Вступить' })).toBeNull();
    unmount();
    renderApp('/chat-invite/short');
    expect(await screen.findByText('Ссылка недействительна.')).toBeTruthy();
    expect(calls.filter((call) => call.url.startsWith('/api/chat-invitations/'))).toHaveLength(1);
  });
});

describe('invitation links of a chat', () => {
  it('a chat administrator makes a link (address, copy, QR), sees the links with their uses and revokes one', async () => {
    const group = chat({ title: 'Кружок робототехники', myRole: 'admin' });
    const made = { id: crypto.randomUUID(), maxUses: 50, uses: 0, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), createdAt: new Date().toISOString(), state: 'active' };
    const older = { ...made, id: crypto.randomUUID(), uses: 3 };
    let links = [older];
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url === `/api/chats/${group.id}/members`) return { status: 200, body: { members: [] } };
      if (method === 'GET' && url === `/api/chats/${group.id}/invitations`) return { status: 200, body: { invitations: links } };
      if (method === 'POST' && url === `/api/chats/${group.id}/invitations`) {
        links = [made, older];
        return { status: 201, body: { ...made, token: 'a'.repeat(32), url: `http://localhost/chat-invite/${'a'.repeat(32)}` } };
      }
      if (method === 'DELETE' && url === `/api/chats/${group.id}/invitations/${older.id}`) return { status: 200, body: { ...older, state: 'revoked' } };
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Участники' }));
    const panel = screen.getByRole('complementary', { name: /Участники/ });
    const list = await within(panel).findByRole('list', { name: 'Ссылки на этот чат' });
    expect(within(list).getByText(/Вступили: 3 из 50/)).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'Ссылка-приглашение' }));
    const address = (await within(panel).findByLabelText('Ссылка на чат')) as HTMLInputElement;
    expect(address.value).toBe(`http://localhost/chat-invite/${'a'.repeat(32)}`);
    expect(within(panel).getByRole('button', { name: 'Копировать' })).toBeTruthy();
    expect(await within(panel).findByRole('img', { name: 'QR-код ссылки на чат' })).toBeTruthy();
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    const olderItem = within(list).getByText(/Вступили: 3 из 50/).closest('li')!;
    fireEvent.click(within(olderItem).getByRole('button', { name: 'Отозвать' }));
    expect(await within(olderItem).findByText('отозвана')).toBeTruthy();
    expect(within(olderItem).queryByRole('button', { name: 'Отозвать' })).toBeNull();
    expect(calls.some((call) => call.method === 'DELETE')).toBe(true);
  });
});

describe('an authority’s chats', () => {
  it('a region’s administrator picks staff of the organizations under it by role', async () => {
    const created = chat({ title: 'Директора школ', myRole: 'admin' });
    const morozov = { person: { id: 'b0000000-0000-4000-8000-0000000000d1', displayName: 'Морозов Виктор Николаевич', verifiedTeacher: false }, roles: ['director'], organizations: ['Школа № 5'] };
    const belov = { person: { id: 'b0000000-0000-4000-8000-0000000000d2', displayName: 'Белов Игорь Константинович', verifiedTeacher: false }, roles: ['director'], organizations: ['Гимназия № 12'] };
    const region: TOrganization = { ...schoolWithRoles(['administrator']), kind: 'region', name: 'Министерство образования Тверской области', shortName: 'Минобразования' };
    const calls = stubFetch(
      routes(signedInTo(region), ({ method, url }) => {
        if (method === 'GET' && url === '/api/chats') return { status: 200, body: { chats: [] } };
        if (method === 'GET' && url === `${schoolPath}/network-people?role=director`) return { status: 200, body: { people: [morozov, belov] } };
        if (method === 'POST' && url === `${schoolPath}/chats`) return { status: 201, body: created };
        return undefined;
      }),
    );
    renderApp('/chats');
    fireEvent.click(await screen.findByRole('button', { name: 'Новый чат' }));
    const dialog = screen.getByRole('dialog', { name: 'Новый чат' });
    expect((within(dialog).getByLabelText('Кого показать') as HTMLSelectElement).value).toBe('director');
    expect(await within(dialog).findByText('Гимназия № 12')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Название'), { target: { value: 'Директора школ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Выбрать всех 2 найденных' }));
    expect(within(dialog).getByText('Выбрано 2 человека')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Создать чат' }));
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url === `${schoolPath}/chats`)?.body).toEqual({ title: 'Директора школ', memberIds: [morozov.person.id, belov.person.id] }));
  });
});

describe('the chat rules', () => {
  it('administrators set the students’ switch and the school hours; the day must start before it ends', async () => {
    const calls = chatServer(
      [],
      {},
      ({ method, url, body }) => {
        if (method === 'GET' && url === `${schoolPath}/chat-settings`) return { status: 200, body: { studentsMayMessageEachOther: true, schoolDayStarts: 8, schoolDayEnds: 18, timeZone: 'Europe/Moscow' } };
        if (method === 'PUT' && url === `${schoolPath}/chat-settings`) return { status: 200, body };
        return undefined;
      },
      ['administrator'],
    );
    renderApp('/organization/chat-rules');
    expect(await screen.findByRole('heading', { level: 1, name: 'Правила чатов' })).toBeTruthy();
    const students = (await screen.findByLabelText('Ученики могут писать друг другу')) as HTMLInputElement;
    expect(students.checked).toBe(true);
    expect(screen.getByText(/Вне учебного времени сообщения родителей приходят сотрудникам без звука/)).toBeTruthy();
    const zone = screen.getByLabelText('Часовой пояс') as HTMLSelectElement;
    expect(zone.value).toBe('Europe/Moscow');
    expect([...zone.options].map((option) => option.value)).toContain('Asia/Kamchatka');
    expect(zone.selectedOptions[0]!.textContent).toMatch(/^Москва/);

    fireEvent.click(students);
    fireEvent.change(screen.getByLabelText('Начало'), { target: { value: '18' } });
    fireEvent.change(screen.getByLabelText('Конец'), { target: { value: '9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Учебный день должен начинаться раньше, чем заканчивается.');
    expect(screen.getByLabelText('Конец').getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((call) => call.method === 'PUT')).toBe(false);

    fireEvent.change(screen.getByLabelText('Начало'), { target: { value: '7' } });
    fireEvent.change(zone, { target: { value: 'Asia/Yekaterinburg' } });
    fireEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Правила чатов сохранены.')).toBeTruthy();
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ studentsMayMessageEachOther: false, schoolDayStarts: 7, schoolDayEnds: 9, timeZone: 'Asia/Yekaterinburg' });
    void me;
  });
});
