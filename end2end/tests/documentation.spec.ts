import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, hydrated, signUp } from '../support/fixtures';

const repoRoot = path.resolve(__dirname, '..', '..');
const portico = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target', 'debug', 'portico');

test('an asset page renders the documentation of its version', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'gina', 'gina password');
  await page.goto(`${server.baseUrl}/exchange/portico/order-service`);
  await hydrated(page);
  const docs = page.getByTestId('documentation');
  await expect(docs.getByRole('heading', { name: 'Channels' })).toBeVisible();
  // Channels with their addresses, operations with their action, messages with payload trees.
  await expect(docs.locator('.channel .channel-address')).toHaveText(['order', 'order-approved', 'order-failed']);
  await expect(docs.locator('.operation .badge.action-send')).toHaveCount(2);
  const failed = docs.locator('#message-OrderFailed');
  await expect(failed.locator('.schema-name')).toContainText(['orderId', 'reason']);
  await expect(failed).toContainText('payment-declined');
  await expect(failed.locator('.badge.required')).toHaveCount(2);
  // Markdown in descriptions is rendered.
  await expect(docs.locator('.doc-info .markdown code').first()).toHaveText('Order');

  // Sections fold without a reload; the table of contents opens the one it links to.
  const approved = docs.locator('#channel-order-approved');
  await approved.locator('.fold-head').click();
  await expect(approved.locator('.fold-body')).toHaveCount(0);
  await docs.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'order-approved' }).click();
  await expect(approved.locator('.fold-body')).toContainText('passed payment and stock checks');

  // The source view shows the document as published.
  await page.getByRole('link', { name: 'Source' }).click();
  await expect(page).toHaveURL(/\?view=source$/);
  await expect(page.getByTestId('document')).toContainText('asyncapi: 3.0.0');
  expect(consoleErrors).toEqual([]);
});

test('markup in a document is shown as text and never runs', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'mallory', 'mallory password');
  await page.getByLabel('Name').fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();

  const evil = [
    'openapi: 3.1.0',
    'info:',
    "  title: '<img src=x onerror=\"window.__pwned=1\">Evil API'",
    '  version: 1.0.0',
    '  description: |',
    '    <script>window.__pwned = 2</script>',
    '',
    '    [click me](javascript:window.__pwned=3) and <a href="javascript:window.__pwned=4">this</a>',
    'paths:',
    '  /items:',
    '    get:',
    '      operationId: listItems',
    "      summary: '<b onmouseover=\"window.__pwned=5\">bold</b>'",
    '      responses:',
    "        '200':",
    '          description: <svg onload="window.__pwned=6"></svg>',
    '',
  ].join('\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-doc-'));
  const file = path.join(dir, 'evil.yaml');
  writeFileSync(file, evil);
  execFileSync(portico, ['publish', file, '--group', 'mallory', '--asset', 'evil', '--version', '1.0.0',
    '--server', server.baseUrl, '--token', token], { encoding: 'utf8' });

  await page.goto(`${server.baseUrl}/exchange/mallory/evil/1.0.0`);
  await hydrated(page);
  const docs = page.getByTestId('documentation');
  await expect(docs.locator('.doc-info .markdown')).toContainText('<script>window.__pwned = 2</script>');
  await expect(docs.locator('.doc-title')).toContainText('<img src=x onerror="window.__pwned=1">Evil API');
  await expect(docs.locator('.operation .fold-summary')).toHaveText('<b onmouseover="window.__pwned=5">bold</b>');
  await expect(docs.locator('.response')).toContainText('<svg onload="window.__pwned=6"></svg>');
  await expect(docs.locator('script, img, svg, iframe, [onerror], [onload], [onmouseover]')).toHaveCount(0);
  const link = docs.getByText('click me');
  await expect(link).toBeVisible();
  expect(await link.getAttribute('href')).toBeNull();
  await link.click();
  await docs.locator('.operation .fold-head').hover();
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(consoleErrors).toEqual([]);
});
