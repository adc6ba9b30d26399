import { expect, test, type Browser, type BrowserContext, type Locator, type Page, type WebSocketRoute } from '@playwright/test';
import { expectNoSeriousViolations, operatorPage, registerSchool, signIn } from './flows.ts';

/**
 * Chats (issue 4) in three browsers at once: a verified class teacher, a student of her class and
 * a parent of that student. The school is set up through the UI (application, approval, roster
 * import, «Подтвердить статус»); the chats bound to the class follow the roster; messages,
 * replies, edits, deletions, reactions, attachments and read counts travel live; the direct-chat
 * policy keeps a student away from another class's parents; a student who was offline gets
 * exactly what was missed; message text is never HTML; and the phone layout is two screens.
 */

test.describe.configure({ mode: 'serial' });

const suffix = Date.now().toString().slice(-6);
const schoolName = `Лицей № ${suffix}`;
const adminEmail = `admin.${suffix}@school.test`;

const people = {
  teacher: { name: 'Волкова Ирина Олеговна', email: `volkova.${suffix}@school.test` },
  student: { name: 'Иванов Пётр Сергеевич', email: `petr.${suffix}@school.test` },
  classmate: { name: 'Соколова Мария Игоревна', email: `maria.${suffix}@school.test` },
  thirdStudent: { name: 'Лебедев Кирилл Андреевич', email: `kirill.${suffix}@school.test` },
  otherStudent: { name: 'Морозова Алиса Андреевна', email: `alisa.${suffix}@school.test` },
  parent: { name: 'Иванова Анна Викторовна', email: `anna.${suffix}@school.test` },
  otherParent: { name: 'Морозова Ольга Николаевна', email: `olga.${suffix}@school.test` },
} as const;

/** 5А: the teacher's class with two students and one parent; 6Б: another class with its own student and parent. */
const roster = [
  'Класс;Роль;ФИО;Эл. почта;Телефон;Ребёнок',
  `5А;классный руководитель;${people.teacher.name};${people.teacher.email};;`,
  `5А;ученик;${people.student.name};${people.student.email};;`,
  `5А;ученик;${people.classmate.name};${people.classmate.email};;`,
  `5А;ученик;${people.thirdStudent.name};${people.thirdStudent.email};;`,
  `6Б;ученик;${people.otherStudent.name};${people.otherStudent.email};;`,
  `5А;родитель;${people.parent.name};${people.parent.email};;${people.student.name}`,
  `6Б;родитель;${people.otherParent.name};${people.otherParent.email};;${people.otherStudent.name}`,
].join('\r\n');

/** A 16×16 PNG, small enough to inline; the server makes its preview. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAIUlEQVR42mO4YxOFFcnhQAyjGmijYUEUViSHA41qoIkGABVARRDITHUtAAAAAElFTkSuQmCC', 'base64');

let admin: Page;
let teacher: Page;
let student: Page;
let parent: Page;
let organizationId: string;
let classChat: { path: string; title: string };
let parentsChat: { path: string; title: string };
const contexts: BrowserContext[] = [];
/** Any dialog (alert, confirm, prompt) any page opens: none is expected. */
const dialogs: string[] = [];

/**
 * The student's live connection, routed through the test so that «offline» can do to it what
 * losing the network does to a phone: Chromium's offline emulation (`setOffline`) fails requests
 * but leaves an already open WebSocket open (its frames just stop arriving until it is back online).
 */
const studentSocket = { isDown: false, open: new Set<WebSocketRoute>() };

async function routeStudentSocket(context: BrowserContext) {
  await context.routeWebSocket(/\/api\/ws$/, async (socket) => {
    if (studentSocket.isDown) return socket.close({ code: 1001, reason: 'no network' });
    studentSocket.open.add(socket);
    socket.connectToServer();
  });
}

/** The student's network goes away (requests fail, the live connection drops and cannot reconnect) or comes back. */
async function setStudentNetwork(isUp: boolean) {
  studentSocket.isDown = !isUp;
  await student.context().setOffline(!isUp);
  if (isUp) return;
  for (const socket of studentSocket.open) await socket.close({ code: 1001, reason: 'no network' });
  studentSocket.open.clear();
}

/**
 * Runs in every page before the app: keeps each RTCPeerConnection the app makes, so that a test
 * can read its getStats() (frames received) without any hook in the app itself.
 */
function recordPeerConnections() {
  const Original = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = made;
  window.RTCPeerConnection = class extends Original {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      made.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** Video frames this page has decoded from all its peer connections (inbound-rtp framesDecoded). */
async function framesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let frames = 0;
    for (const pc of (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections) {
      const stats = await pc.getStats();
      stats.forEach((stat: { type: string; kind?: string; framesDecoded?: number }) => {
        if (stat.type === 'inbound-rtp' && stat.kind === 'video') frames += stat.framesDecoded ?? 0;
      });
    }
    return frames;
  });
}

async function newPage(browser: Browser, prepare?: (context: BrowserContext) => Promise<void>): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.addInitScript(recordPeerConnections);
  await prepare?.(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return page;
}

/**
 * Signs in through the API (the code flow itself is covered in sign-in.spec.ts): asks for a code,
 * reads it from the development outbox, exchanges it for the session cookies the page then uses.
 */
async function signInWithApi(page: Page, email: string) {
  const request = page.context().request;
  let asked = await request.post('/api/auth/code', { data: { destination: email } });
  // Too many codes asked from this machine within the minute (other flows run before): wait as told.
  for (let attempt = 0; asked.status() === 429 && attempt < 2; attempt += 1) {
    await page.waitForTimeout((Number(asked.headers()['retry-after'] ?? 30) + 1) * 1000);
    asked = await request.post('/api/auth/code', { data: { destination: email } });
  }
  expect(asked.status()).toBe(200);
  const outbox = (await (await request.get('/api/dev/outbox')).json()) as { messages: { to: string; text: string }[] };
  const code = outbox.messages.filter((entry) => entry.to === email).map((entry) => /:\s*(\d{6})\b/.exec(entry.text)?.[1]).find(Boolean);
  expect(code, `a sign-in code for ${email} in the outbox`).toBeTruthy();
  const verified = await request.post('/api/auth/verify', { data: { destination: email, code } });
  expect(verified.status()).toBe(200);
  expect(((await verified.json()) as { status: string }).status).toBe('signed_in');
  await page.goto('/chats');
}

/** Opens a section of the organization console («Классы», «Загрузка списков»…). */
async function openSection(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Организация' }).click();
  await page.getByRole('navigation', { name: 'Разделы организации' }).getByRole('link', { name }).click();
}

/** The messages of the open chat (what is rendered of the virtualised history). */
function messages(page: Page): Locator {
  return page.getByRole('region', { name: 'Сообщения' }).getByRole('article');
}

/** The one message whose own text (not a quote of it in a reply) contains `text`. */
function message(page: Page, text: string): Locator {
  return messages(page).filter({ hasText: text }).filter({ hasNotText: 'В ответ на сообщение:' });
}

function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Сообщение', exact: true });
}

/** Types a message and sends it; waits until the server has it (no longer «Отправляется…»). */
async function send(page: Page, text: string) {
  await composer(page).fill(text);
  await page.getByRole('button', { name: 'Отправить' }).click();
  await expect(composer(page)).toHaveValue('');
  const sent = messages(page).filter({ hasText: text }).last();
  await expect(sent).toBeVisible();
  await expect(sent).not.toContainText('Отправляется…');
}

/** Opens «⋯» of a message and chooses an action («Ответить», «Изменить», «Удалить», «Реакция 👍»). */
async function act(item: Locator, action: string) {
  await item.getByRole('button', { name: /^Действия с сообщением/ }).click();
  await item.getByRole('button', { name: action, exact: true }).click();
}

/** The person's chat list in «Чаты». */
function chatList(page: Page): Locator {
  return page.getByRole('list', { name: 'Ваши чаты' });
}

/** The entry of a chat in the list, by its exact title. */
function chatEntry(page: Page, title: string): Locator {
  return chatList(page).getByRole('link').filter({ has: page.getByText(title, { exact: true }) });
}

/** Opens a chat from the list in «Чаты». */
async function openChat(page: Page, chat: { path: string; title: string }) {
  await page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Чаты' }).click();
  await chatEntry(page, chat.title).click();
  await expect(page).toHaveURL(chat.path);
  await expect(page.getByRole('heading', { level: 2, name: chat.title, exact: true })).toBeVisible();
  await expect(composer(page)).toBeEnabled();
}

/** The chat open on the page now: its path and, from the API, its title. */
async function currentChat(page: Page): Promise<{ path: string; title: string }> {
  await expect(page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
  const path = new URL(page.url()).pathname;
  const chat = (await (await page.request.get(`/api${path}`)).json()) as { title: string };
  return { path, title: chat.title };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  // The school applies and is approved; its administrator imports the roster and confirms the teacher.
  const operator = await operatorPage(browser);
  await registerSchool(browser, schoolName, adminEmail, { operator });
  await operator.context().close();
  admin = await newPage(browser);
  await signIn(admin, adminEmail);
  await openSection(admin, 'Загрузка списков');
  await admin.getByLabel('CSV-файл со списком').setInputFiles({ name: 'список.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${roster}\r\n`) });
  await admin.getByRole('button', { name: 'Загрузить', exact: true }).click();
  await expect(admin.getByText('Список загружен: добавлено', { exact: false })).toBeVisible();
  // The administrator confirms the teacher while the three of them sign in.
  const signedIn = async (email: string, prepare?: (context: BrowserContext) => Promise<void>) => {
    const page = await newPage(browser, prepare);
    await signInWithApi(page, email);
    await expect(page.getByRole('banner')).toContainText(schoolName);
    return page;
  };
  const verify = async () => {
    await openSection(admin, 'Подтверждение статуса');
    await admin.getByRole('button', { name: `Подтвердить статус: ${people.teacher.name}` }).click();
    await expect(admin.getByText(`Статус учителя подтверждён: ${people.teacher.name}.`)).toBeVisible();
  };
  [teacher, student, parent] = await Promise.all([signedIn(people.teacher.email), signedIn(people.student.email, routeStudentSocket), signedIn(people.parent.email), verify()]);
  const mine = (await (await admin.request.get('/api/organizations')).json()) as { organizations: { id: string }[] };
  organizationId = mine.organizations[0]!.id;
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
});

test('1. the class teacher opens «Чат класса» with the roster’s students and «Чат родителей» with their parents', async () => {
  await teacher.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Мои классы' }).click();
  await teacher.getByRole('link', { name: '5А', exact: true }).click();
  await expect(teacher.getByRole('heading', { name: 'Класс 5А' })).toBeVisible();
  const classPage = teacher.url();
  await teacher.getByRole('button', { name: 'Чат класса' }).click();
  classChat = await currentChat(teacher);
  await teacher.getByRole('button', { name: 'Участники', exact: true }).click();
  const classMembers = teacher.getByRole('list', { name: 'Участники чата' });
  await expect(classMembers).toContainText(people.student.name);
  await expect(classMembers).toContainText(people.classmate.name);
  await expect(classMembers).not.toContainText(people.otherStudent.name);
  await expect(classMembers).not.toContainText(people.parent.name);

  await teacher.goto(classPage);
  await teacher.getByRole('button', { name: 'Чат родителей' }).click();
  await expect(teacher).not.toHaveURL(new RegExp(`${classChat.path}$`));
  parentsChat = await currentChat(teacher);
  await teacher.getByRole('button', { name: 'Участники', exact: true }).click();
  const parentMembers = teacher.getByRole('list', { name: 'Участники чата' });
  await expect(parentMembers).toContainText(people.parent.name);
  await expect(parentMembers).not.toContainText(people.otherParent.name);
  await expect(parentMembers).not.toContainText(people.student.name);
});

test('2. a message, a reply, an edit, a reaction, a deletion and the read count travel live between three browsers', async () => {
  // The parents' chat: the teacher writes, the parent (third browser) reads it live and answers.
  await openChat(parent, parentsChat);
  const notice = `Родительское собрание в четверг в 18:00 (${suffix})`;
  await send(teacher, notice);
  await expect(message(parent, notice)).toBeVisible();
  const thanks = `Спасибо, буду (${suffix})`;
  await send(parent, thanks);
  await expect(message(teacher, thanks)).toBeVisible();

  // The class chat: the teacher writes; the student finds it unread in the list and opens the chat.
  await openChat(teacher, classChat);
  const first = `Завтра экскурсия в музей (${suffix})`;
  await send(teacher, first);
  await expect(message(teacher, first).getByRole('button', { name: /^Прочитали/ })).toHaveCount(0);
  await student.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Чаты' }).click();
  await expect(chatEntry(student, classChat.title)).toContainText('1 непрочитанное');
  await openChat(student, classChat);
  await expect(message(student, first)).toBeVisible();
  // The student has seen it: «Прочитали 1» under the teacher's message, without a reload.
  await expect(message(teacher, first).getByRole('button', { name: 'Прочитали 1' })).toBeVisible();

  // A reply: the teacher sees the quote of her message above it.
  await act(message(student, first), 'Ответить');
  await expect(student.getByText(`Ответ: ${people.teacher.name}`)).toBeVisible();
  const answer = `А во сколько сбор? (${suffix})`;
  await send(student, answer);
  const answerOnTeacher = messages(teacher).filter({ hasText: answer });
  await expect(answerOnTeacher).toBeVisible();
  await expect(answerOnTeacher.getByRole('button', { name: /^В ответ на сообщение:/ })).toContainText(first);

  // An edit: «изменено» on the student's side.
  const edited = `Завтра экскурсия в музей, сбор в 9:00 (${suffix})`;
  await act(message(teacher, first), 'Изменить');
  const editBox = teacher.getByRole('textbox', { name: 'Изменить сообщение' });
  await editBox.fill(edited);
  await teacher.getByRole('button', { name: 'Сохранить' }).click();
  await expect(message(student, edited)).toContainText('изменено');

  // A reaction: its count on the teacher's side.
  await act(message(student, edited), 'Реакция 👍');
  await expect(message(teacher, edited).getByRole('button', { name: '👍: 1 реакция' })).toBeVisible();

  // A deletion for everyone: «Сообщение удалено» on the student's side, the text gone.
  const mistake = `Это сообщение отправлено по ошибке (${suffix})`;
  await send(teacher, mistake);
  await expect(message(student, mistake)).toBeVisible();
  await act(message(teacher, mistake), 'Удалить');
  await teacher.getByRole('dialog').getByRole('button', { name: 'Удалить для всех' }).click();
  await expect(student.getByRole('region', { name: 'Сообщения' })).not.toContainText(mistake);
  await expect(messages(student).last()).toContainText('Сообщение удалено');
  await expect(messages(teacher).last()).toContainText('Сообщение удалено');
});

test('2a. an image attached with «Прикрепить файл» arrives with its preview', async () => {
  const caption = `Фото маршрута (${suffix})`;
  const [chooser] = await Promise.all([teacher.waitForEvent('filechooser', { timeout: 10_000 }), teacher.getByRole('button', { name: 'Прикрепить файл' }).click({ timeout: 10_000 })]);
  await chooser.setFiles({ name: 'маршрут.png', mimeType: 'image/png', buffer: png });
  await expect(teacher.getByRole('list', { name: 'Прикреплённые файлы' })).toContainText('маршрут.png');
  await send(teacher, caption);
  const arrived = message(student, caption);
  await expect(arrived).toBeVisible();
  const preview = arrived.getByRole('link', { name: 'Открыть изображение маршрут.png' }).getByRole('img', { name: 'маршрут.png' });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
});

test('3. a student is not offered, and may not open, a direct chat with a parent of another class', async () => {
  await student.getByRole('button', { name: 'Написать' }).click();
  const dialog = student.getByRole('dialog', { name: 'Написать' });
  const contacts = dialog.getByRole('list', { name: 'Кому написать' });
  await expect(contacts.getByRole('button', { name: new RegExp(people.teacher.name) })).toBeVisible();
  await expect(contacts.getByRole('button', { name: new RegExp(people.classmate.name) })).toBeVisible();
  await expect(contacts).not.toContainText(people.otherParent.name);
  await expect(contacts).not.toContainText(people.parent.name);
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  await expect(dialog).toBeHidden();

  // The API refuses it too, with the reason in Russian.
  const members = (await (await admin.request.get(`/api/organizations/${organizationId}/members`)).json()) as { members: { id: string; displayName: string }[] };
  const otherParentId = members.members.find((member) => member.displayName === people.otherParent.name)?.id;
  expect(otherParentId).toBeTruthy();
  const answer = await student.evaluate(
    async ({ organizationId, userId }) => {
      const csrf = decodeURIComponent(/(?:^|;\s*)parta_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');
      const response = await fetch(`/api/organizations/${organizationId}/direct-chats`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'accept-language': 'ru' },
        body: JSON.stringify({ userId }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
    },
    { organizationId, userId: otherParentId! },
  );
  expect(answer.status).toBe(403);
  expect(answer.body.error?.code).toBe('forbidden');
  expect(answer.body.error?.message).toBe('Ученик может написать сотрудникам школы и одноклассникам.');
});

test('4. a student offline while the teacher writes gets exactly the 3 missed messages, once each, in order, without a reload', async () => {
  await expect(student).toHaveURL(classChat.path);
  const status = student.getByRole('banner').getByRole('status');
  await expect(status).toHaveText('В сети');
  // A mark on this document: still there at the end means nothing reloaded the page.
  await student.evaluate(() => ((window as { __sameDocument?: boolean }).__sameDocument = true));
  await setStudentNetwork(false);
  await expect(status).toHaveText('Нет связи');
  const missed = [1, 2, 3].map((n) => `Пока вас не было, сообщение ${n} (${suffix})`);
  for (const text of missed) await send(teacher, text);
  for (const text of missed) await expect(message(student, text)).toHaveCount(0);
  await setStudentNetwork(true);
  await expect(status).toHaveText('В сети');
  for (const text of missed) await expect(message(student, text)).toHaveCount(1);
  const shown = await messages(student).allInnerTexts();
  const positions = missed.map((text) => shown.findIndex((item) => item.includes(text)));
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  expect(new Set(positions).size).toBe(3);
  expect(await student.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});

test('5. text that looks like HTML, a script or a javascript: link arrives as plain text; nothing runs, no dialog opens', async () => {
  const fixtures = ['<img src=x onerror=window.__xss=1>', '<script>window.__xss=1</script>', '[x](javascript:window.__xss=1)', 'javascript:window.__xss=1'];
  for (const text of fixtures) await send(teacher, text);
  for (const page of [student, teacher]) {
    const all = messages(page);
    await expect(all.last()).toContainText(fixtures[3]!);
    const total = await all.count();
    for (const [index, text] of fixtures.entries()) await expect(all.nth(total - fixtures.length + index)).toContainText(text);
    const history = page.getByRole('region', { name: 'Сообщения' });
    await expect(history.locator('img[src="x"], script, a[href^="javascript:"]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  }
  expect(dialogs).toEqual([]);
});

test('6. on a phone the chat list and a chat are separate screens with a back link; axe finds no serious violation on either', async () => {
  await student.setViewportSize({ width: 390, height: 844 });
  await student.goto('/chats');
  await expect(chatList(student)).toBeVisible();
  await expect(composer(student)).toHaveCount(0);
  await expectNoSeriousViolations(student, 'the chat list on a phone');

  await chatEntry(student, classChat.title).click();
  await expect(student.getByRole('heading', { level: 2, name: classChat.title, exact: true })).toBeVisible();
  await expect(composer(student)).toBeVisible();
  await expect(chatList(student)).toBeHidden();
  const back = student.getByRole('link', { name: 'Все чаты' });
  await expect(back).toBeVisible();
  await expectNoSeriousViolations(student, 'an open chat on a phone');

  await back.click();
  await expect(student).toHaveURL(/\/chats$/);
  await expect(chatList(student)).toBeVisible();
  await expect(composer(student)).toHaveCount(0);
});

test('7. a one-to-one video call: the teacher calls the parent from their direct chat, both receive video frames, and the chat records it', async () => {
  await teacher.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Чаты' }).click();
  await teacher.getByRole('button', { name: 'Написать' }).click();
  await teacher.getByRole('dialog', { name: 'Написать' }).getByRole('list', { name: 'Кому написать' }).getByRole('button', { name: new RegExp(people.parent.name) }).click();
  await expect(teacher.getByRole('heading', { level: 2, name: people.parent.name })).toBeVisible();
  await teacher.getByRole('button', { name: 'Видеозвонок' }).click();
  const teacherCall = teacher.getByRole('region', { name: `Звонок: ${people.parent.name}` });
  await expect(teacherCall).toContainText('Вызов…');

  // The parent's browser rings wherever she is; she answers with video.
  const ring = parent.getByRole('dialog', { name: `${people.teacher.name}: видеозвонок` });
  await expect(ring).toBeVisible();
  await ring.getByRole('button', { name: 'Ответить с видео' }).click();
  const parentCall = parent.getByRole('region', { name: `Звонок: ${people.teacher.name}` });
  await expect(parentCall).toContainText(/В звонке/);
  await expect(teacherCall).toContainText(/В звонке/);

  // Media flows both ways, peer to peer: each side decodes the other's (fake camera) video.
  await expect.poll(() => framesReceived(teacher), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(() => framesReceived(parent), { timeout: 20_000 }).toBeGreaterThan(0);

  // Muting shows on the other side; hanging up ends the call for both, and the chat says so.
  await parentCall.getByRole('button', { name: 'Выключить микрофон' }).click();
  await expect(teacherCall.getByLabel('микрофон выключен')).toBeVisible();
  await teacherCall.getByRole('button', { name: 'Завершить', exact: true }).click();
  await expect(parentCall).toBeHidden();
  await expect(teacherCall).toBeHidden();
  await expect(messages(teacher).last()).toContainText(/Видеозвонок · \d+ с/);
});

test('8. a video lesson through the media server: the teacher starts it in one click, three students watch her video and screen, a hand goes up, she mutes everyone and ends it; the attendance is in the class chat', async ({ browser }) => {
  test.setTimeout(180_000);
  // Two more students of 5А, each in a browser of their own.
  const signedIn = async (email: string) => {
    const page = await newPage(browser);
    await signInWithApi(page, email);
    return page;
  };
  const [classmate, third] = [await signedIn(people.classmate.email), await signedIn(people.thirdStudent.email)];
  const students = [student, classmate, third];
  // Test 6 left the student on a phone-sized screen: back to a laptop for the lesson.
  await student.setViewportSize({ width: 1280, height: 800 });

  // «Новый урок в один клик» on the class page.
  await teacher.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Мои классы' }).click();
  await teacher.getByRole('link', { name: '5А', exact: true }).click();
  await teacher.getByRole('button', { name: 'Новый урок в один клик' }).click();
  const teacherLesson = teacher.getByRole('region', { name: 'Звонок: Урок 5А' });
  await expect(teacherLesson).toBeVisible();

  // The students find it in the class chat and join.
  for (const page of students) {
    await openChat(page, classChat);
    await page.getByRole('button', { name: 'Присоединиться' }).click();
    await expect(page.getByRole('region', { name: 'Звонок: Урок 5А' })).toBeVisible();
  }
  await expect(teacherLesson.getByRole('button', { name: 'Участники (4)' })).toBeVisible();
  // Each of them decodes the teacher's video from the media server.
  for (const page of students) await expect.poll(() => framesReceived(page), { timeout: 20_000 }).toBeGreaterThan(0);

  // Her screen instead of her camera: the students go on receiving frames.
  await teacherLesson.getByRole('button', { name: 'Показать экран' }).click();
  await expect(teacherLesson.getByRole('button', { name: 'Остановить показ' })).toBeVisible();
  for (const page of students) {
    const before = await framesReceived(page);
    await expect.poll(() => framesReceived(page), { timeout: 10_000 }).toBeGreaterThan(before + 10);
    // The screen-share view: her picture large, the others in a strip.
    await expect(page.getByRole('region', { name: 'Звонок: Урок 5А' }).getByRole('figure', { name: `${people.teacher.name} показывает экран` })).toBeVisible();
  }

  // The chat beside the video: a student writes in it; the teacher sees the unread count, opens it and reads.
  await student.getByRole('region', { name: 'Звонок: Урок 5А' }).getByRole('button', { name: 'Чат', exact: true }).click();
  const studentCallChat = student.getByRole('region', { name: 'Чат звонка' });
  await studentCallChat.getByRole('textbox', { name: 'Сообщение', exact: true }).fill('Видно доску, спасибо!');
  await studentCallChat.getByRole('textbox', { name: 'Сообщение', exact: true }).press('Enter');
  await expect(studentCallChat).toContainText('Видно доску, спасибо!');
  await teacherLesson.getByRole('button', { name: /^Чат\s*, непрочитанных: 1$/ }).click();
  await expect(teacher.getByRole('region', { name: 'Чат звонка' })).toContainText('Видно доску, спасибо!');

  // A hand goes up; the teacher sees the queue; she mutes everyone.
  const classmateLesson = classmate.getByRole('region', { name: 'Звонок: Урок 5А' });
  await classmateLesson.getByRole('button', { name: 'Поднять руку' }).click();
  await expect(teacherLesson.getByRole('region', { name: 'Подняли руку' })).toContainText(people.classmate.name);
  await teacherLesson.getByRole('button', { name: 'Выключить микрофон всем' }).click();
  for (const page of students) await expect(page.getByRole('region', { name: 'Звонок: Урок 5А' })).toContainText('Ведущий выключил ваш микрофон');
  await expect(classmateLesson.getByRole('button', { name: 'Включить микрофон' })).toBeDisabled();

  // She ends the lesson for everyone: the windows close and the class chat has the attendance.
  await teacherLesson.getByRole('button', { name: 'Завершить для всех' }).click();
  for (const page of [teacher, ...students]) await expect(page.getByRole('region', { name: 'Звонок: Урок 5А' })).toBeHidden();
  const ended = messages(student).filter({ hasText: 'Урок «Урок 5А» завершён' });
  await expect(ended).toContainText('пришли 4 из 4');
  await ended.getByText('Посещаемость').click();
  for (const name of [people.teacher.name, people.student.name, people.classmate.name, people.thirdStudent.name]) await expect(ended).toContainText(name);
  await classmate.context().close();
  await third.context().close();
});

/** Inbound video streams this page decodes frames of (one per speaker it watches). */
async function videoStreamsDecoding(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let streams = 0;
    for (const pc of (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((stat: { type: string; kind?: string; framesDecoded?: number }) => {
        if (stat.type === 'inbound-rtp' && stat.kind === 'video' && (stat.framesDecoded ?? 0) > 0) streams += 1;
      });
    }
    return streams;
  });
}

test('9. a broadcast: the administrator starts «Последний звонок» with the teacher as a second speaker, both go on air, a signed-out browser watches both by the public link and is counted, then the link is revoked and the broadcast ended', async ({ browser }) => {
  test.setTimeout(180_000);
  const title = `Последний звонок ${suffix}`;
  await admin.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Трансляции' }).click();
  await admin.getByRole('button', { name: 'Новая трансляция' }).click();
  await expectNoSeriousViolations(admin, 'broadcasts with the new-broadcast form');
  await admin.getByLabel('Название').fill(title);
  await admin.getByRole('checkbox', { name: people.teacher.name }).check();
  await admin.getByRole('button', { name: 'Создать трансляцию' }).click();
  await expect(admin.getByRole('heading', { name: title })).toBeVisible();
  await admin.getByRole('button', { name: 'Выйти в эфир' }).click();
  await expect(admin.getByText('Вы в эфире')).toBeVisible();

  // The teacher finds it among the school's broadcasts and goes on air too; each speaker sees the other.
  await teacher.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Трансляции' }).click();
  await teacher.getByRole('link', { name: title }).click();
  await teacher.getByRole('button', { name: 'Выйти в эфир' }).click();
  await expect(teacher.getByText('Вы в эфире')).toBeVisible();
  await expect.poll(() => videoStreamsDecoding(admin), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);

  // Someone without an account opens the public link in a browser of their own.
  const watchUrl = await admin.getByRole('link', { name: 'Смотреть как зритель' }).getAttribute('href');
  expect(watchUrl).toMatch(/\/watch\/[\w-]+$/);
  const viewer = await newPage(browser);
  await viewer.goto(watchUrl!);
  await expect(viewer.getByRole('heading', { name: title })).toBeVisible();
  for (const name of [people.teacher.name]) await expect(viewer.getByRole('figure', { name })).toBeVisible();
  await expect(viewer.getByRole('list', { name: 'Выступающие в эфире' }).getByRole('figure')).toHaveCount(2);
  // Both speakers' video is decoded; sound waits for a click.
  await expect.poll(() => videoStreamsDecoding(viewer), { timeout: 20_000 }).toBe(2);
  await viewer.getByRole('button', { name: 'Включить звук' }).click();
  await expect(viewer.getByRole('button', { name: 'Выключить звук' })).toBeVisible();
  // Counted, for the viewer and on the administrator's page; the viewer has no way to publish.
  await expect(viewer.getByText('Смотрят: 1')).toBeVisible({ timeout: 15_000 });
  await expect(admin.getByText('Смотрят сейчас: 1')).toBeVisible({ timeout: 15_000 });
  await expectNoSeriousViolations(viewer, 'watch page, live');
  await expectNoSeriousViolations(admin, 'broadcast page with the studio');
  await expect(viewer.getByRole('button', { name: 'Выйти в эфир' })).toHaveCount(0);
  expect(await viewer.context().cookies()).toEqual([]);

  // The administrator revokes the link: the viewer is cut off at once and told why.
  await admin.getByRole('button', { name: 'Отозвать ссылку' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Отозвать' }).click();
  await expect(viewer.getByText('Ссылка на трансляцию отозвана.')).toBeVisible();
  await viewer.reload();
  await expect(viewer.getByText('Ссылка недействительна или отозвана.')).toBeVisible();

  // Ended for everyone: the teacher's studio closes.
  await admin.getByRole('button', { name: 'Завершить трансляцию' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Завершить' }).click();
  await expect(admin.getByText('Завершена', { exact: true })).toBeVisible();
  await expect(teacher.getByRole('button', { name: 'Выйти в эфир' })).toHaveCount(0);
  await expect(teacher.getByText('Завершена', { exact: true })).toBeVisible();
  await viewer.context().close();
});
