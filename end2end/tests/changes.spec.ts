// Change intelligence in the browser: the Publish dialog shows what a version changes
// against the release before it, refuses a number that hides a break, and the asset page
// lists the changes and compares versions.
import { test, expect, hydrated, signUp, newProjectFromTemplate } from '../support/fixtures';
import type { Page } from '@playwright/test';

/** Selects the first match of `text` with the editor's search (Ctrl-F, Enter). */
async function select(page: Page, text: string) {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+f');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
}

test('a breaking change needs a major release; the Changes card and the compare view show it', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'gina', 'gina password');
  await newProjectFromTemplate(page, server.baseUrl, 'Orders');

  // 1.0.0 as the template has it.
  await page.getByRole('button', { name: 'Publish' }).click();
  let dialog = page.getByRole('dialog', { name: 'Publish to the exchange' });
  await expect(dialog.getByLabel('Version')).toHaveValue('1.0.0');
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByTestId('published')).toContainText('/exchange/gina/orders/1.0.0');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Consumers send `Order`: its `currency` becomes required. They receive `OrderApproved`:
  // its `approvedAt` goes (the property and its place in `required`).
  await select(page, 'customerId, items]');
  await page.keyboard.type('customerId, currency, items]');
  await select(page, 'orderId, approvedAt]');
  await page.keyboard.type('orderId]');
  await select(page, 'approvedAt:');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+Shift+K');
  await expect(page.locator('.cm-content')).not.toContainText('approvedAt');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });

  // The dialog shows both changes with their lines and calls for 2.0.0.
  await page.getByRole('button', { name: 'Publish' }).click();
  dialog = page.getByRole('dialog', { name: 'Publish to the exchange' });
  await dialog.getByLabel('Version').fill('1.1.0');
  const preview = dialog.getByTestId('publish-preview');
  await expect(preview).toContainText('Changes since 1.0.0');
  await expect(preview).toContainText('does not allow a breaking change');
  await expect(preview.getByTestId('suggested-by-changes')).toHaveText('2.0.0');
  const currency = preview.locator('li.change.breaking', { hasText: 'currency' }).first();
  await expect(currency).toContainText(/order-service\.yaml:\d+/);
  const approvedAt = preview.locator('li.change.breaking', { hasText: 'approvedAt' }).first();
  // Removed: located where it was, in the release compared with.
  await expect(approvedAt).toContainText(/orders-1\.0\.0\.yaml:\d+/);

  // 1.1.0 is refused, with the changes; 2.0.0 is accepted.
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByRole('alert')).toContainText('breaks consumers of 1.0.0');
  await expect(dialog.getByRole('alert')).toContainText('2.0.0');
  await preview.getByTestId('suggested-by-changes').click();
  await expect(dialog.getByLabel('Version')).toHaveValue('2.0.0');
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByTestId('published')).toContainText('/exchange/gina/orders/2.0.0');

  // The asset page: 2.0.0's changes against 1.0.0, marked breaking; the compare view.
  await page.goto(`${server.baseUrl}/exchange/gina/orders/2.0.0`);
  await hydrated(page);
  const changes = page.getByTestId('changes');
  const v2 = changes.locator('.version-changes[data-version="2.0.0"]');
  await expect(v2).toContainText('2.0.0 (since 1.0.0)');
  await expect(v2.locator('.badge.breaking')).toHaveText('breaking');
  await expect(v2).toContainText('approvedAt');
  await expect(v2).toContainText('currency');
  await changes.getByTestId('compare-from').selectOption('1.0.0');
  await changes.getByTestId('compare-to').selectOption('2.0.0');
  await changes.getByRole('button', { name: 'Compare' }).click();
  await expect(changes.getByTestId('compared')).toContainText('major release');
  await expect(changes.getByTestId('compared')).toContainText('approvedAt');

  // The versions table marks the release that breaks; the feed tells followers.
  const versions = page.getByTestId('versions');
  await expect(versions.locator('tr[data-version="2.0.0"]').getByTestId('version-breaking')).toHaveText('breaking');
  await expect(versions.locator('tr[data-version="1.0.0"]').getByTestId('version-breaking')).toHaveCount(0);
  const feedUrl = await page.getByTestId('feed').getAttribute('href');
  const feed = await page.request.get(`${server.baseUrl}${feedUrl}`);
  expect(feed.headers()['content-type']).toContain('application/atom+xml');
  expect(await feed.text()).toContain('<title>2.0.0 (breaking)</title>');

  expect(consoleErrors).toEqual([]);
});

test('an organisation admin gives a change rule another level on the rules page', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'hugo', 'hugo password');
  await page.goto(`${server.baseUrl}/exchange/rules`);
  await hydrated(page);
  const rules = page.getByTestId('rules');
  const enumAdded = rules.locator('tr[data-rule="response-enum-value-added"]');
  await expect(enumAdded).toContainText('receives');
  await page.getByLabel('Filter rules').fill('enum');
  await expect(rules.locator('tr[data-rule="operation-removed"]')).toBeHidden();
  await expect(enumAdded).toBeVisible();
  await enumAdded.getByText('Example').click();
  await expect(enumAdded.locator('.rule-example')).toContainText('Before');

  // Choose the organisation: its admin may change levels.
  await page.getByTestId('rules-organization').selectOption('hugo');
  await expect(page).toHaveURL(/org=hugo/);
  const level = rules.locator('tr[data-rule="response-enum-value-added"]').getByTestId('rule-level');
  await level.selectOption('breaking');
  await page.getByTestId('save-rule-levels').click();
  await expect(page.getByRole('status')).toContainText('Saved: 1 rule');

  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('rules').locator('tr[data-rule="response-enum-value-added"]').getByTestId('rule-level')).toHaveValue('breaking');
  expect(consoleErrors).toEqual([]);
});
