// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatServer } from '../../testing/chat-server';
import { anna, chat, deferred, eventFrame, ivan, me, message, stubLayout, withLast } from '../../testing/chat-fixtures';
import { setUpAppTests } from '../../testing/app-test-setup';
import { FakeWebSocket } from '../../testing/fake-websocket';
import { renderApp, testMe } from '../../testing/render-app';
import { schoolClass } from '../../testing/school-fixtures';

setUpAppTests();
beforeEach(() => {
  stubLayout();
  // A tab that has seen events before: the socket resumes at seq 10 instead of refetching everything.
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());


/** Opens the socket as the server would, ready at `seq`. */
function connect(seq = 10) {
  const socket = FakeWebSocket.latest();
  socket.serverOpen();
  socket.serverSend({ type: 'ready', seq });
  return socket;
}

const articlesWithText = (text: string) => screen.queryAllByText(text).map((element) => element.closest('article'));

describe('the chat list', () => {
  it('shows kind, last message, unread counts; a new message moves its chat up and counts as unread', async () => {
    const physics = chat({ title: '5А — физика' });
    const parents = chat({ title: 'Родители 5А', kind: 'parents', classId: '4c5d6e7f-8091-4a2b-8c3d-4e5f6a7b8c9e', muted: true });
    const direct = chat({ title: 'Анна Смирнова', kind: 'direct', peer: anna, memberCount: 2 });
    const list = [
      withLast(physics, message(physics, { seq: 4, text: 'Контрольная в **пятницу**' }), 2),
      withLast(parents, message(parents, { seq: 7, author: ivan, text: 'Собрание в 18:00' }), 1),
      withLast(direct, message(direct, { seq: 2, author: me, text: 'Спасибо!' })),
    ];
    chatServer(list, {});
    renderApp('/chats');

    const chatList = await screen.findByRole('list', { name: 'Ваши чаты' });
    const titles = () => within(chatList).getAllByRole('link').map((link) => link.querySelector('.chat-list__title')?.textContent);
    expect(titles()).toEqual(['5А — физика', 'Родители 5А', 'Анна Смирнова']);
    const physicsLink = within(chatList).getByRole('link', { name: /5А — физика/ });
    expect(physicsLink.textContent).toContain('Анна Смирнова: Контрольная в пятницу');
    expect(physicsLink.textContent).toContain('2 непрочитанных');
    const parentsLink = within(chatList).getByRole('link', { name: /Родители 5А/ });
    expect(parentsLink.textContent).toContain('Родители');
    expect(parentsLink.textContent).toContain('без уведомлений');
    expect(within(chatList).getByRole('link', { name: /^Анна Смирнова/ }).textContent).toContain('Вы: Спасибо!');
    // The menu counts unread messages of chats that are not muted.
    const navLink = within(screen.getByRole('navigation', { name: 'Разделы' })).getByRole('link', { name: /Чаты/ });
    await waitFor(() => expect(within(navLink).getByTestId('chats-unread').textContent).toBe('2, 2 непрочитанных'));

    const socket = connect();
    socket.serverSend(eventFrame(11, 'message.created', { message: message(direct, { seq: 3, author: anna, text: 'Пожалуйста' }) }));
    await waitFor(() => expect(titles()).toEqual(['Анна Смирнова', '5А — физика', 'Родители 5А']));
    expect(within(chatList).getByRole('link', { name: /^Анна Смирнова/ }).textContent).toContain('1 непрочитанное');
    await waitFor(() => expect(within(navLink).getByTestId('chats-unread').textContent).toBe('3, 3 непрочитанных'));

    // One's own message moves the chat up without counting as unread (and reads up to it).
    socket.serverSend(eventFrame(12, 'message.created', { message: message(physics, { seq: 5, author: me, text: 'Принято' }) }));
    await waitFor(() => expect(titles()).toEqual(['5А — физика', 'Анна Смирнова', 'Родители 5А']));
    expect(within(chatList).getByRole('link', { name: /5А — физика/ }).textContent).not.toContain('непрочитан');
    await waitFor(() => expect(within(navLink).getByTestId('chats-unread').textContent).toBe('1, 1 непрочитанное'));

    // chat.created puts a new chat at the top; chat.removed takes one away.
    const staff = chat({ title: 'Учительская' });
    socket.serverSend(eventFrame(13, 'chat.created', { chat: staff }));
    await waitFor(() => expect(titles()[0]).toBe('Учительская'));
    socket.serverSend(eventFrame(14, 'chat.removed', { chatId: parents.id }));
    await waitFor(() => expect(titles()).toEqual(['Учительская', '5А — физика', 'Анна Смирнова']));
  });

  it('«Написать» shows the server’s reason when the policy forbids the direct chat', async () => {
    const otherParent = { id: 'b0000000-0000-4000-8000-00000000eeee', displayName: 'Ольга Петрова', verifiedTeacher: false };
    const calls = chatServer(
      [],
      {},
      ({ method, url }) => {
        if (method === 'GET' && url.endsWith('/contacts')) return { status: 200, body: { contacts: [{ person: anna, roles: ['teacher'] }, { person: otherParent, roles: ['parent'] }] } };
        if (method === 'POST' && url.endsWith('/direct-chats')) return { status: 403, body: { error: { code: 'forbidden', message: 'Ученик может писать сотрудникам школы и одноклассникам.' } } };
        return undefined;
      },
      ['student'],
    );
    renderApp('/chats');
    expect(await screen.findByText('Чатов пока нет.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Новый чат' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Написать' }));
    const dialog = screen.getByRole('dialog', { name: 'Написать' });
    fireEvent.change(within(dialog).getByLabelText('Найти по имени'), { target: { value: 'ольга' } });
    fireEvent.click(await within(dialog).findByRole('button', { name: /Ольга Петрова/ }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Ученик может писать сотрудникам школы и одноклассникам.');
    expect(calls.find((call) => call.url.endsWith('/direct-chats'))?.body).toEqual({ userId: otherParent.id });
  });
});

describe('an open chat', () => {
  it('sends optimistically: pending at once, then the stored message once, whichever answer comes first', async () => {
    const group = chat({ title: '5А — физика', canWrite: true });
    const first = message(group, { seq: 1, text: 'Добрый день' });
    const post = deferred();
    const calls = chatServer([withLast(group, first)], { [group.id]: [first] }, ({ method, url }) => (method === 'POST' && url === `/api/chats/${group.id}/messages` ? post.promise : undefined));
    renderApp(`/chats/${group.id}`);
    expect(await screen.findByText('Добрый день')).toBeTruthy();
    const socket = connect();

    const box = screen.getByLabelText('Сообщение');
    fireEvent.change(box, { target: { value: 'Всем **привет**' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect((box as HTMLTextAreaElement).value).toBe('');
    const pending = (await screen.findByText('Отправляется…')).closest('article')!;
    expect(pending.querySelector('strong')?.textContent).toBe('привет');
    const sent = calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))!;
    expect(sent.body).toEqual({ clientId: expect.stringMatching(/^[0-9a-f-]{36}$/), text: 'Всем **привет**' });
    const { clientId } = sent.body as { clientId: string };

    // The event comes before the answer: it replaces the pending copy, nothing shows twice.
    const stored = message(group, { seq: 2, author: me, clientId, text: 'Всем **привет**' });
    socket.serverSend(eventFrame(11, 'message.created', { message: stored }));
    await waitFor(() => expect(screen.queryByText('Отправляется…')).toBeNull());
    expect(articlesWithText('привет')).toHaveLength(1);
    post.resolve({ status: 200, body: stored });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(articlesWithText('привет')).toHaveLength(1);
    expect(screen.queryByText('Отправляется…')).toBeNull();
  });

  it('replaces the pending message with the POST answer, and an event after it does not add a copy', async () => {
    const group = chat({ title: 'Учительская' });
    const post = deferred();
    chatServer([group], { [group.id]: [] }, ({ method, url }) => (method === 'POST' && url.endsWith('/messages') ? post.promise : undefined));
    renderApp(`/chats/${group.id}`);
    const box = await screen.findByLabelText('Сообщение');
    const socket = connect();
    fireEvent.change(box, { target: { value: 'Педсовет в 15:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Отправить' }));
    expect(await screen.findByText('Отправляется…')).toBeTruthy();
    const pendingArticle = screen.getByText('Педсовет в 15:00').closest('article')!;
    const clientId = pendingArticle.getAttribute('data-client-id')!;
    const stored = message(group, { seq: 1, author: me, clientId, text: 'Педсовет в 15:00' });
    post.resolve({ status: 201, body: stored });
    await waitFor(() => expect(screen.queryByText('Отправляется…')).toBeNull());
    socket.serverSend(eventFrame(11, 'message.created', { message: stored }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(articlesWithText('Педсовет в 15:00')).toHaveLength(1);
  });

  it('a failed send shows «Не отправлено»; «Повторить» and a reconnect resend with the same clientId', async () => {
    const group = chat({ title: 'Учительская' });
    let attempts = 0;
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url, body }) => {
      if (method !== 'POST' || !url.endsWith('/messages')) return undefined;
      attempts += 1;
      if (attempts <= 2) throw new TypeError('Failed to fetch');
      const { clientId, text } = body as { clientId: string; text: string };
      return { status: 201, body: message(group, { seq: 1, author: me, clientId, text }) };
    });
    renderApp(`/chats/${group.id}`);
    const box = await screen.findByLabelText('Сообщение');
    fireEvent.change(box, { target: { value: 'Первое' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await screen.findByText('Не отправлено')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Повторить' }));
    await waitFor(() => expect(attempts).toBe(2));
    expect(await screen.findByText('Не отправлено')).toBeTruthy();

    // The connection comes back: waiting messages are resent by themselves.
    connect();
    await waitFor(() => expect(screen.queryByText('Не отправлено')).toBeNull());
    const posts = calls.filter((call) => call.method === 'POST' && call.url.endsWith('/messages'));
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((call) => (call.body as { clientId: string }).clientId)).size).toBe(1);
    expect(articlesWithText('Первое')).toHaveLength(1);
  });

  it('«Удалить» forgets a message that was not sent', async () => {
    const group = chat({ title: 'Учительская' });
    chatServer([group], { [group.id]: [] }, ({ method, url }) => {
      if (method === 'POST' && url.endsWith('/messages')) return { status: 400, body: { error: { code: 'validation_failed', message: 'Слишком длинно' } } };
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    const box = await screen.findByLabelText('Сообщение');
    fireEvent.change(box, { target: { value: 'Лишнее' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.click(await screen.findByRole('button', { name: 'Удалить' }));
    await waitFor(() => expect(screen.queryByText('Лишнее')).toBeNull());
  });

  it('chat.read from another member counts on the person’s own messages («Прочитали N»)', async () => {
    const group = chat({ title: '5А — физика' });
    const mine = message(group, { seq: 2, author: me, text: 'Домашнее задание: §12', readCount: 1 });
    const history = [message(group, { seq: 1, text: 'Вопрос' }), mine];
    chatServer([withLast(group, mine)], { [group.id]: history });
    renderApp(`/chats/${group.id}`);
    expect(await screen.findByRole('button', { name: /Прочитали 1/ })).toBeTruthy();
    const socket = connect();
    socket.serverSend(eventFrame(11, 'chat.read', { chatId: group.id, userId: ivan.id, fromSeq: 1, toSeq: 2 }));
    expect(await screen.findByRole('button', { name: /Прочитали 2/ })).toBeTruthy();
    // Reading that does not reach the message, and the person's own reading, change nothing.
    socket.serverSend(eventFrame(12, 'chat.read', { chatId: group.id, userId: anna.id, fromSeq: 0, toSeq: 1 }));
    socket.serverSend(eventFrame(13, 'chat.read', { chatId: group.id, userId: me.id, fromSeq: 0, toSeq: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByRole('button', { name: /Прочитали 2/ })).toBeTruthy();
  });

  it('marks the chat read up to the newest message on screen, with «Новые сообщения» at the first unread', async () => {
    const group = chat({ title: '5А — физика' });
    const history = [message(group, { seq: 1, text: 'Прочитанное' }), message(group, { seq: 2, text: 'Новое раз' }), message(group, { seq: 3, author: ivan, text: 'Новое два' })];
    const calls = chatServer([withLast(group, history[2]!, 2)], { [group.id]: history });
    renderApp(`/chats/${group.id}`);
    await screen.findByText('Новое два');
    const rows = [...document.querySelectorAll('.message-list__row')].map((row) => row.textContent ?? '');
    const separator = rows.findIndex((text) => text.includes('Новые сообщения'));
    expect(rows[separator - 1]).toContain('Прочитанное');
    expect(rows[separator]).toMatch(/^Новые сообщения.*Новое раз/);
    expect(rows.filter((text) => text.includes('Новые сообщения'))).toHaveLength(1);
    await waitFor(() => expect(calls.find((call) => call.url.endsWith('/read'))?.body).toEqual({ seq: 3 }));
    const chatList = screen.getByRole('list', { name: 'Ваши чаты' });
    await waitFor(() => expect(within(chatList).getByRole('link').textContent).not.toContain('непрочитан'));
  });

  it('shows who is typing and reads out new messages from others, but not typing', async () => {
    const group = chat({ title: '5А — физика', memberCount: 5 });
    chatServer([group], { [group.id]: [] });
    renderApp(`/chats/${group.id}`);
    expect(await screen.findByText('5 участников')).toBeTruthy();
    const socket = connect();
    socket.serverSend({ type: 'signal', name: 'chat.typing', data: { chatId: group.id, user: anna } });
    expect(await screen.findByText('Анна Смирнова печатает…')).toBeTruthy();
    const announcer = screen.getByTestId('chat-announcer');
    expect(announcer.textContent).toBe('');
    socket.serverSend(eventFrame(11, 'message.created', { message: message(group, { seq: 1, text: 'Завтра _экскурсия_' }) }));
    await waitFor(() => expect(announcer.textContent).toBe('Анна Смирнова: Завтра экскурсия'));
    expect(announcer.getAttribute('aria-live')).toBe('polite');
    expect(screen.queryByText('Анна Смирнова печатает…')).toBeNull();
    expect(screen.getByText('5 участников')).toBeTruthy();
  });

  it('disables the composer and says why when only administrators write', async () => {
    const announcements = chat({ title: 'Объявления', onlyAdminsWrite: true, canWrite: false });
    chatServer([announcements], { [announcements.id]: [message(announcements, { seq: 1, text: 'Каникулы с 28 октября' })] });
    renderApp(`/chats/${announcements.id}`);
    const box = (await screen.findByLabelText('Сообщение')) as HTMLTextAreaElement;
    expect(box.disabled).toBe(true);
    const reason = screen.getByText('Писать могут только администраторы');
    expect(box.getAttribute('aria-describedby')).toContain(reason.id);
    expect((screen.getByRole('button', { name: 'Отправить' }) as HTMLButtonElement).disabled).toBe(true);
    // chat.updated opening the chat to everyone enables it.
    connect().serverSend(eventFrame(11, 'chat.updated', { chatId: announcements.id, title: 'Объявления', onlyAdminsWrite: false, memberCount: 3, pinned: null }));
    await waitFor(() => expect(box.disabled).toBe(false));
  });

  it('replies with a quote, reacts and edits the last message with the Up arrow', async () => {
    const group = chat({ title: '5А — физика' });
    const question = message(group, { seq: 1, text: 'Когда контрольная?' });
    const mine = message(group, { seq: 2, author: me, text: 'В пятницу' });
    const calls = chatServer([withLast(group, mine)], { [group.id]: [question, mine] }, ({ method, url, body }) => {
      if (method === 'PUT' && url.endsWith(`/messages/${question.id}/reaction`)) return { status: 200, body: { ...question, reactions: [{ emoji: (body as { emoji: string }).emoji, userIds: [me.id] }] } };
      if (method === 'PATCH' && url.endsWith(`/messages/${mine.id}`)) return { status: 200, body: { ...mine, text: (body as { text: string }).text, editedAt: new Date().toISOString() } };
      if (method === 'POST' && url.endsWith('/messages')) {
        const { clientId, text } = body as { clientId: string; text: string };
        return { status: 201, body: message(group, { seq: 3, author: me, clientId, text, replyTo: { id: question.id, seq: 1, author: anna, text: question.text, deleted: false } }) };
      }
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    const questionArticle = (await screen.findByText('Когда контрольная?')).closest('article')!;

    // The actions of a focused message open from the keyboard.
    fireEvent.keyDown(questionArticle, { key: 'Enter' });
    const react = within(questionArticle).getByRole('button', { name: 'Реакция 👍' });
    expect(document.activeElement).toBe(react);
    fireEvent.click(react);
    expect(await within(questionArticle).findByRole('button', { name: '👍: 1 реакция' })).toBeTruthy();
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ emoji: '👍' });

    fireEvent.click(within(questionArticle).getByRole('button', { name: /Действия с сообщением/ }));
    fireEvent.click(within(questionArticle).getByRole('button', { name: 'Ответить' }));
    expect(screen.getByText('Ответ: Анна Смирнова')).toBeTruthy();
    const box = screen.getByLabelText('Сообщение');
    fireEvent.change(box, { target: { value: 'Спасибо' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toMatchObject({ replyToId: question.id, text: 'Спасибо' }));
    const replyArticle = (await screen.findByText('Спасибо')).closest('article')!;
    await waitFor(() => expect(replyArticle.querySelector('button.message__quote')).not.toBeNull());
    const quote = await within(replyArticle).findByRole('button', { name: /В ответ на сообщение: Анна Смирнова/ });
    expect(quote.textContent).toContain('Когда контрольная?');
    // The quote leads to the message it answers.
    fireEvent.click(quote);
    await waitFor(() => expect(document.activeElement).toBe(questionArticle));

    // Up arrow in the empty box edits the person's last message.
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    const editBox = screen.getByLabelText('Изменить сообщение') as HTMLTextAreaElement;
    expect(editBox.value).toBe('Спасибо');
    fireEvent.change(editBox, { target: { value: 'Спасибо большое' } });
    fireEvent.keyDown(editBox, { key: 'Enter' });
    await waitFor(() => expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ text: 'Спасибо большое' }));
  });
});

describe('message actions and the member panel', () => {
  it('moves between messages with the arrows, deletes one for everyone after a confirmation, lists who read one', async () => {
    const group = chat({ title: '5А — физика', myRole: 'admin' });
    const first = message(group, { seq: 1, text: 'Первое' });
    const mine = message(group, { seq: 2, author: me, text: 'Моё', readCount: 2 });
    const calls = chatServer([withLast(group, mine)], { [group.id]: [first, mine] }, ({ method, url }) => {
      if (method === 'DELETE' && url.endsWith(`/messages/${first.id}`)) return { status: 200, body: { ...first, text: '', deletedAt: new Date().toISOString() } };
      if (method === 'GET' && url.endsWith(`/messages/${mine.id}/readers`)) return { status: 200, body: { readers: [anna, ivan] } };
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    const mineArticle = (await screen.findByText('Моё')).closest('article')!;
    // The newest message is the one Tab reaches; the arrows go on from there.
    expect(mineArticle.tabIndex).toBe(0);
    mineArticle.focus();
    fireEvent.keyDown(mineArticle, { key: 'ArrowUp' });
    const firstArticle = screen.getByText('Первое').closest('article')!;
    await waitFor(() => expect(document.activeElement).toBe(firstArticle));
    expect(firstArticle.tabIndex).toBe(0);
    expect(mineArticle.tabIndex).toBe(-1);

    // A chat administrator deletes anyone's message.
    fireEvent.keyDown(firstArticle, { key: 'Enter' });
    fireEvent.click(within(firstArticle).getByRole('button', { name: 'Удалить' }));
    const confirm = screen.getByRole('dialog', { name: 'Удалить сообщение?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Удалить для всех' }));
    expect(await screen.findByText('Сообщение удалено')).toBeTruthy();
    expect(screen.queryByText('Первое')).toBeNull();
    expect(calls.some((call) => call.method === 'DELETE')).toBe(true);

    fireEvent.click(within(mineArticle).getByRole('button', { name: /Прочитали 2/ }));
    const readers = within(mineArticle).getByRole('group', { name: 'Прочитали' });
    await waitFor(() => expect(within(readers).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Анна Смирнова ✓ учитель подтверждён', 'Иван Петров']));
  });

  it('the member panel shows members with badges and «last seen», mutes, and leaves after a confirmation', async () => {
    const group = chat({ title: 'Учительская', memberCount: 2 });
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url.endsWith('/members'))
        return {
          status: 200,
          body: {
            members: [
              { person: anna, chatRole: 'admin', roles: ['teacher'], lastSeenAt: new Date(Date.now() - 2 * 3600 * 1000 - 60_000).toISOString() },
              { person: me, chatRole: 'member', roles: ['teacher'], lastSeenAt: null },
            ],
          },
        };
      if (method === 'PUT' && url.endsWith('/mute')) return { status: 204 };
      if (method === 'POST' && url.endsWith('/leave')) return { status: 204 };
      return undefined;
    });
    const { router } = renderApp(`/chats/${group.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Участники' }));
    const panel = screen.getByRole('complementary', { name: /Участники/ });
    const members = await within(panel).findByRole('list', { name: 'Участники чата' });
    const annaItem = within(members).getByText('Анна Смирнова').closest('li')!;
    expect(annaItem.textContent).toContain('администратор чата');
    expect(annaItem.textContent).toContain('педагог');
    expect(annaItem.textContent).toContain('2 часа назад');
    expect(within(panel).queryByRole('button', { name: /Удалить из чата/ })).toBeNull();
    expect(within(panel).queryByText('Настройки чата')).toBeNull();

    fireEvent.click(within(panel).getByLabelText('Без уведомлений'));
    await waitFor(() => expect(calls.find((call) => call.url.endsWith('/mute'))?.body).toEqual({ muted: true }));
    expect(await screen.findByText('· без уведомлений', { exact: false })).toBeTruthy();

    fireEvent.click(within(panel).getByRole('button', { name: 'Выйти из чата' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Выйти из чата «Учительская»?' })).getByRole('button', { name: 'Выйти' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/chats'));
    expect(await screen.findByText('Чатов пока нет.')).toBeTruthy();
  });
});

describe('the class page', () => {
  it('opens the class chat from «Чат класса»', async () => {
    const fifthA = schoolClass({ name: '5А' });
    const classChat = chat({ title: '5А', kind: 'class', classId: fifthA.id });
    const calls = chatServer([], { [classChat.id]: [] }, ({ method, url }) => {
      if (method === 'GET' && url.endsWith(`/classes/${fifthA.id}`)) return { status: 200, body: { class: fifthA, members: [] } };
      if (method === 'POST' && url === `/api/classes/${fifthA.id}/chats`) return { status: 201, body: classChat };
      return undefined;
    }, ['administrator']);
    const { router } = renderApp(`/organization/classes/${fifthA.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Чат класса' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/chats/${classChat.id}`));
    expect(calls.find((call) => call.url.endsWith('/chats') && call.method === 'POST')?.body).toEqual({ kind: 'class' });
    expect(await screen.findByRole('heading', { level: 2, name: /5А/ })).toBeTruthy();
  });
});
