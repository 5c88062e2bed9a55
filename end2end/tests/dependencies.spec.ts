// Dependencies between assets in the browser: billing's document references a schema of
// the published orders API with a semver range; billing's asset page lists orders (with
// the version pinned at publish) and shows the referenced schema in its documentation,
// orders' page lists billing as a dependent; in the editor a project that references
// orders shows the referenced schema live, says plainly when a range matches nothing,
// and the Publish dialog names billing among the dependents a breaking change breaks.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, hydrated, signUp } from '../support/fixtures';

const orderService = readFileSync(path.resolve(__dirname, '..', '..', 'server', 'src', 'demo', 'order-service-1.0.0.yaml'), 'utf8');

/** A document whose one message's payload is `reference`. */
function billing(title: string, reference: string): string {
  return [
    'asyncapi: 3.0.0',
    'info:',
    `  title: ${title}`,
    '  version: 1.0.0',
    'channels:',
    '  invoices:',
    '    address: invoices',
    '    messages:',
    '      Invoice:',
    '        payload:',
    `          $ref: '${reference}'`,
    '',
  ].join('\n');
}

test('assets list what they depend on and who depends on them, and the editor resolves published assets', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'acme', 'acme password');
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  const publish = async (coordinate: string, text: string) => {
    const response = await page.request.put(`${server.baseUrl}/api/v1/assets/${coordinate}`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      data: text,
    });
    expect(response.status(), await response.text()).toBe(201);
  };
  await publish('acme/orders/1.0.0', orderService);
  await publish('acme/orders/1.1.0', orderService.replace('version: 1.0.0', 'version: 1.1.0'));
  await publish('acme/billing/1.0.0', billing('Billing', 'portico:acme/orders/^1#/components/schemas/Order'));

  // Billing's page: what it depends on, pinned, and the referenced schema in its documentation.
  await page.goto(`${server.baseUrl}/exchange/acme/billing`);
  await hydrated(page);
  const dependency = page.getByTestId('dependencies').locator('tr[data-dependency="acme/orders"]');
  await expect(dependency).toContainText('^1');
  await expect(dependency).toContainText('1.1.0');
  await expect(dependency).toContainText('#/components/schemas/Order');
  await expect(page.getByTestId('documentation')).toContainText('customerId');
  await expect(page.getByTestId('no-dependents')).toBeVisible();
  await dependency.getByRole('link', { name: '1.1.0' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/exchange/acme/orders/1.1.0`);

  // Orders' page: billing depends on it.
  await page.reload();
  await hydrated(page);
  const dependent = page.getByTestId('dependents').locator('tr[data-dependent="acme/billing"]');
  await expect(dependent).toContainText('1.0.0');
  await expect(dependent).toContainText('^1');
  await expect(dependent).toContainText('1.1.0');
  await expect(page.getByTestId('no-dependencies')).toBeVisible();

  // The editor: a project referencing orders shows the referenced schema, with no error.
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-e2e-'));
  const file = path.join(dir, 'refunds.yaml');
  writeFileSync(file, billing('Refunds', 'portico:acme/orders/^1#/components/schemas/Order'));
  await page.goto(`${server.baseUrl}/design`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Refunds');
  await page.getByText('Or import files').click();
  await page.locator('input[type=file]').setInputFiles([file]);
  await page.getByText(/^Ready:/).waitFor();
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/);
  const preview = page.getByTestId('preview');
  await expect(preview.locator('.doc-title')).toContainText('Refunds');
  await expect(preview).toContainText('customerId');
  await expect(page.getByTestId('problems')).not.toContainText('error');

  // A range no published version matches is said plainly, at the line of the $ref.
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+f');
  await page.keyboard.type('^1#');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.keyboard.type('^9#');
  await expect(page.getByTestId('problems')).toContainText('no published version of acme/orders matching ^9 that you may read');
  await expect(page.getByTestId('problems')).toContainText('refunds.yaml:11');

  // Publishing a breaking orders release from the editor names billing among the
  // dependents it breaks, before and when it is refused.
  const broken = path.join(dir, 'orders.yaml');
  writeFileSync(broken, orderService
    .replace('required: [orderId, approvedAt]', 'required: [orderId]')
    .replace('          approvedAt:\n            type: string\n            format: date-time\n', ''));
  await page.goto(`${server.baseUrl}/design`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Orders');
  await page.getByText('Or import files').click();
  await page.locator('input[type=file]').setInputFiles([broken]);
  await page.getByText(/^Ready:/).waitFor();
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/);
  await expect(page.getByTestId('preview').locator('.doc-title')).toContainText('Order Service');
  await page.getByRole('button', { name: 'Publish' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish to the exchange' });
  await expect(dialog.getByLabel('Asset id')).toHaveValue('orders');
  await expect(dialog.getByLabel('Version')).toHaveValue('1.1.1');
  const preview409 = dialog.getByTestId('publish-preview');
  await expect(preview409.getByTestId('broken-dependents').locator('li[data-dependent="acme/billing"]')).toContainText('uses 1.1.0 (^1)');
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByRole('alert')).toContainText('It breaks 1 dependent: acme/billing 1.0.0.');
  expect(consoleErrors).toEqual([]);
});
