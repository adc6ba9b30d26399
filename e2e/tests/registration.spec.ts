import { expect, test, type Page } from '@playwright/test';
import { codeFromOutbox } from './outbox.ts';

/** Signs in through the real code flow; a new account is asked for a name first. */
async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Электронная почта или телефон').fill(email);
  await page.getByRole('button', { name: 'Получить код' }).click();
  await page.getByLabel('Код из сообщения').fill(await codeFromOutbox(page, email));
  await page.getByRole('button', { name: 'Войти' }).click();
}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

test('an organization applies, the operator approves it, and its administrator signs in to it', async ({ browser }) => {
  const suffix = Date.now().toString().slice(-6);
  const shortName = `Школа № ${suffix}`;
  const adminEmail = `director.${suffix}@school.test`;

  // 1. A school applies, from the link on the sign-in page, without an account.
  const applicant = await browser.newPage();
  await applicant.goto('/sign-in');
  await applicant.getByRole('link', { name: 'Зарегистрировать организацию' }).click();
  await expect(applicant.getByRole('heading', { name: 'Регистрация организации' })).toBeVisible();
  await applicant.getByLabel('Тип организации').selectOption({ label: 'Школа' });
  await applicant.getByLabel('Полное название').fill(`МБОУ «Средняя школа № ${suffix}»`);
  await applicant.getByLabel('Краткое название').fill(shortName);
  await applicant.getByLabel('ИНН').fill('6901234567');
  await applicant.getByLabel('Адрес').fill('г. Тверь, ул. Школьная, д. 5');
  await applicant.getByLabel('ФИО').fill('Смирнова Анна Викторовна');
  await applicant.getByLabel('Мобильный телефон').fill('+7 916 555-12-34');
  await applicant.getByLabel('Электронная почта').fill(adminEmail);
  await applicant.getByLabel('Скан приказа').setInputFiles({ name: 'приказ.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(applicant.getByText('Файл загружен: «приказ.pdf»', { exact: false })).toBeVisible();
  await applicant.getByRole('button', { name: 'Отправить заявку' }).click();
  await expect(applicant.getByRole('heading', { name: 'Заявка отправлена' })).toBeVisible();
  await applicant.close();

  // 2. The platform operator (created on first start) reviews and approves it.
  const operatorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  await signIn(operator, 'operator@parta.local');
  await operator.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Заявки на регистрацию' }).click();
  await operator.getByRole('link', { name: new RegExp(shortName) }).click();
  await expect(operator.getByText('Смирнова Анна Викторовна')).toBeVisible();
  await operator.getByRole('button', { name: 'Одобрить' }).click();
  await expect(operator.getByText(`Заявка «${shortName}» одобрена`, { exact: false })).toBeVisible();
  await operatorContext.close();

  // 3. The administrator signs in with the e-mail from the application and is in the school.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, adminEmail);
  await admin.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Организация' }).click();
  await expect(admin.getByRole('heading', { name: shortName })).toBeVisible();
  await expect(admin.getByRole('main')).toContainText('администратор');
  // The header names the organization the person works in.
  await expect(admin.getByRole('banner')).toContainText(shortName);
  await adminContext.close();
});
