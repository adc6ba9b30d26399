import { expect, test } from '@playwright/test';
import { codeFromOutbox } from './outbox.ts';

test('a new user signs in with the code from the outbox, switches language, reloads, signs out', async ({ page }) => {
  const email = `new.teacher.${Date.now()}@school.test`;

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');

  await page.getByLabel('Электронная почта или телефон').fill(email);
  await page.getByRole('button', { name: 'Получить код' }).click();
  const code = await codeFromOutbox(page, email);
  await page.getByLabel('Код из сообщения').fill(code);
  await page.getByRole('button', { name: 'Войти' }).click();

  // A new account is asked for a name first.
  await expect(page.getByRole('heading', { name: 'Как вас зовут?' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Имя и фамилия' }).fill('Мария Ивановна');
  await page.getByRole('button', { name: 'Продолжить' }).click();

  // The shell, in Russian, connected in real time.
  const nav = page.getByRole('navigation').first();
  await expect(nav.getByRole('link', { name: 'Чаты' })).toBeVisible();
  await expect(page.getByText('Мария Ивановна').first()).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');

  // Switch to English.
  await page.getByLabel('Язык').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(nav.getByRole('link', { name: 'Chats' })).toBeVisible();

  // A reload keeps the session and the language.
  await page.reload();
  await expect(page.getByRole('navigation').first().getByRole('link', { name: 'Chats' })).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');

  // Sign out.
  await page.getByRole('button', { name: /Мария Ивановна/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).or(page.getByRole('button', { name: 'Sign out', exact: true })).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const me = await page.request.get('/api/me');
  expect(me.status()).toBe(401);
});

test('a wrong code is refused with a clear Russian message', async ({ page }) => {
  const email = `wrong.code.${Date.now()}@school.test`;
  await page.goto('/sign-in');
  await page.getByLabel('Электронная почта или телефон').fill(email);
  await page.getByRole('button', { name: 'Получить код' }).click();
  const code = await codeFromOutbox(page, email);
  const wrong = code === '000000' ? '111111' : '000000';
  await page.getByLabel('Код из сообщения').fill(wrong);
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /Неверный код/ })).toBeVisible();
});
