import { expect, type Page } from '@playwright/test';

/** Reads the newest code sent to `destination` from the development outbox page, as a developer would. */
export async function codeFromOutbox(page: Page, destination: string): Promise<string> {
  const outbox = await page.context().newPage();
  await outbox.goto('/dev/outbox');
  // The newest sign-in code message to this address (other mail, such as an approval, may be newer).
  const entry = outbox.locator('li', { hasText: destination }).filter({ hasText: /код для входа|sign-in code/i }).first();
  await expect(entry).toBeVisible();
  const text = await entry.innerText();
  await outbox.close();
  // «…код для входа в Парту: 123456» — after the colon, so digits in the address never match.
  const code = /:\s*(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in the outbox entry: ${text}`);
  return code;
}
