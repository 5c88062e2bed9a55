import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, hydrated, nav, signUp } from '../support/fixtures';

const repoRoot = path.resolve(__dirname, '..', '..');
const portico = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target', 'debug', 'portico');
const orderService = readFileSync(path.join(repoRoot, 'server/src/demo/order-service-1.0.0.yaml'), 'utf8');

test('a token, the publish CLI, search by field name and the version switcher', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'erin', 'erin password');

  // A token is created in the account page and shown once.
  await page.getByLabel('Name').fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^ptc_[0-9a-f]{64}$/);
  await expect(page.getByTestId('tokens')).toContainText('ci');

  // CI publishes two versions with the CLI.
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-doc-'));
  const first = path.join(dir, 'shipping-1.0.0.yaml');
  writeFileSync(first, orderService.replace('Order Service', 'Shipping Service').replace(/customerId/g, 'consigneeRef'));
  const publish = (file: string, version: string) =>
    execFileSync(portico, ['publish', file, '--group', 'erin', '--asset', 'shipping', '--version', version,
      '--server', server.baseUrl, '--token', token], { encoding: 'utf8' });
  expect(publish(first, '1.0.0')).toContain('Published erin/shipping/1.0.0');

  // Search finds it by a field name that only occurs inside the document.
  await page.goto(`${server.baseUrl}/exchange`);
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search the exchange' }).fill('consigneeRef');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
  await expect(page.locator('.snippet mark').first()).toHaveText('consigneeRef');
  await page.getByRole('link', { name: 'Shipping Service' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Shipping Service');
  await expect(page.getByTestId('lifecycle')).toHaveText('stable');
  await expect(page.getByTestId('documentation')).toContainText('consigneeRef');

  // A new version published from the shell appears in the switcher.
  const second = path.join(dir, 'shipping-1.1.0.yaml');
  writeFileSync(second, readFileSync(first, 'utf8').replace('version: 1.0.0', 'version: 1.1.0'));
  expect(publish(second, '1.1.0')).toContain('Published erin/shipping/1.1.0');
  await page.reload();
  await hydrated(page);
  const switcher = page.getByTestId('version-switcher');
  await expect(switcher.locator('option')).toHaveText(['1.1.0', '1.0.0']);
  await switcher.selectOption('1.1.0');
  await expect(page).toHaveURL(`${server.baseUrl}/exchange/erin/shipping/1.1.0`);
  await expect(page.getByTestId('documentation').locator('.doc-title')).toContainText('1.1.0');
  expect(consoleErrors).toEqual([]);
});

test('the demo catalog is there on first start and private assets stay private', async ({ page, server }) => {
  await signUp(page, server.baseUrl, 'frank', 'frank password');
  await nav(page).getByRole('link', { name: 'Exchange' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/exchange`);
  await expect(page.getByRole('link', { name: 'Order Service' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Portico REST API' })).toBeVisible();

  // An invalid document is refused by the CLI with its diagnostics and exit code 1.
  await page.goto(`${server.baseUrl}/account`);
  // Before hydration the form would post natively and leave the page.
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('cli');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-doc-'));
  const broken = path.join(dir, 'broken.yaml');
  writeFileSync(broken, 'asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n');
  let status = 0;
  let stderr = '';
  try {
    execFileSync(portico, ['publish', broken, '--group', 'frank', '--asset', 'broken', '--version', '1.0.0',
      '--server', server.baseUrl, '--token', token], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error: any) {
    status = error.status;
    stderr = String(error.stderr);
  }
  expect(status).toBe(1);
  expect(stderr).toContain('refused (422');
  expect(stderr).toContain('broken.yaml:');
});
