import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousViolations, operatorPage, registerSchool, signIn } from './flows.ts';

const sampleRoster = readFileSync(new URL('../../apps/web/public/roster-sample.csv', import.meta.url));

/** Opens a section of the organization console («Классы», «Приглашения»…). */
async function openSection(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Организация' }).click();
  await page.getByRole('navigation', { name: 'Разделы организации' }).getByRole('link', { name }).click();
}

/** Makes an invitation link in «Приглашения» and returns its URL (shown once). */
async function makeLink(page: Page, role: string, className?: string): Promise<string> {
  await page.getByLabel('Кого приглашаем').selectOption({ label: role });
  if (className) await page.getByLabel('Класс').selectOption({ label: className });
  await page.getByRole('button', { name: 'Создать ссылку' }).click();
  const link = page.getByRole('textbox', { name: 'Ссылка-приглашение' });
  await expect(link).toBeVisible();
  const url = await link.inputValue();
  expect(url).toMatch(/\/join\/[A-Za-z0-9_-]{32}$/);
  return url;
}

test('a school is set up: roster import, a verified teacher, a parent by QR link, a revoked link, and another school sees none of it', async ({ browser }) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString().slice(-6);
  const schoolName = `Школа № ${suffix}`;
  const adminEmail = `admin.${suffix}@school.test`;
  const operator = await operatorPage(browser);
  await registerSchool(browser, schoolName, adminEmail, { operator });

  // 1. The administrator imports the sample roster: preview first, then it is written.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, adminEmail);
  await openSection(admin, 'Загрузка списков');
  await admin.getByLabel('CSV-файл со списком').setInputFiles({ name: 'roster-sample.csv', mimeType: 'text/csv', buffer: sampleRoster });
  await expect(admin.getByRole('heading', { name: 'Проверка файла «roster-sample.csv»' })).toBeVisible();
  await expectNoSeriousViolations(admin, 'roster preview');
  await admin.getByRole('button', { name: 'Загрузить', exact: true }).click();
  await expect(admin.getByText('Список загружен: добавлено', { exact: false })).toBeVisible();
  await openSection(admin, 'Классы');
  await expect(admin.getByRole('link', { name: '5А', exact: true })).toBeVisible();
  await expect(admin.getByRole('link', { name: '6Б', exact: true })).toBeVisible();

  // 2. It invites a teacher by link; the teacher joins; the administrator confirms the status.
  await openSection(admin, 'Приглашения');
  const teacherLink = await makeLink(admin, 'педагог');
  await admin.getByRole('button', { name: 'Готово' }).click();
  const teacher = await (await browser.newContext()).newPage();
  await teacher.goto(teacherLink);
  await expect(teacher.getByText(schoolName).first()).toBeVisible();
  await teacher.getByRole('link', { name: 'Войти и вступить' }).click();
  await signIn(teacher, `teacher.${suffix}@school.test`, { name: 'Волкова Ирина Олеговна' });
  await teacher.getByRole('button', { name: 'Вступить' }).click();
  await expect(teacher.getByRole('banner')).toContainText(schoolName);

  await openSection(admin, 'Подтверждение статуса');
  await admin.getByRole('button', { name: 'Подтвердить статус: Волкова Ирина Олеговна' }).click();
  await expect(admin.getByText('Статус учителя подтверждён: Волкова Ирина Олеговна.')).toBeVisible();
  // …and makes her the class teacher of 5А.
  await openSection(admin, 'Классы');
  await admin.getByRole('link', { name: '5А', exact: true }).click();
  const classAUrl = admin.url();
  await admin.getByRole('button', { name: 'Классные руководители' }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByRole('checkbox', { name: /Волкова Ирина Олеговна/ }).check();
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await expect(admin.getByText('Классные руководители класса 5А сохранены.')).toBeVisible();
  await expectNoSeriousViolations(admin, 'the class page as an administrator sees it');

  // 3. The teacher invites parents of 5А with a QR code.
  await teacher.reload();
  await openSection(teacher, 'Приглашения');
  const parentLink = await makeLink(teacher, 'родитель', '5А');
  await expect(teacher.getByRole('img', { name: 'QR-код ссылки-приглашения' })).toBeVisible();
  await expectNoSeriousViolations(teacher, 'a new invitation with its QR code');

  // 4. A parent opens it, joins, and sees the class; linked to her child, she sees him there.
  const parent = await (await browser.newContext()).newPage();
  await parent.goto(parentLink);
  await expect(parent.getByText('5А').first()).toBeVisible();
  await expectNoSeriousViolations(parent, 'the invitation landing page');
  await parent.getByRole('link', { name: 'Войти и вступить' }).click();
  await signIn(parent, `parent.${suffix}@school.test`, { name: 'Иванова Светлана Петровна' });
  await parent.getByRole('button', { name: 'Вступить' }).click();
  await expect(parent.getByRole('banner')).toContainText(schoolName);
  await parent.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Мои классы' }).click();
  await expect(parent.getByRole('link', { name: '5А', exact: true })).toBeVisible();

  await admin.reload();
  await admin.getByRole('button', { name: 'Привязать родителя: Иванов Пётр Сергеевич' }).click();
  await admin.getByRole('dialog').getByLabel('Родитель').selectOption({ label: 'Иванова Светлана Петровна' });
  await admin.getByRole('dialog').getByRole('button', { name: 'Привязать' }).click();
  await expect(admin.getByText('Иванова Светлана Петровна — родитель ученика Иванов Пётр Сергеевич.')).toBeVisible();
  await parent.reload();
  await expect(parent.getByRole('main')).toContainText('Иванов Пётр Сергеевич');
  await parent.getByRole('link', { name: '5А', exact: true }).click();
  await expect(parent.getByRole('main')).toContainText('Волкова Ирина Олеговна');
  await expectNoSeriousViolations(parent, 'the class page as a parent sees it');
  // Other parents' contacts are not shown to her.
  await expect(parent.getByRole('main')).not.toContainText('anna.ivanova@example.com');

  // 5. An unused link, revoked, stops working at once.
  await openSection(admin, 'Приглашения');
  const unused = await makeLink(admin, 'руководитель');
  await admin.getByRole('button', { name: 'Готово' }).click();
  await admin.getByRole('button', { name: 'Аннулировать: Приглашение: руководитель' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Аннулировать ссылку' }).click();
  await expect(admin.getByText('Ссылка аннулирована', { exact: false })).toBeVisible();
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(unused);
  await expect(stranger.getByText('Ссылка недействительна')).toBeVisible();
  await expect(stranger.getByRole('main')).not.toContainText(schoolName);

  // 6. The administrator of another school sees none of it.
  const otherEmail = `other.${suffix}@school.test`;
  await registerSchool(browser, `Гимназия № ${suffix}`, otherEmail, { adminName: 'Орлова Светлана Михайловна', operator });
  const other = await (await browser.newContext()).newPage();
  await signIn(other, otherEmail);
  await openSection(other, 'Люди');
  await expect(other.getByRole('main')).toContainText('Орлова Светлана Михайловна');
  await expect(other.getByRole('main')).not.toContainText('Волкова Ирина Олеговна');
  await expect(other.getByRole('main')).not.toContainText('Иванов Пётр');
  await other.goto(new URL(classAUrl).pathname);
  await expect(other.getByText('Класс не найден', { exact: false })).toBeVisible();
  // The API agrees: school A and its class are, for them, ids that do not exist.
  const classAId = /\/classes\/([0-9a-f-]+)/.exec(classAUrl)![1]!;
  const mine = (await (await admin.request.get('/api/organizations')).json()) as { organizations: { id: string }[] };
  const schoolAId = mine.organizations[0]!.id;
  expect((await other.request.get(`/api/organizations/${schoolAId}`)).status()).toBe(404);
  expect((await other.request.get(`/api/organizations/${schoolAId}/classes/${classAId}`)).status()).toBe(404);
  expect((await other.request.get(`/api/organizations/${schoolAId}/members`)).status()).toBe(404);
});
