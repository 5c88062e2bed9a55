import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, hydrated, signUp } from '../support/fixtures';

const repoRoot = path.resolve(__dirname, '..', '..');
const portico = process.env.PORTICO_BIN ?? path.join(repoRoot, 'target', 'debug', 'portico');

test('publish from the editor, find it by a field, publish again from CI, manage the lifecycle', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'nora', 'nora password');

  // A project from the Order Service template, with a field of our own.
  await page.goto(`${server.baseUrl}/design`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Parcel Service');
  await page.getByRole('button', { name: 'Create from template' }).click();
  await expect(page.locator('.cm-content')).toContainText('asyncapi: 3.0.0');
  // Rename the first `customerId:` field with the editor's search (Ctrl-F, Enter selects).
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+f');
  await page.keyboard.type('customerId:');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.keyboard.type('parcelLockerCode:');
  await expect(page.getByTestId('preview')).toContainText('parcelLockerCode');

  // The Publish dialog suggests 1.0.0 for a new asset and links to the published version.
  await page.getByRole('button', { name: 'Publish' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish to the exchange' });
  await expect(dialog.getByLabel('Asset id')).toHaveValue('parcel-service');
  await expect(dialog.getByLabel('Version')).toHaveValue('1.0.0');
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByTestId('published')).toContainText('/exchange/nora/parcel-service/1.0.0');

  // Search finds it by the field name inside the document.
  await page.goto(`${server.baseUrl}/exchange`);
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search the exchange' }).fill('parcelLockerCode');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
  await page.getByRole('link', { name: 'Order Service' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/exchange/nora/parcel-service/1.0.0`);
  await expect(page.getByTestId('documentation')).toContainText('parcelLockerCode');

  // Downloads in both syntaxes.
  const json = await page.request.get(`${server.baseUrl}/api/v1/assets/nora/parcel-service/1.0.0/spec?format=json`);
  expect(json.headers()['content-type']).toContain('application/json');
  expect((await json.json()).asyncapi).toBe('3.0.0');

  // CI publishes 1.1.0 with a token and the CLI; the switcher shows it.
  await page.goto(`${server.baseUrl}/account`);
  // Before hydration the form would post natively and leave the page.
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  const yaml = await (await page.request.get(`${server.baseUrl}/api/v1/assets/nora/parcel-service/1.0.0/spec`)).text();
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-doc-'));
  const file = path.join(dir, 'parcel.yaml');
  writeFileSync(file, yaml.replace('version: 1.1.0', 'version: 1.1.0-ci'));
  const out = execFileSync(portico, ['publish', file, '--group', 'nora', '--asset', 'parcel-service', '--version', '1.1.0',
    '--server', server.baseUrl, '--token', token], { encoding: 'utf8' });
  expect(out).toContain('Published nora/parcel-service/1.1.0');
  await page.goto(`${server.baseUrl}/exchange/nora/parcel-service`);
  await hydrated(page);
  await expect(page.getByTestId('version-switcher').locator('option')).toHaveText(['1.1.0', '1.0.0']);

  // The admin deprecates 1.1.0 from the page, naming what replaces it and when it goes.
  const manage = page.getByTestId('manage-version');
  await manage.getByRole('button', { name: 'Mark deprecated' }).click();
  await manage.getByLabel('Replaced by').selectOption('1.0.0');
  const sunset = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await manage.getByLabel('Sunset day').fill(sunset);
  await manage.getByRole('button', { name: 'Save deprecation' }).click();
  await expect(page.getByTestId('lifecycle')).toHaveText('deprecated');
  const notice = page.getByTestId('deprecation');
  await expect(notice).toContainText('Use 1.0.0 instead.');
  await expect(notice).toContainText(`Goes away on ${sunset}`);
  await expect(page.getByTestId('sunset-countdown')).toHaveText('in 30 days');
  await notice.getByRole('link', { name: '1.0.0' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/exchange/nora/parcel-service/1.0.0`);

  expect(consoleErrors).toEqual([]);
});
