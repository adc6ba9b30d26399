import { expect, test } from '@playwright/test';
import { registerSchool, signIn } from './flows.ts';

test('an organization applies, the operator approves it, and its administrator signs in to it', async ({ browser }) => {
  const suffix = Date.now().toString().slice(-6);
  const shortName = `Школа № ${suffix}`;
  const adminEmail = `director.${suffix}@school.test`;

  // A school applies from the link on the sign-in page, without an account; the platform
  // operator (created on first start) reviews and approves it.
  await registerSchool(browser, shortName, adminEmail);

  // The administrator signs in with the e-mail from the application and is in the school.
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
