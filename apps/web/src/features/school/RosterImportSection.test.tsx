// @vitest-environment jsdom
import type { TRosterImportResult } from '@parta/contracts';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeXMLHttpRequest, stubXhr } from '../../testing/fake-xhr';
import { setUpAppTests } from '../../testing/app-test-setup';
import { renderApp, stubFetch } from '../../testing/render-app';
import { schoolPath, schoolWithRoles, signedInTo } from '../../testing/school-fixtures';

const withErrors: TRosterImportResult = {
  mode: 'preview',
  applied: false,
  rows: [
    { line: 2, className: '5А', role: 'student', displayName: 'Петя Петров', action: 'create', errors: [] },
    { line: 3, className: '5А', role: null, displayName: 'Маша Иванова', action: 'error', errors: ['Роль: ожидается student, parent, teacher или class_teacher'] },
    { line: 4, className: '5Б', role: 'parent', displayName: 'Ольга Петрова', action: 'update', errors: [] },
  ],
  summary: { classesToCreate: ['5Б'], create: 1, update: 1, unchanged: 0, errors: 1 },
};
const clean: TRosterImportResult = {
  mode: 'preview',
  applied: false,
  rows: [
    { line: 2, className: '5А', role: 'student', displayName: 'Петя Петров', action: 'create', errors: [] },
    { line: 3, className: '5А', role: 'class_teacher', displayName: 'Анна Смирнова', action: 'unchanged', errors: [] },
  ],
  summary: { classesToCreate: [], create: 1, update: 0, unchanged: 1, errors: 0 },
};

/** Chooses a file and returns the request it started (the mutation sends it a moment later). */
async function chooseFile(name: string, text = 'class,role,name\n5А,student,Петя Петров\n') {
  const sentBefore = FakeXMLHttpRequest.instances.length;
  fireEvent.change(screen.getByLabelText('CSV-файл со списком'), { target: { files: [new File([text], name, { type: 'text/csv' })] } });
  await waitFor(() => expect(FakeXMLHttpRequest.instances).toHaveLength(sentBefore + 1));
  return FakeXMLHttpRequest.latest();
}

setUpAppTests();
beforeEach(() => {
  stubXhr();
  stubFetch(signedInTo(schoolWithRoles(['administrator'])));
});

describe('roster import', () => {
  it('previews a file with errors first and does not let it be loaded', async () => {
    renderApp('/organization/import');
    expect((await screen.findByRole('link', { name: 'Скачать образец файла' })).getAttribute('href')).toBe('/roster-sample.csv');

    const request = await chooseFile('5a.csv');
    expect(request.url).toBe(`${schoolPath}/roster-imports?mode=preview`);
    expect(request.headers['content-type']).toBe('text/csv');
    expect(screen.getByText('Проверяем файл…').getAttribute('role')).toBe('status');
    act(() => request.serverRespond(200, withErrors));

    const table = await screen.findByRole('table', { name: 'Строки файла (сначала строки с ошибками)' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual(['3', '2', '4']);
    expect(rows[0]!.className).toBe('data-table__row--error');
    expect(within(rows[0]!).getByText('Роль: ожидается student, parent, teacher или class_teacher')).toBeTruthy();
    expect(within(rows[2]!).getByText('родитель')).toBeTruthy();
    expect(screen.getByText('Новые классы').nextElementSibling?.textContent).toBe('5Б');

    const apply = screen.getByRole('button', { name: 'Загрузить' });
    expect(apply).toHaveProperty('disabled', true);
    expect(document.getElementById(apply.getAttribute('aria-describedby')!)?.textContent).toMatch(/^Ошибок в файле: 1\./);
    expect(FakeXMLHttpRequest.instances).toHaveLength(1);
  });

  it('loads a clean file after the preview and says what was done', async () => {
    const { queryClient } = renderApp('/organization/import');
    await screen.findByLabelText('CSV-файл со списком');
    const preview = await chooseFile('5a.csv');
    act(() => preview.serverRespond(200, clean));

    const apply = await screen.findByRole('button', { name: 'Загрузить' });
    expect(apply).toHaveProperty('disabled', false);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    fireEvent.click(apply);
    await waitFor(() => expect(FakeXMLHttpRequest.instances).toHaveLength(2));
    const request = FakeXMLHttpRequest.latest();
    expect(request.url).toBe(`${schoolPath}/roster-imports?mode=apply`);
    // The same file goes again, as it is.
    expect((request.body as File).name).toBe('5a.csv');
    act(() => request.serverRespond(200, { ...clean, mode: 'apply', applied: true }));

    const notice = await screen.findByText('Список загружен: добавлено 1, обновлено 0, без изменений 1.');
    await waitFor(() => expect(document.activeElement).toBe(notice));
    expect(screen.queryByRole('table')).toBeNull();
    expect(invalidate).toHaveBeenCalled();
  });

  it('shows the server’s explanation of a file it cannot read', async () => {
    renderApp('/organization/import');
    await screen.findByLabelText('CSV-файл со списком');
    const request = await chooseFile('windows-1251.csv');
    act(() => request.serverRespond(400, { error: { code: 'validation_failed', message: 'Файл не в кодировке UTF-8. Сохраните его как «CSV UTF-8» и выберите снова.' } }));
    expect((await screen.findByRole('alert')).textContent).toBe('Файл не в кодировке UTF-8. Сохраните его как «CSV UTF-8» и выберите снова.');
    expect(screen.queryByRole('button', { name: 'Загрузить' })).toBeNull();
  });

  it('is only for administrators', async () => {
    stubFetch(signedInTo(schoolWithRoles(['teacher'])));
    renderApp('/organization/import');
    expect(await screen.findByRole('heading', { level: 1, name: 'Страница не найдена' })).toBeTruthy();
  });
});
