// @vitest-environment jsdom
import type { TMember } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { renderApp, stubFetch } from '../../testing/render-app';
import { member, routes, schoolClass, schoolPath, schoolWithRoles, signedInTo } from '../../testing/school-fixtures';

const fifthA = schoolClass({ name: '5А' });
const staffRoom = schoolClass({ name: 'Учительская', kind: 'staff_room', grade: null });

function people(): TMember[] {
  return [
    member({
      displayName: 'Анна Смирнова',
      roles: ['teacher'],
      verificationPending: true,
      email: 'smirnova@school.ru',
      lastSeenAt: new Date(Date.now() - 3 * 3600 * 1000 - 60_000).toISOString(),
      classes: [{ id: staffRoom.id, name: 'Учительская', place: 'staff' }],
    }),
    member({ displayName: 'Борис Кузнецов', roles: ['teacher'], verifiedTeacher: true, classes: [{ id: fifthA.id, name: '5А', place: 'class_teacher' }] }),
    member({ displayName: 'Петя Петров', roles: ['student'], classes: [{ id: fifthA.id, name: '5А', place: 'student' }] }),
  ];
}

/** The members API with its filters, remembering verifications, like the real one. */
function schoolServer(roles: TMember['roles'] = ['administrator']) {
  const members = people();
  return stubFetch(
    routes(signedInTo(schoolWithRoles(roles)), ({ method, url, body }) => {
      if (method === 'GET' && url === `${schoolPath}/classes`) return { status: 200, body: { classes: [staffRoom, fifthA] } };
      if (method === 'GET' && url.startsWith(`${schoolPath}/members`)) {
        const query = new URL(url, 'http://localhost').searchParams;
        const role = query.get('role');
        const q = query.get('q')?.toLowerCase();
        const list = members.filter(
          (item) =>
            (!role || item.roles.includes(role as TMember['roles'][number])) &&
            (!q || item.displayName.toLowerCase().includes(q)) &&
            (query.get('pendingVerification') !== 'true' || item.verificationPending) &&
            (!query.get('classId') || item.classes.some((entry) => entry.id === query.get('classId'))),
        );
        return { status: 200, body: { members: list } };
      }
      const roles = /\/members\/([\w-]+)\/roles(?:\/(\w+))?$/.exec(url);
      const person = roles && members.find((item) => item.id === roles[1]);
      if (person && method === 'POST') person.roles.push((body as { role: TMember['roles'][number] }).role);
      if (person && method === 'DELETE') person.roles = person.roles.filter((role) => role !== roles[2]);
      if (person) return { status: 200, body: person };
      const verification = /\/members\/([\w-]+)\/verification$/.exec(url);
      const teacher = verification && members.find((item) => item.id === verification[1]);
      if (teacher && (method === 'POST' || method === 'DELETE')) {
        teacher.verifiedTeacher = method === 'POST';
        teacher.verificationPending = false;
        return { status: 200, body: teacher };
      }
      return undefined;
    }),
  );
}

const memberCalls = (calls: { url: string }[]) => calls.filter((call) => call.url.startsWith(`${schoolPath}/members`)).map((call) => call.url.slice(schoolPath.length));

setUpAppTests();

describe('people of the organization', () => {
  it('filters by role, class, name and «ожидают подтверждения», keeping the filters in the address', async () => {
    const calls = schoolServer();
    const { router } = renderApp('/organization/people');

    const list = await screen.findByRole('list', { name: 'Участники' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    const sections = screen.getByRole('navigation', { name: 'Разделы организации' });
    expect(within(sections).getByRole('link', { name: 'Люди' }).getAttribute('aria-current')).toBe('page');
    // Staff see «last seen» in words; contacts only where the server sent them.
    const anna = within(list).getByText('Анна Смирнова').closest('li')!;
    expect(within(anna).getByText('3 часа назад')).toBeTruthy();
    expect(within(anna).getByText('smirnova@school.ru')).toBeTruthy();
    expect(within(anna).getByText('ожидает подтверждения')).toBeTruthy();
    const boris = within(list).getByText('Борис Кузнецов').closest('li')!;
    expect(within(boris).getByText('учитель подтверждён')).toBeTruthy();
    expect(within(boris).queryByText('Эл. почта')).toBeNull();

    fireEvent.change(screen.getByLabelText('Роль'), { target: { value: 'teacher' } });
    await waitFor(() => expect(screen.getByText('Найдено: 2')).toBeTruthy());
    expect(router.state.location.search).toBe('?role=teacher');

    fireEvent.change(await screen.findByLabelText('Класс'), { target: { value: fifthA.id } });
    await waitFor(() => expect(screen.getByText('Найдено: 1')).toBeTruthy());
    expect(screen.getByText('Борис Кузнецов')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Класс'), { target: { value: '' } });

    fireEvent.change(screen.getByLabelText('Имя'), { target: { value: 'смир' } });
    await waitFor(() => expect(memberCalls(calls)).toContain('/members?role=teacher&q=%D1%81%D0%BC%D0%B8%D1%80'));
    await waitFor(() => expect(screen.getByText('Найдено: 1')).toBeTruthy());
    expect(screen.getByText('Анна Смирнова')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Имя'), { target: { value: '' } });

    fireEvent.click(screen.getByLabelText('Только ожидающие подтверждения'));
    await waitFor(() => expect(memberCalls(calls)).toContain('/members?role=teacher&pendingVerification=true'));
    await waitFor(() => expect(router.state.location.search).toBe('?role=teacher&pendingVerification=true'));
    await waitFor(() => expect(screen.queryByText('Борис Кузнецов')).toBeNull());
  });

  it('an administrator confirms a teacher’s status; the notice gets focus and the list updates', async () => {
    const calls = schoolServer();
    renderApp('/organization/people?pendingVerification=true');
    fireEvent.click(await screen.findByRole('button', { name: 'Подтвердить статус: Анна Смирнова' }));

    const notice = await screen.findByText('Статус учителя подтверждён: Анна Смирнова.');
    await waitFor(() => expect(document.activeElement).toBe(notice));
    expect(calls.find((call) => call.url.endsWith('/verification'))).toMatchObject({ method: 'POST', body: {} });
    // Refetched: she no longer waits for verification.
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Подтвердить статус: Анна Смирнова' })).toBeNull());
    expect(screen.getByText('Найдено: 0')).toBeTruthy();
  });

  it('a verified teacher’s confirmation is withdrawn only after «Снять подтверждение» is confirmed', async () => {
    const calls = schoolServer();
    renderApp('/organization/verification');
    const verified = await screen.findByRole('region', { name: 'Подтверждённые учителя' });
    const opener = await within(verified).findByRole('button', { name: 'Снять подтверждение: Борис Кузнецов' });
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Снять подтверждение: Борис Кузнецов?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Отмена' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отмена' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);

    fireEvent.click(opener);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Снять подтверждение' }));
    expect(await screen.findByText('Подтверждение снято: Борис Кузнецов.')).toBeTruthy();
    expect(calls.find((call) => call.method === 'DELETE')?.url).toMatch(/\/verification$/);
    await waitFor(() => expect(within(verified).getByText('Подтверждённых учителей пока нет.')).toBeTruthy());
  });

  it('an administrator gives a role and ends one (a student leaves)', async () => {
    const calls = schoolServer();
    renderApp('/organization/people');
    const opener = await screen.findByRole('button', { name: 'Роли: Анна Смирнова' });
    fireEvent.click(opener);
    let dialog = screen.getByRole('dialog', { name: 'Роли: Анна Смирнова' });
    expect(within(within(dialog).getByLabelText('Роль')).getAllByRole('option').map((option) => option.textContent)).toEqual(['администратор', 'руководитель']);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Назначить' }));
    expect(await screen.findByText('Анна Смирнова: назначена роль «администратор».')).toBeTruthy();
    expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/roles'))?.body).toEqual({ role: 'administrator' });

    fireEvent.click(screen.getByRole('button', { name: 'Роли: Петя Петров' }));
    dialog = screen.getByRole('dialog', { name: 'Роли: Петя Петров' });
    fireEvent.click(within(dialog).getByLabelText('Завершить роль'));
    expect(within(dialog).getByText(/прежние сообщения сохранятся/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Завершить роль' }));
    expect(await screen.findByText('Петя Петров: роль «обучающийся» завершена.')).toBeTruthy();
    expect(calls.find((call) => call.method === 'DELETE')?.url).toMatch(/\/roles\/student$/);
  });

  it('other staff read the list without administrator actions, and verification is not theirs', async () => {
    schoolServer(['teacher']);
    renderApp('/organization/people');
    expect(await screen.findByRole('list', { name: 'Участники' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Подтвердить статус/ })).toBeNull();
    const sections = screen.getByRole('navigation', { name: 'Разделы организации' });
    expect(within(sections).getAllByRole('link').map((link) => link.textContent)).toEqual(['Об организации', 'Классы', 'Люди', 'Приглашения', 'Заявки на вступление']);
  });
});
