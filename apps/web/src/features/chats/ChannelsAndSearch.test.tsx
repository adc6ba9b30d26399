// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { anna, chat, eventFrame, ivan, me, message, stubLayout, withLast } from '../../testing/chat-fixtures';
import { chatServer, connect } from '../../testing/chat-server';
import { renderApp, testMe } from '../../testing/render-app';
import { schoolPath } from '../../testing/school-fixtures';
import { highlightParts, queryStems } from './search-highlight';

setUpAppTests();
beforeEach(() => {
  stubLayout();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());

describe('channels', () => {
  it('a member reads posts without a composer and confirms «прочитал и подтверждаю» once', async () => {
    const channel = chat({ title: 'Общешкольный канал', kind: 'channel', onlyAdminsWrite: true, canWrite: false, systemChannel: 'school', memberCount: 420 });
    const confirmedBefore = message(channel, { seq: 1, text: 'Линейка 1 сентября', acknowledgements: { count: 12 } });
    const toConfirm = message(channel, { seq: 2, text: 'Родительское собрание в четверг', acknowledgements: { count: 30 }, readCount: 5 });
    const calls = chatServer(
      [withLast(channel, toConfirm)],
      { [channel.id]: [confirmedBefore, toConfirm] },
      ({ method, url }) => (method === 'POST' && url.endsWith(`/messages/${toConfirm.id}/ack`) ? { status: 204 } : undefined),
      ['parent'],
      [confirmedBefore.id],
    );
    renderApp(`/chats/${channel.id}`);
    const post = (await screen.findByText('Родительское собрание в четверг')).closest('article')!;
    expect(screen.getByText('Только администраторы публикуют в канале')).toBeTruthy();
    expect(screen.queryByLabelText('Сообщение')).toBeNull();
    expect(screen.getByText('420 подписчиков')).toBeTruthy();
    // Views and who confirmed are for the channel's administrators.
    expect(within(post).queryByText(/просмотры/)).toBeNull();
    expect(within(post).queryByRole('button', { name: 'Кто подтвердил' })).toBeNull();
    expect(within(screen.getByText('Линейка 1 сентября').closest('article')!).getByText('Вы подтвердили')).toBeTruthy();

    fireEvent.click(within(post).getByRole('button', { name: 'прочитал и подтверждаю' }));
    expect(await within(post).findByText('Вы подтвердили')).toBeTruthy();
    expect(within(post).queryByRole('button', { name: 'прочитал и подтверждаю' })).toBeNull();
    expect(calls.filter((call) => call.url.endsWith('/ack'))).toHaveLength(1);
  });

  it('an administrator sees «просмотры N», the count and «Кто подтвердил»; posts may ask for confirmation', async () => {
    const channel = chat({ title: 'Сотрудники', kind: 'channel', onlyAdminsWrite: true, canWrite: true, myRole: 'admin' });
    const post = message(channel, { seq: 1, author: anna, text: 'Педсовет в 15:00', acknowledgements: { count: 1 }, readCount: 7 });
    const calls = chatServer([withLast(channel, post)], { [channel.id]: [post] }, ({ method, url, body }) => {
      if (method === 'GET' && url.endsWith(`/messages/${post.id}/acks`)) return { status: 200, body: { confirmed: [ivan], pending: [me] } };
      if (method === 'POST' && url.endsWith('/messages')) {
        const { clientId, text } = body as { clientId: string; text: string };
        return { status: 201, body: message(channel, { seq: 2, author: me, clientId, text, acknowledgements: { count: 0 } }) };
      }
      return undefined;
    });
    renderApp(`/chats/${channel.id}`);
    const article = (await screen.findByText('Педсовет в 15:00')).closest('article')!;
    expect(within(article).getByText('просмотры 7')).toBeTruthy();
    expect(within(article).getByText('Подтвердил 1')).toBeTruthy();
    fireEvent.click(within(article).getByRole('button', { name: 'Кто подтвердил' }));
    const dialog = screen.getByRole('dialog', { name: 'Кто подтвердил' });
    const confirmed = await within(dialog).findByRole('list', { name: 'Подтвердили' });
    expect(within(confirmed).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Иван Петров']);
    expect(within(within(dialog).getByRole('list', { name: 'Ещё не подтвердили' })).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Мария Петрова']);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Закрыть' }));

    // The confirmation count follows message.acknowledged.
    connect().serverSend(eventFrame(11, 'message.acknowledged', { chatId: channel.id, messageId: post.id, userId: me.id, count: 2 }));
    expect(await within(article).findByText('Подтвердили 2')).toBeTruthy();

    const box = screen.getByLabelText('Сообщение');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Попросить подтверждение' }));
    fireEvent.change(box, { target: { value: 'Сдайте отчёты до пятницы' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toEqual({ clientId: expect.any(String), text: 'Сдайте отчёты до пятницы', requiresAck: true }));
  });

  it('«Каналы» in the chat list: subscribe to one; staff «Создать канал»', async () => {
    const parentsChannel = { id: 'c4a70000-0000-4000-8000-0000000000c1', title: 'Совет родителей', description: 'Новости совета', memberCount: 12, systemChannel: null, subscribed: false };
    const school = { id: 'c4a70000-0000-4000-8000-0000000000c2', title: 'Общешкольный канал', description: '', memberCount: 400, systemChannel: 'school', subscribed: true };
    const subscribed = chat({ id: parentsChannel.id, title: 'Совет родителей', kind: 'channel', onlyAdminsWrite: true, canWrite: false, memberCount: 13 });
    const created = chat({ title: 'Олимпиады', kind: 'channel', myRole: 'admin', onlyAdminsWrite: true });
    const calls = chatServer([], { [created.id]: [], [subscribed.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url === `${schoolPath}/channels`) return { status: 200, body: { channels: [school, parentsChannel] } };
      if (method === 'POST' && url === `/api/chats/${parentsChannel.id}/subscribe`) return { status: 200, body: subscribed };
      if (method === 'POST' && url === `${schoolPath}/channels`) return { status: 201, body: created };
      return undefined;
    });
    const { router } = renderApp('/chats');
    fireEvent.click(await screen.findByRole('button', { name: /Каналы/ }));
    const dialog = screen.getByRole('dialog', { name: 'Каналы' });
    const list = await within(dialog).findByRole('list', { name: 'Каналы организации' });
    const card = within(list).getByText('Совет родителей').closest('li')!;
    fireEvent.click(within(card).getByRole('button', { name: 'Подписаться' }));
    expect(await within(card).findByText('Вы подписаны')).toBeTruthy();
    expect(within(card).getByText('13 подписчиков')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Ваши чаты' })).getByRole('link', { name: /Совет родителей/ })).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Создать канал' }));
    const form = screen.getByRole('dialog', { name: 'Новый канал' });
    fireEvent.change(within(form).getByLabelText('Название канала'), { target: { value: 'Олимпиады' } });
    fireEvent.change(within(form).getByLabelText(/Описание/), { target: { value: 'Расписание олимпиад' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Создать канал' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/chats/${created.id}`));
    expect(calls.find((call) => call.method === 'POST' && call.url === `${schoolPath}/channels`)?.body).toEqual({ title: 'Олимпиады', description: 'Расписание олимпиад' });
  });
});

describe('search', () => {
  it('marks the query’s words by their stems, as text only', () => {
    const stems = queryStems('Контрольной  работы');
    expect(highlightParts('<b>Контрольная</b> работа в пятницу', stems)).toEqual([
      { text: '<b>', isMatch: false },
      { text: 'Контрольная', isMatch: true },
      { text: '</b> ', isMatch: false },
      { text: 'работа', isMatch: true },
      { text: ' в пятницу', isMatch: false },
    ]);
  });

  it('searches across chats: chat, author, date and the text with the words marked; a result opens the chat at the message', async () => {
    const physics = chat({ title: '5А — физика' });
    const history = Array.from({ length: 3 }, (_, index) => message(physics, { seq: index + 1, text: index === 0 ? '<img src=x onerror="alert(1)"> Контрольная в пятницу' : `Сообщение ${index + 1}` }));
    const calls = chatServer([withLast(physics, history[2]!)], { [physics.id]: history }, ({ method, url }) => {
      if (method === 'GET' && url.startsWith('/api/chats/search?')) return { status: 200, body: { results: [{ chatId: physics.id, chatTitle: physics.title, message: history[0] }] } };
      return undefined;
    });
    const { router } = renderApp('/chats');
    const field = await screen.findByRole('searchbox', { name: 'Поиск по сообщениям' });
    fireEvent.change(field, { target: { value: 'контрольной' } });
    const results = await screen.findByRole('list', { name: 'Результаты поиска' });
    expect(calls.find((call) => call.url.startsWith('/api/chats/search'))?.url).toBe(`/api/chats/search?q=${encodeURIComponent('контрольной')}`);
    const result = within(results).getByRole('button');
    expect(result.textContent).toContain('5А — физика');
    expect(result.textContent).toContain('Анна Смирнова');
    expect(result.textContent).toContain('<img src=x onerror="alert(1)"> Контрольная в пятницу');
    expect(result.querySelector('img')).toBeNull();
    expect([...result.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['Контрольная']);
    expect(screen.getByText('Найдено 1 сообщение')).toBeTruthy();

    fireEvent.click(result);
    const messages = await screen.findByRole('region', { name: 'Сообщения' });
    const found = (await within(messages).findByText(/Контрольная в пятницу/)).closest('article')!;
    await waitFor(() => expect(document.activeElement).toBe(found));
    expect(found.className).toContain('message--highlighted');
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('searches within the open chat', async () => {
    const physics = chat({ title: '5А — физика' });
    const history = [message(physics, { seq: 1, text: 'Экскурсия в планетарий' }), message(physics, { seq: 2, author: ivan, text: 'Во сколько?' })];
    const calls = chatServer([withLast(physics, history[1]!)], { [physics.id]: history }, ({ method, url }) => {
      if (method === 'GET' && url.startsWith('/api/chats/search?')) return { status: 200, body: { results: [{ chatId: physics.id, chatTitle: physics.title, message: history[0] }] } };
      return undefined;
    });
    renderApp(`/chats/${physics.id}`);
    await screen.findByText('Во сколько?');
    fireEvent.click(screen.getByRole('button', { name: /Искать в чате/ }));
    const inChat = screen.getByRole('search', { name: 'Поиск в этом чате' });
    const field = within(inChat).getByRole('searchbox', { name: 'Поиск по сообщениям' });
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: 'экскурсии' } });
    const result = within(await within(inChat).findByRole('list', { name: 'Результаты поиска' })).getByRole('button');
    expect(result.textContent).not.toContain('5А — физика');
    expect(result.querySelector('mark')?.textContent).toBe('Экскурсия');
    expect(calls.find((call) => call.url.startsWith('/api/chats/search'))?.url).toBe(`/api/chats/search?q=${encodeURIComponent('экскурсии')}&chatId=${physics.id}`);
    fireEvent.click(result);
    const article = within(screen.getByRole('region', { name: 'Сообщения' })).getByText('Экскурсия в планетарий').closest('article')!;
    await waitFor(() => expect(document.activeElement).toBe(article));
    void anna;
  });
});
