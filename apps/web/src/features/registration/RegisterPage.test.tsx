// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeXMLHttpRequest, stubXhr } from '../../testing/fake-xhr';
import { renderApp, stubFetch, type FakeRoute } from '../../testing/render-app';

const signedOut = { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in' } } };
const uploadToken = 'upl_0123456789abcdefghijklmnopqrstuv';
const applicationId = '0c9e8a52-6a3e-4c1f-9b7d-2f4e5a6b7c81';

beforeEach(() => {
  stubXhr();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The anonymous visitor's server: /api/me says nobody is signed in; `more` answers the rest. */
function anonymousServer(more: FakeRoute = () => undefined) {
  return stubFetch((request) => (request.url === '/api/me' ? signedOut : more(request)));
}

function describedByText(element: HTMLElement): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

function field(label: string): HTMLInputElement {
  return screen.getByLabelText(label);
}

async function fillInTheForm() {
  fireEvent.change(await screen.findByLabelText('Тип организации'), { target: { value: 'school' } });
  fireEvent.change(field('Полное название'), { target: { value: 'МБОУ «Средняя общеобразовательная школа № 5»' } });
  fireEvent.change(field('Краткое название'), { target: { value: 'Школа № 5' } });
  fireEvent.change(field('ИНН'), { target: { value: '6950000001' } });
  fireEvent.change(field('Адрес'), { target: { value: 'г. Тверь, ул. Советская, 5' } });
  fireEvent.change(field('ФИО'), { target: { value: 'Иванова Мария Сергеевна' } });
  fireEvent.change(field('Мобильный телефон'), { target: { value: '+7 900 123-45-67' } });
  fireEvent.change(field('Электронная почта'), { target: { value: ' ivanova@school5.ru ' } });
}

function chooseFile(file: File) {
  fireEvent.change(field('Скан приказа'), { target: { files: [file] } });
}

async function uploadScan() {
  const scan = new File(['%PDF-1.7 приказ'], 'prikaz.pdf', { type: 'application/pdf' });
  chooseFile(scan);
  const request = FakeXMLHttpRequest.latest();
  act(() => request.serverRespond(201, { uploadToken, name: 'prikaz.pdf', contentType: 'application/pdf', size: scan.size }));
  await screen.findByText(/^Файл загружен: «prikaz\.pdf»/);
}

describe('registration of an organization', () => {
  it('is public and linked from the sign-in page', async () => {
    anonymousServer();
    const { router } = renderApp('/sign-in');
    fireEvent.click(await screen.findByRole('link', { name: 'Зарегистрировать организацию' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Регистрация организации' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/register');
    expect(document.title).toBe('Регистрация организации — Парта');
    const kinds = [...screen.getByLabelText<HTMLSelectElement>('Тип организации').options].map((option) => option.textContent);
    expect(kinds).toEqual([
      'Выберите тип',
      'Региональный орган управления образованием',
      'Муниципальный орган управления образованием',
      'Школа',
      'Колледж (СПО)',
      'Организация дополнительного образования',
    ]);
  });

  it('uploads the scan as soon as it is chosen, showing progress, then its name and size', async () => {
    document.cookie = 'parta_csrf=csrf-upload';
    anonymousServer();
    renderApp('/register');
    const scan = new File(['%PDF-1.7 twelve'], 'prikaz.pdf', { type: 'application/pdf' });
    fireEvent.change(await screen.findByLabelText('Скан приказа'), { target: { files: [scan] } });

    const request = FakeXMLHttpRequest.latest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/uploads?purpose=appointment_order&name=prikaz.pdf');
    expect(request.headers['content-type']).toBe('application/pdf');
    expect(request.headers['x-csrf-token']).toBe('csrf-upload');
    expect(request.body).toBe(scan);
    expect(describedByText(field('Скан приказа'))).toContain('Загружаем файл «prikaz.pdf»…');

    act(() => request.serverProgress(5, 20));
    const progress = screen.getByRole('progressbar', { name: 'Загрузка файла' });
    expect(progress.getAttribute('value')).toBe('25');
    act(() => request.serverRespond(201, { uploadToken, name: 'prikaz.pdf', contentType: 'application/pdf', size: 2_621_440 }));

    const status = await screen.findByText(/^Файл загружен: «prikaz\.pdf», 2,5\sМБ\.$/);
    expect(status.getAttribute('role')).toBe('status');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('refuses a wrong file type before uploading, and explains the server refusing one too', async () => {
    anonymousServer();
    renderApp('/register');
    const input = await screen.findByLabelText('Скан приказа');

    chooseFile(new File(['just text'], 'notes.txt', { type: 'text/plain' }));
    expect(await screen.findByText('Файл «notes.txt» не подходит: нужен PDF, JPEG или PNG.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(describedByText(input)).toContain('не подходит');
    expect(FakeXMLHttpRequest.instances).toHaveLength(0);

    const huge = new File(['%PDF'], 'big.pdf', { type: 'application/pdf' });
    Object.defineProperty(huge, 'size', { value: 11 * 1024 * 1024 });
    chooseFile(huge);
    expect((await screen.findByText(/^Файл «big\.pdf» слишком большой/)).textContent).toMatch(/можно не больше 10\sМБ\.$/);
    expect(FakeXMLHttpRequest.instances).toHaveLength(0);

    // The name says JPEG, the content does not: only the server can tell. An unlisted type
    // label is not sent as such (the server would refuse the label, not the content).
    chooseFile(new File(['MZ executable'], 'scan.jpg', { type: 'image/pjpeg' }));
    expect(FakeXMLHttpRequest.latest().headers['content-type']).toBe('application/octet-stream');
    act(() => FakeXMLHttpRequest.latest().serverRespond(415, { error: { code: 'unsupported_media_type', message: 'Unsupported' } }));
    expect(await screen.findByText('Файл «scan.jpg» не подходит: нужен PDF, JPEG или PNG.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(FakeXMLHttpRequest.instances).toHaveLength(1);
  });

  it('checks the fields before sending and puts focus on the first invalid one', async () => {
    const calls = anonymousServer();
    renderApp('/register');
    await fillInTheForm();
    fireEvent.change(field('ИНН'), { target: { value: '12345' } });
    fireEvent.click(screen.getByRole('button', { name: 'Отправить заявку' }));

    const inn = field('ИНН');
    expect(document.activeElement).toBe(inn);
    expect(inn.getAttribute('aria-invalid')).toBe('true');
    expect(describedByText(inn)).toContain('ИНН организации — 10 цифр.');
    expect(describedByText(field('Скан приказа'))).toContain('Приложите скан приказа о назначении администратора.');
    expect(field('Краткое название').getAttribute('aria-invalid')).toBeNull();
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);

    fireEvent.change(inn, { target: { value: '6950000001' } });
    expect(inn.getAttribute('aria-invalid')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Отправить заявку' }));
    expect(document.activeElement).toBe(field('Скан приказа'));
  });

  it('shows the server’s field errors at their fields, focuses the first, then sends and confirms', async () => {
    let attempts = 0;
    const calls = anonymousServer(({ method, url }) => {
      if (method !== 'POST' || url !== '/api/registration-applications') return undefined;
      attempts += 1;
      if (attempts === 1) {
        return {
          status: 400,
          body: {
            error: {
              code: 'validation_failed',
              message: 'Проверьте данные',
              // Listed e-mail first: focus must still go to the first field on the page.
              fields: { 'administrator.email': 'На этот адрес уже подана заявка', 'organization.inn': 'Заявка с этим ИНН уже ожидает решения' },
            },
          },
        };
      }
      return { status: 201, body: { id: applicationId, status: 'pending' } };
    });
    renderApp('/register');
    await fillInTheForm();
    await uploadScan();
    fireEvent.click(screen.getByRole('button', { name: 'Отправить заявку' }));

    const inn = field('ИНН');
    await waitFor(() => expect(document.activeElement).toBe(inn));
    expect(inn.getAttribute('aria-invalid')).toBe('true');
    expect(describedByText(inn)).toContain('Заявка с этим ИНН уже ожидает решения');
    const email = field('Электронная почта');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(describedByText(email)).toContain('На этот адрес уже подана заявка');
    expect(field('Полное название').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText('Заявка не отправлена: исправьте отмеченные поля.')).toBeTruthy();

    const sent = calls.find((call) => call.url === '/api/registration-applications');
    expect(sent?.body).toEqual({
      organization: {
        kind: 'school',
        name: 'МБОУ «Средняя общеобразовательная школа № 5»',
        shortName: 'Школа № 5',
        inn: '6950000001',
        address: 'г. Тверь, ул. Советская, 5',
      },
      administrator: { fullName: 'Иванова Мария Сергеевна', phone: '+7 900 123-45-67', email: 'ivanova@school5.ru' },
      orderUploadToken: uploadToken,
    });

    fireEvent.change(inn, { target: { value: '6950000002' } });
    fireEvent.change(email, { target: { value: 'director@school5.ru' } });
    fireEvent.change(field('Вышестоящий орган (необязательно)'), { target: { value: 'Управление образования г. Твери' } });
    fireEvent.click(screen.getByRole('button', { name: 'Отправить заявку' }));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Заявка отправлена' });
    // Focus moves to it once it is on the page (an effect after the render that shows it).
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByText(/Ответ придёт на director@school5\.ru\./)).toBeTruthy();
    expect(document.title).toBe('Заявка отправлена — Парта');
    const second = calls.filter((call) => call.url === '/api/registration-applications')[1];
    expect(second?.body).toMatchObject({
      organization: { inn: '6950000002', parentName: 'Управление образования г. Твери' },
      administrator: { email: 'director@school5.ru' },
      orderUploadToken: uploadToken,
    });
  });

  it('shows a server error about the upload at the file field', async () => {
    anonymousServer(({ url }) =>
      url === '/api/registration-applications'
        ? { status: 400, body: { error: { code: 'validation_failed', message: 'x', fields: { orderUploadToken: 'Файл уже использован в другой заявке' } } } }
        : undefined,
    );
    renderApp('/register');
    await fillInTheForm();
    await uploadScan();
    fireEvent.click(screen.getByRole('button', { name: 'Отправить заявку' }));
    const input = field('Скан приказа');
    await waitFor(() => expect(document.activeElement).toBe(input));
    expect(describedByText(input)).toContain('Файл уже использован в другой заявке');
  });
});
