// Governance in the browser: an organisation admin writes a ruleset and makes it blocking
// on the governance page; a publish from the editor that breaks it is refused with the
// finding at its line; made advisory, the publish goes through and the version carries
// its findings as a badge; the organisation's dashboard plots it and lists the asset at
// risk, and the catalog filters by conformance.
import { test, expect, hydrated, signUp, newProjectFromTemplate } from '../support/fixtures';

test('a blocking ruleset refuses a publish from the editor; an advisory one marks the version', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'gina', 'gina password');

  await page.goto(`${server.baseUrl}/exchange/governance`);
  await hydrated(page);
  await page.getByTestId('governance-organization').selectOption('gina');
  await expect(page).toHaveURL(/org=gina/);
  await expect(page.getByText('No ruleset applies')).toBeVisible();

  // A ruleset of the organisation's own (the starter text asks every API for a contact),
  // applied as blocking.
  await page.getByTestId('add-custom').click();
  await expect(page.getByLabel('Ruleset name')).toHaveValue('house-1');
  await page.getByTestId('add-entry').click();
  const entry = page.getByTestId('profile-entries').locator('tr[data-entry="0"]');
  await entry.getByLabel('Ruleset').selectOption('house-1');
  await entry.getByLabel('Enforcement').selectOption('blocking');
  await page.getByTestId('save-profile').click();
  await expect(page.getByRole('status')).toContainText('Saved: 1 ruleset applied.');

  // A broken ruleset is refused with where and why, and nothing is stored.
  await page.locator('.custom-ruleset textarea').fill('rules:\n  r:\n    given: $\n    then: { function: pattern }\n');
  await page.getByTestId('save-profile').click();
  await expect(page.getByTestId('profile-error')).toContainText('/rules/r');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.custom-ruleset textarea')).toHaveValue(/contact/);

  // The Order Service names no contact: the publish is refused, the finding at line 2.
  await newProjectFromTemplate(page, server.baseUrl, 'Governed');
  const project = page.url();
  // The editor runs the profile while typing: the finding is in the problems panel.
  await expect(page.getByTestId('problem-rule')).toHaveText('my-rule');
  await expect(page.getByTestId('problems')).toContainText('order-service.yaml:2:1');
  await page.getByRole('button', { name: 'Publish' }).click();
  const dialog = page.getByRole('dialog', { name: 'Publish to the exchange' });
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByRole('alert')).toContainText('governance profile');
  await expect(dialog.locator('.publish-problems')).toContainText('line 2');
  await expect(dialog.locator('.publish-problems')).toContainText('my-rule');

  // Advisory: the version is published and marked with its finding.
  await page.goto(`${server.baseUrl}/exchange/governance?org=gina`);
  await hydrated(page);
  await page.getByTestId('profile-entries').locator('tr[data-entry="0"]').getByLabel('Enforcement').selectOption('advisory');
  await page.getByTestId('save-profile').click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await page.goto(project);
  await hydrated(page);
  await expect(page.locator('.cm-content')).toContainText('asyncapi: 3.0.0');
  await page.getByRole('button', { name: 'Publish' }).click();
  await dialog.getByRole('button', { name: 'Publish' }).click();
  await expect(dialog.getByTestId('published')).toContainText('/exchange/gina/governed/1.0.0');
  await page.goto(`${server.baseUrl}/exchange/gina/governed/1.0.0`);
  await hydrated(page);
  await expect(page.getByTestId('versions').getByTestId('version-conformance')).toHaveText('1 error');

  // The dashboard plots the ruleset's conformance and lists the asset at risk.
  await page.goto(`${server.baseUrl}/exchange/governance?org=gina`);
  await hydrated(page);
  await expect(page.getByTestId('ruleset-standings')).toContainText('house-1');
  await expect(page.getByTestId('ruleset-standings')).toContainText('0 (0 %)');
  const plot = page.getByTestId('conformance-plot');
  await expect(plot.locator('g[data-ruleset="house-1"] circle')).toHaveCount(1);
  await expect(plot.locator('g[data-ruleset="house-1"] title')).toContainText('0 of 1 conformant, 1 errors');
  await expect(page.getByTestId('at-risk')).toContainText('governed/1.0.0');
  await page.getByTestId('at-risk').getByRole('link').click();
  await expect(page).toHaveURL(/\/exchange\/gina\/governed\/1\.0\.0$/);

  // The catalog filters by conformance.
  await page.goto(`${server.baseUrl}/exchange?conformance=errors`);
  await hydrated(page);
  await expect(page.getByTestId('result-count')).toHaveText('1 result');
  await expect(page.locator('.result')).toContainText('Order Service');
  await expect(page.locator('.result').getByTestId('version-conformance')).toHaveText('1 error');
  await page.getByLabel('Conformance').selectOption('conformant');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/conformance=conformant/);
  await expect(page.getByTestId('result-count')).toHaveText('0 results');
  expect(consoleErrors).toEqual([]);
});
