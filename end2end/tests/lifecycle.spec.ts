// The account lifecycle in the browser: changing the password signs out the account's
// other sessions, and a revoked share link stops working.
import { test, expect, hydrated, signUp, newProjectFromTemplate } from '../support/fixtures';

test('changing the password signs out the other sessions', async ({ page, browser, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'pia', 'old password');

  // A second browser signed in to the same account.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`${server.baseUrl}/login`);
  await hydrated(other);
  await other.getByLabel('User name').fill('pia');
  await other.getByLabel('Password', { exact: true }).fill('old password');
  await other.getByRole('button', { name: 'Log in' }).click();
  await expect(other).toHaveURL(`${server.baseUrl}/account`);

  // Both sessions are listed, this one marked.
  await page.reload();
  await hydrated(page);
  const sessions = page.getByTestId('sessions');
  await expect(sessions.locator('tbody tr')).toHaveCount(2);
  await expect(sessions).toContainText('this session');

  const security = page.getByTestId('security');
  await security.getByLabel('Current password').fill('old password');
  await security.getByLabel('New password', { exact: true }).fill('new password');
  await security.getByLabel('Repeat new password').fill('new password');
  await security.getByRole('button', { name: 'Change password' }).click();
  await expect(security.getByTestId('signed-out').first()).toHaveText('1 other session was signed out.');
  await expect(sessions.locator('tbody tr')).toHaveCount(1);

  // The other browser is a visitor now.
  await other.goto(`${server.baseUrl}/account`);
  await expect(other).toHaveURL(`${server.baseUrl}/login?next=/account`);
  expect(consoleErrors).toEqual([]);
});

test('a revoked share link stops working', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'rex', 'rex password');
  await newProjectFromTemplate(page, server.baseUrl, 'Revoked');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByLabel('Link lasts').selectOption('7');
  await page.getByRole('button', { name: 'Create link' }).click();
  const link = page.getByTestId('share-link');
  await expect(link).toHaveText(new RegExp(`^${server.baseUrl}/share/[a-z0-9]{10}$`));
  const address = (await link.textContent()) ?? '';
  const shares = page.getByTestId('shares');
  await expect(shares.locator('tbody tr')).toHaveCount(1);

  await shares.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('share-panel')).toContainText('No live links.');

  await page.goto(address);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not available');
  await expect(page.locator('.error-page')).toContainText('does not exist or has ended');
  expect(consoleErrors).toEqual([]);
});
