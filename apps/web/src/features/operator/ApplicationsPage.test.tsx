// @vitest-environment jsdom
import type { TApplication } from '@parta/contracts';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubWebSocket } from '../../testing/fake-websocket';
import { renderApp, stubFetch, testMe } from '../../testing/render-app';

const operator = { ...testMe, isOperator: true };
const region = { id: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d', kind: 'region', shortName: 'Минобр Тверской области', name: 'Министерство образования Тверской области' };
const municipality = { id: '3b4c5d6e-7f80-4b9c-8d1e-2f3a4b5c6d7e', kind: 'municipality', shortName: 'Управление образования г. Твери', name: 'Управление образования администрации города Твери' };

function application(overrides: { id: string; kind: TApplication['organization']['kind']; shortName: string; inn: string; adminName: string }): TApplication {
  return {
    id: overrides.id,
    status: 'pending',
    organization: {
      kind: overrides.kind,
      name: `Полное название: ${overrides.shortName}`,
      shortName: overrides.shortName,
      inn: overrides.inn,
      address: 'г. Тверь, ул. Советская, 5',
      parentName: 'Управление образования г. Твери',
    },
    administrator: { fullName: overrides.adminName, phone: '+79001234567', email: 'admin@school.test' },
    order: { name: 'prikaz.pdf', contentType: 'application/pdf', size: 250 * 1024 },
    submittedAt: '2026-03-05T10:20:00.000Z',
    reviewedAt: null,
    rejectionReason: null,
    organizationId: null,
  };
}

const school = application({ id: '0c9e8a52-6a3e-4c1f-9b7d-2f4e5a6b7c81', kind: 'school', shortName: 'Школа № 5', inn: '6950000001', adminName: 'Иванова Мария Сергеевна' });
const college = application({ id: '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5', kind: 'college', shortName: 'Тверской колледж', inn: '6950000002', adminName: 'Петров Иван Андреевич' });

/** A small fake of the operator's API that remembers decisions, like the real one. */
function operatorServer() {
  const applications = [structuredClone(school), structuredClone(college)];
  return stubFetch(({ method, url, body }) => {
    if (url === '/api/me') return { status: 200, body: operator };
    if (url === '/api/organizations') return { status: 200, body: { organizations: [] } };
    if (url === '/api/operator/authorities') return { status: 200, body: { organizations: [region, municipality] } };
    const list = /^\/api\/operator\/applications\?status=(\w+)$/.exec(url);
    if (method === 'GET' && list) return { status: 200, body: { applications: applications.filter((item) => item.status === list[1]) } };
    const decision = /^\/api\/operator\/applications\/([\w-]+)\/(approve|reject)$/.exec(url);
    const decided = decision && applications.find((item) => item.id === decision[1]);
    if (method === 'POST' && decided) {
      decided.status = decision[2] === 'approve' ? 'approved' : 'rejected';
      decided.reviewedAt = '2026-03-06T09:00:00.000Z';
      if (decision[2] === 'reject') decided.rejectionReason = (body as { reason: string }).reason;
      return { status: 200, body: decided };
    }
    return undefined;
  });
}

function describedByText(element: HTMLElement): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

beforeEach(() => {
  stubWebSocket();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the operator’s queue of registration requests', () => {
  it('lists pending requests, shows one in full and approves it under a chosen authority', async () => {
    const calls = operatorServer();
    renderApp('/operator/applications');

    const sections = await screen.findByRole('navigation', { name: 'Разделы' });
    expect(within(sections).getByRole('link', { name: 'Заявки на регистрацию' }).getAttribute('aria-current')).toBe('page');
    const filter = screen.getByRole('navigation', { name: 'Какие заявки показать' });
    expect(within(filter).getByRole('link', { name: 'Ожидают решения' }).getAttribute('aria-current')).toBe('page');

    const schoolLink = await screen.findByRole('link', { name: 'Школа № 5' });
    const card = schoolLink.closest('li')!;
    expect(within(card).getByText('Школа')).toBeTruthy();
    expect(within(card).getByText('6950000001')).toBeTruthy();
    expect(within(card).getByText('Иванова Мария Сергеевна')).toBeTruthy();
    expect(within(card).getByText(/2026/).getAttribute('datetime')).toBe(school.submittedAt);
    expect(screen.getByRole('link', { name: 'Тверской колледж' })).toBeTruthy();
    expect(calls.some((call) => call.url === '/api/operator/applications?status=pending')).toBe(true);

    fireEvent.click(schoolLink);
    const heading = await screen.findByRole('heading', { level: 2, name: 'Школа № 5' });
    // Focus moves to it in an effect after the render that shows it.
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByText('Полное название: Школа № 5')).toBeTruthy();
    expect(screen.getByText('г. Тверь, ул. Советская, 5')).toBeTruthy();
    expect(screen.getByText('admin@school.test')).toBeTruthy();
    const scan = screen.getByRole('link', { name: 'Открыть скан приказа (откроется в новой вкладке)' });
    expect(scan.getAttribute('href')).toBe(`/api/operator/applications/${school.id}/order`);
    expect(scan.getAttribute('target')).toBe('_blank');

    const parent = screen.getByLabelText<HTMLSelectElement>('Вышестоящий орган в Парте');
    expect(describedByText(parent)).toContain('Заявитель указал: «Управление образования г. Твери»');
    await within(parent).findByRole('option', { name: 'Управление образования г. Твери (Муниципальный орган управления образованием)' });
    fireEvent.change(parent, { target: { value: municipality.id } });
    fireEvent.click(screen.getByRole('button', { name: 'Одобрить' }));

    const notice = await screen.findByText('Заявка «Школа № 5» одобрена: организация создана, администратор получил доступ.');
    expect(calls.find((call) => call.url === `/api/operator/applications/${school.id}/approve`)?.body).toEqual({ parentOrganizationId: municipality.id });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Школа № 5' })).toBeNull());
    expect(screen.getByRole('link', { name: 'Тверской колледж' })).toBeTruthy();
    // Focus moves to the notice in an effect after it renders.
    await waitFor(() => expect(document.activeElement).toBe(notice));

    fireEvent.click(within(filter).getByRole('link', { name: 'Одобренные' }));
    expect(await screen.findByRole('link', { name: 'Школа № 5' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Тверской колледж' })).toBeNull();
  });

  it('rejects a request only with a reason, which is sent to the server', async () => {
    const calls = operatorServer();
    renderApp(`/operator/applications?status=pending&id=${college.id}`);
    const rejectButton = await screen.findByRole('button', { name: 'Отклонить' });
    // A college may sit under a municipality or a region.
    const parent = screen.getByLabelText('Вышестоящий орган в Парте');
    await within(parent).findByRole('option', { name: 'Минобр Тверской области (Региональный орган управления образованием)' });

    fireEvent.click(rejectButton);
    let dialog = screen.getByRole('dialog', { name: 'Отклонить заявку «Тверской колледж»' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    let reason = within(dialog).getByLabelText('Причина отказа');
    expect(document.activeElement).toBe(reason);
    expect(describedByText(reason)).toContain('Заявитель получит её по электронной почте.');

    fireEvent.keyDown(reason, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(rejectButton);

    fireEvent.click(rejectButton);
    dialog = screen.getByRole('dialog', { name: 'Отклонить заявку «Тверской колледж»' });
    reason = within(dialog).getByLabelText('Причина отказа');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отклонить заявку' }));
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    expect(describedByText(reason)).toContain('Укажите причину: не меньше 5 символов.');
    expect(calls.some((call) => call.url.endsWith('/reject'))).toBe(false);

    fireEvent.change(reason, { target: { value: '  Приказ не подписан руководителем.\nПришлите подписанный скан.  ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отклонить заявку' }));

    const notice = await screen.findByText('Заявка «Тверской колледж» отклонена; заявителю отправлено письмо с причиной.');
    expect(calls.find((call) => call.url === `/api/operator/applications/${college.id}/reject`)?.body).toEqual({
      reason: 'Приказ не подписан руководителем.\nПришлите подписанный скан.',
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Тверской колледж' })).toBeNull());
    expect(screen.getByRole('link', { name: 'Школа № 5' })).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(notice));

    // The decision is on record under «Отклонённые», reason included.
    fireEvent.click(screen.getByRole('link', { name: 'Отклонённые' }));
    fireEvent.click(await screen.findByRole('link', { name: 'Тверской колледж' }));
    expect(await screen.findByText(/^Приказ не подписан руководителем\./)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Одобрить' })).toBeNull();
  });

  it('when another operator decided first, says so and takes the request off the pending list', async () => {
    let decidedElsewhere = false;
    const calls = stubFetch(({ method, url }) => {
      if (url === '/api/me') return { status: 200, body: operator };
      if (url === '/api/organizations') return { status: 200, body: { organizations: [] } };
      if (url === '/api/operator/authorities') return { status: 200, body: { organizations: [region, municipality] } };
      if (method === 'GET' && url === '/api/operator/applications?status=pending') return { status: 200, body: { applications: decidedElsewhere ? [college] : [school, college] } };
      if (method === 'POST' && url.endsWith('/approve')) {
        decidedElsewhere = true;
        return { status: 409, body: { error: { code: 'conflict', message: 'Decided already' } } };
      }
      return undefined;
    });
    renderApp(`/operator/applications?status=pending&id=${school.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Одобрить' }));

    expect(await screen.findByText('Заявки нет в этом списке: возможно, по ней уже приняли решение.')).toBeTruthy();
    expect(calls.filter((call) => call.url === '/api/operator/applications?status=pending')).toHaveLength(2);
    fireEvent.click(screen.getByRole('link', { name: 'Все заявки' }));
    expect(await screen.findByRole('link', { name: 'Тверской колледж' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Школа № 5' })).toBeNull();
  });

  it('is neither in the menu nor reachable for anyone but the operator', async () => {
    const calls = stubFetch(({ url }) => (url === '/api/me' ? { status: 200, body: testMe } : undefined));
    renderApp('/operator/applications');
    expect(await screen.findByRole('heading', { level: 1, name: 'Страница не найдена' })).toBeTruthy();
    const sections = screen.getByRole('navigation', { name: 'Разделы' });
    expect(within(sections).queryByRole('link', { name: 'Заявки на регистрацию' })).toBeNull();
    expect(calls.some((call) => call.url.startsWith('/api/operator'))).toBe(false);
  });
});
