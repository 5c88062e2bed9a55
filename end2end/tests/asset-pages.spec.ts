import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, hydrated, signUp } from '../support/fixtures';

const repoRoot = path.resolve(__dirname, '..', '..');
const orderService = readFileSync(path.join(repoRoot, 'app/src/design/templates/order-service.yaml'), 'utf8');

test('owners write markdown pages on an asset; markup in them stays text', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'quinn', 'quinn password');
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  const published = await page.request.put(`${server.baseUrl}/api/v1/assets/quinn/orders/1.0.0`, {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/yaml' },
    data: orderService,
  });
  expect(published.status()).toBe(201);

  await page.goto(`${server.baseUrl}/exchange/quinn/orders`);
  await hydrated(page);
  const pages = page.getByTestId('asset-pages');
  await expect(pages).toContainText('No pages yet');
  await pages.getByRole('button', { name: '+ New page' }).click();
  await pages.getByLabel('Title').fill('Getting started');
  await pages.getByLabel('Markdown').fill('## Connect\n\nUse **mqtt://localhost:1883**.\n\n<script>window.__pwned = 1</script>');
  // The preview renders as the author types.
  await expect(pages.locator('.page-preview h2')).toHaveText('Connect');
  await pages.getByRole('button', { name: 'Save page' }).click();

  const shown = pages.getByTestId('asset-page');
  await expect(shown.locator('h2')).toHaveText('Connect');
  await expect(shown.locator('strong')).toHaveText('mqtt://localhost:1883');
  await expect(shown).toContainText('<script>window.__pwned = 1</script>');
  await expect(shown.locator('script')).toHaveCount(0);

  // It is there for the next visitor, and it can be edited.
  await page.reload();
  await hydrated(page);
  await expect(pages.getByRole('button', { name: 'Getting started' })).toBeVisible();
  await pages.getByRole('button', { name: 'Edit page' }).click();
  await pages.getByLabel('Markdown').fill('## Connect\n\nUse the bundled broker.');
  await pages.getByRole('button', { name: 'Save page' }).click();
  await expect(pages.getByTestId('asset-page')).toContainText('Use the bundled broker.');
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(consoleErrors).toEqual([]);
});
