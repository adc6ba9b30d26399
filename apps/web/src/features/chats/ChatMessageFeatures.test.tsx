// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpAppTests } from '../../testing/app-test-setup';
import { anna, chat, eventFrame, ivan, me, message, stubLayout, withLast } from '../../testing/chat-fixtures';
import { chatServer, connect } from '../../testing/chat-server';
import { renderApp, testMe } from '../../testing/render-app';

setUpAppTests();
beforeEach(() => {
  stubLayout();
  window.sessionStorage.setItem(`parta.realtime.lastSeq.${testMe.id}`, '10');
});
afterEach(() => vi.restoreAllMocks());

const membersOf = (...people: (typeof anna)[]) => ({ status: 200, body: { members: people.map((person) => ({ person, chatRole: 'member', roles: ['teacher'], lastSeenAt: null })) } });

/** Opens «⋯» of a message and chooses an action. */
function act(article: HTMLElement, action: string) {
  fireEvent.click(within(article).getByRole('button', { name: /^Действия с сообщением/ }));
  fireEvent.click(within(article).getByRole('button', { name: action }));
}

describe('@mentions', () => {
  it('«@» lists the chat’s members; the arrows and Enter pick one; the message carries mentionIds', async () => {
    const group = chat({ title: 'Учительская' });
    const calls = chatServer([group], { [group.id]: [] }, ({ method, url, body }) => {
      if (method === 'GET' && url === `/api/chats/${group.id}/members`) return membersOf(me, anna, ivan);
      if (method === 'POST' && url.endsWith('/messages')) {
        const { clientId, text } = body as { clientId: string; text: string };
        return { status: 201, body: message(group, { seq: 1, author: me, clientId, text, mentions: [ivan] }) };
      }
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    const box = (await screen.findByLabelText('Сообщение')) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'Коллеги, @' } });
    const list = await screen.findByRole('listbox', { name: 'Упомянуть участника' });
    // The person themself is not offered.
    expect(within(list).getAllByRole('option').map((option) => option.textContent)).toEqual(['Анна Смирнова', 'Иван Петров']);
    expect(box.getAttribute('aria-activedescendant')).toBe(within(list).getAllByRole('option')[0]!.id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    const ivanOption = within(list).getByRole('option', { name: 'Иван Петров' });
    expect(ivanOption.getAttribute('aria-selected')).toBe('true');
    expect(box.getAttribute('aria-activedescendant')).toBe(ivanOption.id);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('Коллеги, @Иван Петров ');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(calls.some((call) => call.method === 'POST' && call.url.endsWith('/messages'))).toBe(false);

    // Typing narrows the list; Escape closes it without choosing.
    fireEvent.change(box, { target: { value: 'Коллеги, @Иван Петров и @ан' } });
    const narrowed = await screen.findByRole('listbox');
    expect(within(narrowed).getAllByRole('option').map((option) => option.textContent)).toEqual(['Анна Смирнова']);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
    fireEvent.change(box, { target: { value: 'Коллеги, @Иван Петров, завтра педсовет' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() =>
      expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toEqual({ clientId: expect.any(String), text: 'Коллеги, @Иван Петров, завтра педсовет', mentionIds: [ivan.id] }),
    );
    const mention = await within(screen.getByRole('region', { name: 'Сообщения' })).findByText('@Иван Петров');
    expect(mention.className).toBe('mention');
  });

  it('highlights a mention of the person; the list shows «@»; a muted chat still counts and announces it', async () => {
    const group = chat({ title: 'Учительская' });
    const parents = chat({ title: 'Родители 5А', muted: true });
    const post = message(group, { seq: 1, text: '@Мария Петрова, посмотрите', mentions: [me] });
    chatServer([withLast(group, post), withLast(parents, message(parents, { seq: 3 }), 2)], { [group.id]: [post] });
    renderApp(`/chats/${group.id}`);
    const mention = await within(await screen.findByRole('region', { name: 'Сообщения' })).findByText('@Мария Петрова');
    expect(mention.className).toBe('mention mention--me');

    const socket = connect();
    const navLink = within(screen.getByRole('navigation', { name: 'Разделы' })).getByRole('link', { name: /Чаты/ });
    expect(within(navLink).queryByTestId('chats-unread')).toBeNull();
    socket.serverSend(eventFrame(11, 'message.created', { message: message(parents, { seq: 4, author: anna, text: '@Мария Петрова, когда собрание?', mentions: [me] }) }));
    const parentsLink = await within(screen.getByRole('list', { name: 'Ваши чаты' })).findByRole('link', { name: /Родители 5А/ });
    await waitFor(() => expect(parentsLink.textContent).toContain('1 упоминание вас'));
    expect(parentsLink.querySelector('.mention-badge')?.textContent).toContain('@');
    await waitFor(() => expect(within(navLink).getByTestId('chats-unread').textContent).toBe('1, 1 непрочитанное'));
    expect(screen.getByTestId('chat-list-announcer').textContent).toBe('Анна Смирнова упоминает вас в чате «Родители 5А»: @Мария Петрова, когда собрание?');
  });
});

describe('pinning and forwarding', () => {
  it('the pinned bar leads to the message; «Закрепить» and «Открепить» in the menu of a chat administrator', async () => {
    const group = chat({ title: '5А — физика', myRole: 'admin' });
    const rule = message(group, { seq: 1, text: 'Контрольная в пятницу' });
    const later = message(group, { seq: 2, text: 'Вопросы — в личку' });
    const pinnedChat = { ...withLast(group, later), pinned: { id: rule.id, seq: 1, author: anna, text: rule.text, deleted: false } };
    const calls = chatServer([pinnedChat], { [group.id]: [rule, later] }, ({ method, url, body }) => {
      if (method === 'PUT' && url === `/api/chats/${group.id}/pin`) return { status: 200, body: { ...pinnedChat, pinned: { id: later.id, seq: 2, author: anna, text: later.text, deleted: false } } };
      if (method === 'DELETE' && url === `/api/chats/${group.id}/pin`) return { status: 200, body: { ...pinnedChat, pinned: null } };
      void body;
      return undefined;
    });
    renderApp(`/chats/${group.id}`);
    const bar = await screen.findByRole('region', { name: 'Закреплённое сообщение' });
    const open = within(bar).getByRole('button');
    expect(open.textContent).toContain('Анна Смирнова');
    expect(open.textContent).toContain('Контрольная в пятницу');
    await screen.findByText('Вопросы — в личку');
    fireEvent.click(open);
    const ruleArticle = within(screen.getByRole('region', { name: 'Сообщения' })).getByText('Контрольная в пятницу').closest('article')!;
    await waitFor(() => expect(document.activeElement).toBe(ruleArticle));

    const laterArticle = screen.getByText('Вопросы — в личку').closest('article')!;
    act(laterArticle, 'Закрепить');
    await waitFor(() => expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ messageId: later.id }));
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Закреплённое сообщение' })).getByRole('button').textContent).toContain('Вопросы — в личку'));
    act(laterArticle, 'Открепить');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Закреплённое сообщение' })).toBeNull());
    expect(calls.some((call) => call.method === 'DELETE' && call.url.endsWith('/pin'))).toBe(true);
  });

  it('«Переслать» offers the chats where the person may write and sends {clientId, forwardFromId}', async () => {
    const source = chat({ title: '5А — физика' });
    const target = chat({ title: 'Учительская' });
    const readOnly = chat({ title: 'Объявления', onlyAdminsWrite: true, canWrite: false });
    const original = message(source, { seq: 1, author: anna, text: 'Экскурсия в музей в среду' });
    const histories = { [source.id]: [original], [target.id]: [] as ReturnType<typeof message>[] };
    const calls = chatServer([withLast(source, original), target, readOnly], histories, ({ method, url, body }) => {
      if (method === 'POST' && url === `/api/chats/${target.id}/messages`) {
        const { clientId } = body as { clientId: string };
        const stored = message(target, { seq: 1, author: me, clientId, text: original.text, forwardedFrom: { author: anna, createdAt: original.createdAt } });
        histories[target.id]!.push(stored);
        return { status: 201, body: stored };
      }
      return undefined;
    });
    const { router } = renderApp(`/chats/${source.id}`);
    const article = (await screen.findByText('Экскурсия в музей в среду')).closest('article')!;
    act(article, 'Переслать');
    const dialog = screen.getByRole('dialog', { name: 'Переслать сообщение' });
    const choices = within(dialog).getByRole('list', { name: 'Куда переслать' });
    expect(within(choices).getAllByRole('button').map((button) => button.textContent)).toEqual(['👥Учительская']);
    fireEvent.click(within(choices).getByRole('button', { name: /Учительская/ }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toEqual({ clientId: expect.any(String), forwardFromId: original.id }));
    const notice = await screen.findByText('Сообщение переслано в «Учительская».');
    fireEvent.click(within(notice).getByRole('link', { name: 'Открыть чат' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/chats/${target.id}`));
    const forwarded = (await within(await screen.findByRole('region', { name: 'Сообщения' })).findByText('Экскурсия в музей в среду')).closest('article')!;
    expect(forwarded.textContent).toContain('Переслано от Анна Смирнова');
  });
});

describe('quiet messages and urgent ones', () => {
  it('a quiet message is shown but not read out, and the list marks its chat «тихо» until it is opened', async () => {
    const open = chat({ title: 'Родители 5А' });
    const other = chat({ title: 'Родители 6Б' });
    chatServer([withLast(open, message(open, { seq: 1 })), withLast(other, message(other, { seq: 1 }))], { [open.id]: [message(open, { seq: 1 })], [other.id]: [message(other, { seq: 1 })] });
    const { router } = renderApp(`/chats/${open.id}`);
    await screen.findByText('Сообщение 1');
    const socket = connect();
    const announcer = screen.getByTestId('chat-announcer');
    socket.serverSend(eventFrame(11, 'message.created', { message: message(open, { seq: 2, author: ivan, text: 'Ребёнок заболел' }), quiet: true }));
    expect(await screen.findByText('Ребёнок заболел')).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(announcer.textContent).toBe('');
    // The same kind of message, not quiet, is read out.
    socket.serverSend(eventFrame(12, 'message.created', { message: message(open, { seq: 3, author: ivan, text: 'Справка будет завтра' }) }));
    await waitFor(() => expect(announcer.textContent).toBe('Иван Петров: Справка будет завтра'));

    socket.serverSend(eventFrame(13, 'message.created', { message: message(other, { seq: 2, author: ivan, text: 'Поздно, но важно' }), quiet: true }));
    const list = screen.getByRole('list', { name: 'Ваши чаты' });
    const otherLink = within(list).getByRole('link', { name: /Родители 6Б/ });
    await waitFor(() => expect(otherLink.textContent).toContain('тихо'));
    expect(within(list).getByRole('link', { name: /Родители 5А/ }).textContent).not.toContain('тихо');
    expect(screen.queryByTestId('chat-list-announcer')?.textContent).toBe('');
    fireEvent.click(otherLink);
    await waitFor(() => expect(router.state.location.pathname).toBe(`/chats/${other.id}`));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Ваши чаты' })).getByRole('link', { name: /Родители 6Б/ }).textContent).not.toContain('тихо'));
  });

  it('parents (not staff) mark a message «Срочно»; it shows the mark', async () => {
    const group = chat({ title: 'Анна Смирнова', kind: 'direct', peer: anna });
    const calls = chatServer(
      [group],
      { [group.id]: [] },
      ({ method, url, body }) => {
        if (method !== 'POST' || !url.endsWith('/messages')) return undefined;
        const { clientId, text } = body as { clientId: string; text: string };
        return { status: 201, body: message(group, { seq: 1, author: me, clientId, text, urgent: true }) };
      },
      ['parent'],
    );
    renderApp(`/chats/${group.id}`);
    const box = await screen.findByLabelText('Сообщение');
    const urgent = screen.getByRole('checkbox', { name: 'Срочно' }) as HTMLInputElement;
    fireEvent.click(urgent);
    fireEvent.change(box, { target: { value: 'Заберу сына в 11:00' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(calls.find((call) => call.method === 'POST' && call.url.endsWith('/messages'))?.body).toEqual({ clientId: expect.any(String), text: 'Заберу сына в 11:00', urgent: true }));
    expect(urgent.checked).toBe(false);
    const sent = (await screen.findByText('Заберу сына в 11:00')).closest('article')!;
    await waitFor(() => expect(within(sent).getByText('Срочно').className).toContain('badge--urgent'));
  });

  it('staff are not offered «Срочно»', async () => {
    const group = chat({ title: 'Учительская' });
    chatServer([group], { [group.id]: [] }, undefined, ['teacher', 'parent']);
    renderApp(`/chats/${group.id}`);
    await screen.findByLabelText('Сообщение');
    expect(screen.queryByRole('checkbox', { name: 'Срочно' })).toBeNull();
  });
});

describe('reports', () => {
  it('«Пожаловаться» asks for a reason and says when the person already reported the message', async () => {
    const group = chat({ title: '5А — физика' });
    const rude = message(group, { seq: 1, author: ivan, text: 'Грубость' });
    const mine = message(group, { seq: 2, author: me, text: 'Моё' });
    let attempts = 0;
    const calls = chatServer([withLast(group, mine)], { [group.id]: [rude, mine] }, ({ method, url }) => {
      if (method !== 'POST' || !url.endsWith(`/messages/${rude.id}/report`)) return undefined;
      attempts += 1;
      return attempts === 1 ? { status: 201, body: { id: crypto.randomUUID() } } : { status: 409, body: { error: { code: 'conflict', message: 'Вы уже пожаловались на это сообщение.' } } };
    });
    renderApp(`/chats/${group.id}`);
    const rudeArticle = (await screen.findByText('Грубость')).closest('article')!;
    const mineArticle = screen.getByText('Моё').closest('article')!;
    fireEvent.click(within(mineArticle).getByRole('button', { name: /^Действия с сообщением/ }));
    expect(within(mineArticle).queryByRole('button', { name: 'Пожаловаться' })).toBeNull();

    act(rudeArticle, 'Пожаловаться');
    let dialog = screen.getByRole('dialog', { name: 'Пожаловаться на сообщение' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отправить жалобу' }));
    expect(within(dialog).getByText('Напишите, что не так с сообщением.')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Причина'), { target: { value: 'Оскорбление одноклассника' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отправить жалобу' }));
    expect(await screen.findByText('Жалоба отправлена. Её рассмотрят администраторы или классный руководитель.')).toBeTruthy();
    expect(calls.find((call) => call.url.endsWith('/report'))?.body).toEqual({ reason: 'Оскорбление одноклассника' });

    act(rudeArticle, 'Пожаловаться');
    dialog = screen.getByRole('dialog', { name: 'Пожаловаться на сообщение' });
    fireEvent.change(within(dialog).getByLabelText('Причина'), { target: { value: 'Ещё раз' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Отправить жалобу' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Вы уже пожаловались на это сообщение.');
  });
});
