import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './flows.ts';
import { codeFromOutbox } from './outbox.ts';

/**
 * The sign-in flow and the shell work from the keyboard alone, and axe finds no serious or
 * critical accessibility violation on any page a newcomer meets (WCAG 2.1 A/AA rules).
 */


test('a person signs in and moves around using only the keyboard; no serious axe violations on the way', async ({ page }) => {
  const email = `keyboard.${Date.now()}@school.test`;
  await page.goto('/sign-in');
  await expectNoSeriousViolations(page, 'sign-in page');

  // The address field has focus on arrival; Enter submits.
  await expect(page.getByLabel('Электронная почта или телефон')).toBeFocused();
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');

  const codeField = page.getByLabel('Код из сообщения');
  await expect(codeField).toBeFocused();
  await expectNoSeriousViolations(page, 'code step');
  await page.keyboard.type(await codeFromOutbox(page, email));
  await page.keyboard.press('Enter');

  const nameField = page.getByRole('textbox', { name: 'Имя и фамилия' });
  await expect(nameField).toBeFocused();
  await expectNoSeriousViolations(page, 'name step');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Пётр Клавиатурин');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toContainText('Пётр Клавиатурин');
  await expectNoSeriousViolations(page, 'home');

  // The first Tab reaches the skip link, which moves focus to the main content.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Перейти к содержимому' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();

  // Tabbing on reaches the navigation; Enter on a section opens it.
  const chats = page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Чаты' });
  await page.keyboard.press('Shift+Tab');
  for (let i = 0; i < 20 && !(await chats.evaluate((element) => element === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(chats).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/chats/);
  await expectNoSeriousViolations(page, 'chats placeholder');
});
