// @vitest-environment jsdom
import type { TClassDetail, TMember, TRole } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { renderApp, stubFetch } from '../../testing/render-app';
import { member, routes, schoolClass, schoolPath, schoolWithRoles, signedInTo } from '../../testing/school-fixtures';

const fifthB = schoolClass({ name: '5Б' });
const teacherRef = { id: 'b0000000-0000-4000-8000-00000000aaaa', displayName: 'Анна Смирнова', verifiedTeacher: true };
const fifthA = schoolClass({ name: '5А', classTeachers: [teacherRef], studentCount: 1, myPlaces: ['parent'], myChildren: [] });
const place = (entry: TMember['classes'][number]['place']) => [{ id: fifthA.id, name: '5А', place: entry }];

/** The roster as the server sends it: contacts only when `withContacts` (an administrator asks). */
function roster(withContacts: boolean): TClassDetail {
  const contacts = (email: string) => (withContacts ? { email } : {});
  const parentRef = { id: 'b0000000-0000-4000-8000-00000000cccc', displayName: 'Ольга Петрова', verifiedTeacher: false };
  const studentRef = { id: 'b0000000-0000-4000-8000-00000000bbbb', displayName: 'Петя Петров', verifiedTeacher: false };
  return {
    class: fifthA,
    members: [
      member({ ...teacherRef, roles: ['teacher'], classes: place('class_teacher'), lastSeenAt: new Date(Date.now() - 3 * 3600 * 1000 - 60_000).toISOString(), ...contacts('smirnova@school.ru') }),
      member({ ...studentRef, roles: ['student'], classes: place('student'), parents: [parentRef], ...(withContacts ? { guardianEmail: 'petrova@mail.ru' } : {}) }),
      member({ ...parentRef, roles: ['parent'], classes: place('parent'), children: [studentRef], ...contacts('petrova@mail.ru') }),
    ],
  };
}

function classServer(roles: TRole[]) {
  const isAdmin = roles.includes('administrator');
  return stubFetch(
    routes(signedInTo(schoolWithRoles(roles)), ({ method, url, body }) => {
      if (method === 'GET' && url === `${schoolPath}/classes/${fifthA.id}`) return { status: 200, body: roster(isAdmin) };
      if (method === 'GET' && url === `${schoolPath}/classes`) return { status: 200, body: { classes: [fifthA, fifthB, schoolClass({ name: '7В' })] } };
      if (method === 'POST' && url.endsWith('/movement')) return { status: 200, body: roster(true).members[1] };
      if (method === 'DELETE' && url.includes('/children/')) return { status: 200, body: { ...roster(true).members[2], children: [] } };
      if (method === 'POST' && url === `${schoolPath}/students`) return { status: 201, body: member({ displayName: (body as { displayName: string }).displayName, roles: ['student'] }) };
      return undefined;
    }),
  );
}

setUpAppTests();

describe('a class page', () => {
  it('shows a parent the roster in groups with badges and «last seen», and no contacts', async () => {
    classServer(['parent']);
    renderApp(`/organization/classes/${fifthA.id}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Класс 5А' })).toBeTruthy();

    const classTeachers = screen.getByRole('region', { name: /Классные руководители/ });
    expect(within(classTeachers).getByText('Анна Смирнова')).toBeTruthy();
    expect(within(classTeachers).getByText('учитель подтверждён')).toBeTruthy();
    expect(within(classTeachers).getByText('3 часа назад')).toBeTruthy();
    expect(within(classTeachers).getByText(/был\(а\) в сети/)).toBeTruthy();
    const students = screen.getByRole('region', { name: /Обучающиеся/ });
    expect(within(students).getByText('Петя Петров')).toBeTruthy();
    expect(within(students).getByText(/Родители/).textContent).toBe('Родители: Ольга Петрова');
    const parents = screen.getByRole('region', { name: /^Родители/ });
    expect(within(parents).getByText('Дети', { exact: false }).textContent).toBe('Дети: Петя Петров');

    // Privacy: the server sent no contacts, so nothing of the kind is shown.
    expect(screen.queryByText('Эл. почта')).toBeNull();
    expect(screen.queryByText('Телефон')).toBeNull();
    expect(document.querySelector('a[href^="mailto:"], a[href^="tel:"]')).toBeNull();
    expect(screen.queryByRole('button', { name: /Движение/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Добавить ученика' })).toBeNull();
    expect(within(screen.getByRole('main')).getByRole('link', { name: /Мои классы/ }).getAttribute('href')).toBe('/my-classes');
  });

  it('shows an administrator the contacts the server gives them', async () => {
    classServer(['administrator']);
    renderApp(`/organization/classes/${fifthA.id}`);
    expect((await screen.findByRole('link', { name: 'smirnova@school.ru' })).getAttribute('href')).toBe('mailto:smirnova@school.ru');
    expect(screen.getByText('Эл. почта родителя (для входа)')).toBeTruthy();
  });

  it('transfers a student to another class after a confirmation', async () => {
    const calls = classServer(['administrator']);
    renderApp(`/organization/classes/${fifthA.id}`);
    const opener = await screen.findByRole('button', { name: 'Движение: Петя Петров' });
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Движение: Петя Петров' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Подтвердить' }));
    expect(await within(dialog).findByText('Выберите класс, в который переводится ученик.')).toBeTruthy();

    const target = within(dialog).getByLabelText('В какой класс');
    await within(dialog).findByRole('option', { name: '5Б' });
    expect(within(target).queryByRole('option', { name: '5А' })).toBeNull();
    fireEvent.change(target, { target: { value: fifthB.id } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Подтвердить' }));

    const notice = await screen.findByText('Петя Петров переведён(а) в класс 5Б.');
    await waitFor(() => expect(document.activeElement).toBe(notice));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.find((call) => call.url.endsWith('/movement'))?.body).toEqual({ kind: 'transfer', classId: fifthB.id });
  });

  it('unlinks a parent from a child after a confirmation', async () => {
    const calls = classServer(['administrator']);
    renderApp(`/organization/classes/${fifthA.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Отвязать родителя: Петя Петров' }));
    const dialog = screen.getByRole('dialog', { name: 'Отвязать родителя от ученика: Петя Петров' });
    expect((within(dialog).getByLabelText('Родитель') as HTMLSelectElement).value).toBe('b0000000-0000-4000-8000-00000000cccc');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отвязать' }));
    expect(await screen.findByText('Ольга Петрова больше не привязан(а) к ученику Петя Петров.')).toBeTruthy();
    expect(calls.find((call) => call.method === 'DELETE')?.url).toBe(`${schoolPath}/members/b0000000-0000-4000-8000-00000000cccc/children/b0000000-0000-4000-8000-00000000bbbb`);
  });

  it('adds a young student who signs in through a parent’s e-mail', async () => {
    const calls = classServer(['administrator']);
    renderApp(`/organization/classes/${fifthA.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Добавить ученика' }));
    const dialog = screen.getByRole('dialog', { name: 'Добавить ученика в класс 5А' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Фамилия и имя'));
    fireEvent.change(within(dialog).getByLabelText('Фамилия и имя'), { target: { value: 'Вова Сидоров' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Добавить' }));
    expect(await within(dialog).findByText(/Укажите почту или телефон ученика/)).toBeTruthy();

    fireEvent.click(within(dialog).getByLabelText('Младший школьник без своей почты и телефона'));
    expect(within(dialog).queryByLabelText('Электронная почта ученика')).toBeNull();
    fireEvent.change(within(dialog).getByLabelText('Электронная почта родителя'), { target: { value: 'sidorova@mail.ru' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Добавить' }));

    expect(await screen.findByText('Вова Сидоров теперь в классе 5А.')).toBeTruthy();
    expect(calls.find((call) => call.url === `${schoolPath}/students`)?.body).toEqual({ displayName: 'Вова Сидоров', classId: fifthA.id, guardianEmail: 'sidorova@mail.ru' });
  });
});

describe('«Мои классы»', () => {
  it('lists a parent’s classes with their children, and is in the menu', async () => {
    const child = { id: 'b0000000-0000-4000-8000-00000000bbbb', displayName: 'Петя Петров', verifiedTeacher: false };
    stubFetch(
      routes(signedInTo(schoolWithRoles(['parent'])), ({ url }) =>
        url === `${schoolPath}/classes` ? { status: 200, body: { classes: [{ ...fifthA, myPlaces: ['child'], myChildren: [child] }, fifthB] } } : undefined,
      ),
    );
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Разделы' });
    fireEvent.click(await within(nav).findByRole('link', { name: 'Мои классы' }));
    const link = await screen.findByRole('link', { name: '5А' });
    expect(link.getAttribute('href')).toBe(`/organization/classes/${fifthA.id}`);
    const card = link.closest('li')!;
    expect(within(card).getByText('Ваши дети')).toBeTruthy();
    expect(within(card).getByText('Петя Петров')).toBeTruthy();
    expect(screen.queryByRole('link', { name: '5Б' })).toBeNull();
  });
});
