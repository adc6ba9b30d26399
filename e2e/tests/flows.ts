import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Browser, type Page } from '@playwright/test';
import { codeFromOutbox } from './outbox.ts';

/**
 * Signs in through the real code flow. A new account is asked for its name (given by `name`);
 * when the code opens several accounts (a parent's e-mail), `account` is the one chosen.
 */
export async function signIn(page: Page, email: string, options: { name?: string; account?: string } = {}) {
  if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
  await page.getByLabel('Электронная почта или телефон').fill(email);
  await page.getByRole('button', { name: 'Получить код' }).click();
  // The same address signed in moments ago (another test): wait out the resend interval, as a person would.
  const codeField = page.getByLabel('Код из сообщения');
  const tooSoon = page.getByText(/Повторите через \d+:\d\d/);
  await expect(codeField.or(tooSoon)).toBeVisible();
  if (await tooSoon.isVisible()) {
    const [, minutes = '0', rest = '30'] = /(\d+):(\d\d)/.exec(await tooSoon.innerText()) ?? [];
    const seconds = Number(minutes) * 60 + Number(rest);
    await page.waitForTimeout((seconds + 1) * 1000);
    await page.getByRole('button', { name: 'Получить код' }).click();
  }
  await codeField.fill(await codeFromOutbox(page, email));
  await page.getByRole('button', { name: 'Войти' }).click();
  if (options.account) {
    await expect(page.getByRole('heading', { name: 'Кто входит?' })).toBeVisible();
    await page.getByRole('button', { name: options.account }).click();
  }
  if (options.name) {
    await expect(page.getByRole('heading', { name: 'Как вас зовут?' })).toBeVisible();
    await page.getByRole('textbox', { name: 'Имя и фамилия' }).fill(options.name);
    await page.getByRole('button', { name: 'Продолжить' }).click();
  }
}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/**
 * A school applies through the public form (no account), and the operator approves it in the
 * queue. Pass the operator's signed-in page to reuse it (a second sign-in within a minute would
 * wait for the resend interval).
 */
export async function registerSchool(browser: Browser, shortName: string, adminEmail: string, options: { adminName?: string; operator?: Page } = {}) {
  const adminName = options.adminName ?? 'Смирнова Анна Викторовна';
  const applicant = await browser.newPage();
  await applicant.goto('/sign-in');
  await applicant.getByRole('link', { name: 'Зарегистрировать организацию' }).click();
  await expect(applicant.getByRole('heading', { name: 'Регистрация организации' })).toBeVisible();
  await applicant.getByLabel('Тип организации').selectOption({ label: 'Школа' });
  await applicant.getByLabel('Полное название').fill(`МБОУ «${shortName}»`);
  await applicant.getByLabel('Краткое название').fill(shortName);
  await applicant.getByLabel('ИНН').fill('6901234567');
  await applicant.getByLabel('Адрес').fill('г. Тверь, ул. Школьная, д. 5');
  await applicant.getByLabel('ФИО').fill(adminName);
  await applicant.getByLabel('Мобильный телефон').fill('+7 916 555-12-34');
  await applicant.getByLabel('Электронная почта').fill(adminEmail);
  await applicant.getByLabel('Скан приказа').setInputFiles({ name: 'приказ.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(applicant.getByText('Файл загружен: «приказ.pdf»', { exact: false })).toBeVisible();
  await applicant.getByRole('button', { name: 'Отправить заявку' }).click();
  await expect(applicant.getByRole('heading', { name: 'Заявка отправлена' })).toBeVisible();
  await applicant.close();

  const operator = options.operator ?? (await operatorPage(browser));
  await operator.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Заявки на регистрацию' }).click();
  await operator.getByRole('link', { name: new RegExp(shortName) }).click();
  await expect(operator.getByText(adminName)).toBeVisible();
  await operator.getByRole('button', { name: 'Одобрить' }).click();
  await expect(operator.getByText(`Заявка «${shortName}» одобрена`, { exact: false })).toBeVisible();
  if (!options.operator) await operator.context().close();
}

/** The platform operator (created on first start), signed in. */
export async function operatorPage(browser: Browser): Promise<Page> {
  const operator = await (await browser.newContext()).newPage();
  await signIn(operator, 'operator@parta.local');
  return operator;
}

/** axe (WCAG 2.1 A/AA rules) finds no serious or critical violation on the page as it is now. */
export async function expectNoSeriousViolations(page: Page, context: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
  expect(serious, `${context}`).toEqual([]);
}
