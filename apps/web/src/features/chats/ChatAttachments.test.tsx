// @vitest-environment jsdom
import type { TAttachment } from '@parta/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { chat, me, message, stubLayout, withLast } from '../../testing/chat-fixtures';
import { chatServer } from '../../testing/chat-server';
import { FakeXMLHttpRequest, stubXhr } from '../../testing/fake-xhr';
import { renderApp, testMe } from '../../testing/render-app';

setUpAppTests();
beforeEach(() => {
  stubLayout();
  stubXhr();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());

const token = (name: string) => `token-${name}-${'x'.repeat(30)}`;

function attachment(overrides: Partial<TAttachment> & Pick<TAttachment, 'kind' | 'name' | 'contentType'>): TAttachment {
  const id = crypto.randomUUID();
  return { id, size: 2 * 1024 * 1024, url: `/api/attachments/${id}`, previewUrl: null, ...overrides };
}

describe('attachments in the composer', () => {
  it('uploads each file at once with progress, shows a 415 in words, and sends the tokens in order', async () => {
    const group = chat({ title: '5А — физика' });
    const plan = attachment({ kind: 'file', name: 'план.pdf', contentType: 'application/pdf', size: 120 * 1024 });
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url, body }) => {
      if (method !== 'POST' || url !== `/api/chats/${group.id}/messages`) return undefined;
      const { clientId, text } = body as { clientId: string; text: string };
      return { status: 201, body: message(group, { seq: 1, author: me, clientId, text, attachments: [plan] }) };
    });
    renderApp(`/chats/${group.id}`);
    const box = await screen.findByLabelText('Сообщение');

    // «Прикрепить файл» opens the (hidden) file input; choosing files starts their uploads.
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    const clickInput = vi.spyOn(input, 'click');
    fireEvent.click(screen.getByRole('button', { name: 'Прикрепить файл' }));
    expect(clickInput).toHaveBeenCalled();
    expect(input.multiple).toBe(true);
    expect(input.accept).toContain('application/pdf');
    const pdf = new File([new Uint8Array(100)], 'план.pdf', { type: 'application/pdf' });
    const exe = new File([new Uint8Array(10)], 'игра.exe', { type: 'application/x-msdownload' });
    fireEvent.change(input, { target: { files: [pdf, exe] } });

    const [pdfUpload, exeUpload] = FakeXMLHttpRequest.instances;
    expect(pdfUpload!.method).toBe('POST');
    expect(pdfUpload!.url).toBe(`/api/uploads?purpose=chat_attachment&name=${encodeURIComponent('план.pdf')}`);
    expect(pdfUpload!.headers['content-type']).toBe('application/pdf');
    // A type the server does not list goes as raw bytes: the content decides.
    expect(exeUpload!.headers['content-type']).toBe('application/octet-stream');

    pdfUpload!.serverProgress(40, 100);
    const progress = await screen.findByRole('progressbar', { name: 'Загрузка файла план.pdf' });
    await waitFor(() => expect(progress.getAttribute('value')).toBe('40'));

    exeUpload!.serverRespond(415, { error: { code: 'unsupported_media_type', message: 'Такой файл не принимается. Можно: JPEG, PNG, PDF, TXT.' } });
    expect((await screen.findByText(/игра\.exe:/)).closest('[role="alert"]')?.textContent).toBe('игра.exe: Такой файл не принимается. Можно: JPEG, PNG, PDF, TXT.');

    // Sent while the PDF still uploads: pending at once, its file «загружается»; the POST waits for the token.
    fireEvent.change(box, { target: { value: 'План урока' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    const pending = (await screen.findByText('Отправляется…')).closest('article')!;
    expect(within(pending).getByRole('progressbar', { name: 'Загрузка файла план.pdf' })).toBeTruthy();
    expect(within(pending).queryByText(/игра\.exe/)).toBeNull();
    expect(calls.some((call) => call.url.endsWith('/messages') && call.method === 'POST')).toBe(false);

    pdfUpload!.serverRespond(201, { uploadToken: token('plan'), name: 'план.pdf', contentType: 'application/pdf', size: 120 * 1024 });
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toEqual({ clientId: expect.any(String), text: 'План урока', attachmentTokens: [token('plan')] }));
    const link = await within(screen.getByRole('region', { name: 'Сообщения' })).findByRole('link', { name: /план\.pdf/ });
    expect(link.textContent).toContain('PDF');
    expect(link.textContent).toContain('120');
    expect(screen.queryByText('Отправляется…')).toBeNull();
  });

  it('a message of files alone may be sent; a file over its limit is refused before uploading', async () => {
    const group = chat({ title: 'Учительская' });
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url, body }) => {
      if (method !== 'POST' || !url.endsWith('/messages')) return undefined;
      const { clientId } = body as { clientId: string };
      return { status: 201, body: message(group, { seq: 1, author: me, clientId, text: '', attachments: [attachment({ kind: 'image', name: 'доска.png', contentType: 'image/png' })] }) };
    });
    renderApp(`/chats/${group.id}`);
    await screen.findByLabelText('Сообщение');
    const send = screen.getByRole('button', { name: 'Отправить' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    const huge = new File([new Uint8Array(1)], 'огромное.jpg', { type: 'image/jpeg' });
    Object.defineProperty(huge, 'size', { value: 21 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [huge, new File([new Uint8Array(8)], 'доска.png', { type: 'image/png' })] } });
    expect((await screen.findByText(/огромное\.jpg:/)).closest('[role="alert"]')?.textContent).toBe('огромное.jpg: Файл слишком большой: можно не больше 20 МБ.');
    expect(FakeXMLHttpRequest.instances).toHaveLength(1);
    expect(send.disabled).toBe(false);
    FakeXMLHttpRequest.latest().serverRespond(201, { uploadToken: token('board'), name: 'доска.png', contentType: 'image/png', size: 8 });
    fireEvent.click(send);
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toEqual({ clientId: expect.any(String), text: '', attachmentTokens: [token('board')] }));
  });
});

describe('attachments of a message', () => {
  it('shows an image preview (space reserved; a click opens the full image), video, audio and a file link', async () => {
    const group = chat({ title: '5А — физика' });
    const photo = attachment({ kind: 'image', name: 'доска.jpg', contentType: 'image/jpeg', width: 1280, height: 960, previewUrl: '/api/attachments/p/preview' });
    const video = attachment({ kind: 'video', name: 'опыт.mp4', contentType: 'video/mp4' });
    const audio = attachment({ kind: 'audio', name: 'песня.mp3', contentType: 'audio/mpeg' });
    const file = attachment({ kind: 'file', name: 'задание.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 2_621_440 });
    const post = message(group, { seq: 1, text: 'Материалы урока', attachments: [photo, video, audio, file] });
    chatServer([withLast(group, post)], { [group.id]: [post] });
    renderApp(`/chats/${group.id}`);
    const article = (await screen.findByText('Материалы урока')).closest('article')!;

    const image = within(article).getByRole('img', { name: 'доска.jpg' }) as HTMLImageElement;
    expect(image.getAttribute('src')).toBe('/api/attachments/p/preview');
    expect([image.getAttribute('width'), image.getAttribute('height')]).toEqual(['320', '240']);
    fireEvent.click(within(article).getByRole('link', { name: 'Открыть изображение доска.jpg' }));
    const viewer = screen.getByRole('dialog', { name: 'доска.jpg' });
    expect(within(viewer).getByRole('img', { name: 'доска.jpg' }).getAttribute('src')).toBe(photo.url);
    fireEvent.keyDown(viewer, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();

    const player = article.querySelector('video')!;
    expect(player.getAttribute('src')).toBe(video.url);
    expect(player.hasAttribute('controls')).toBe(true);
    expect(player.getAttribute('preload')).toBe('metadata');
    expect(article.querySelector('audio')?.getAttribute('src')).toBe(audio.url);
    expect(article.querySelector('audio')?.hasAttribute('controls')).toBe(true);

    const download = within(article).getByRole('link', { name: /задание\.docx/ });
    expect(download.getAttribute('href')).toBe(file.url);
    expect(download.getAttribute('download')).toBe('задание.docx');
    expect(download.textContent).toContain('DOCX, 2,5 МБ');
  });
});
