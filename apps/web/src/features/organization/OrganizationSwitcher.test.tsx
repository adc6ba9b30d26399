// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubWebSocket } from '../../testing/fake-websocket';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';

const school = {
  id: '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9d',
  kind: 'school',
  name: 'МБОУ «Средняя общеобразовательная школа № 5»',
  shortName: 'Школа № 5',
  address: 'г. Тверь, ул. Советская, 5',
  parentId: null,
  myRoles: ['administrator', 'teacher'],
};
const centre = {
  id: '5d6e7f80-91a2-4b3c-9d4e-5f6a7b8c9d0e',
  kind: 'centre',
  name: 'МБУ ДО «Дом детского творчества»',
  shortName: 'Дом творчества',
  address: 'г. Тверь, пр. Ленина, 12',
  parentId: null,
  myRoles: ['parent'],
};
const storageKey = `parta.currentOrganization.${testMe.id}`;

function memberOf(organizations: unknown[]) {
  return stubFetch(({ url }) => {
    if (url === '/api/me') return { status: 200, body: testMe };
    if (url === '/api/organizations') return { status: 200, body: { organizations } };
    return undefined;
  });
}

beforeEach(() => {
  stubWebSocket();
  window.localStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('organization switcher', () => {
  it('lists the person’s organizations with role badges and remembers the choice', async () => {
    memberOf([school, centre]);
    renderApp('/organization');

    const toggle = await screen.findByRole('button', { name: 'Организация: Школа № 5' });
    expect(await screen.findByRole('heading', { level: 2, name: 'Школа № 5' })).toBeTruthy();
    expect(screen.getByText('МБОУ «Средняя общеобразовательная школа № 5»')).toBeTruthy();
    expect(screen.getByText('г. Тверь, ул. Советская, 5')).toBeTruthy();

    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const list = screen.getByRole('list', { name: 'Ваши организации' });
    const current = within(list).getByRole('button', { name: 'Школа № 5 ваши роли: администратор, педагог' });
    expect(current.getAttribute('aria-current')).toBe('true');
    expect(within(current).getByText('администратор').className).toBe('badge');
    const other = within(list).getByRole('button', { name: 'Дом творчества ваши роли: родитель' });
    expect(other.getAttribute('aria-current')).toBeNull();

    fireEvent.click(other);
    expect(screen.getByRole('button', { name: 'Организация: Дом творчества' })).toBe(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);
    expect(window.localStorage.getItem(storageKey)).toBe(centre.id);
    expect(screen.getByRole('heading', { level: 2, name: 'Дом творчества' })).toBeTruthy();
    expect(screen.getByText('Организация дополнительного образования')).toBeTruthy();
    expect(screen.getByText('г. Тверь, пр. Ленина, 12')).toBeTruthy();

    // Next visit on this device: the same organization.
    cleanup();
    renderApp('/organization');
    expect(await screen.findByRole('button', { name: 'Организация: Дом творчества' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: 'Дом творчества' })).toBeTruthy();
  });

  it('closes on Escape and falls back to the first organization when the remembered one is gone', async () => {
    window.localStorage.setItem(storageKey, '6e7f8091-a2b3-4c4d-8e5f-6a7b8c9d0e1f');
    memberOf([centre, school]);
    renderApp('/');
    const toggle = await screen.findByRole('button', { name: 'Организация: Дом творчества' });
    fireEvent.click(toggle);
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);
  });

  it('without organizations there is no switcher, and the page says how to get access', async () => {
    memberOf([]);
    renderApp('/organization');
    expect(await screen.findByRole('heading', { level: 2, name: 'Вы пока не состоите ни в одной организации' })).toBeTruthy();
    expect(screen.getByText(/попросите у его администратора ссылку-приглашение/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Зарегистрировать организацию' }).getAttribute('href')).toBe('/register');
    expect(screen.queryByRole('button', { name: /^Организация:/ })).toBeNull();
  });
});
