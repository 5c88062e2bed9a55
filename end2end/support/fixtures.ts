// Shared test fixtures: a fresh server per test, and a page that fails the test on any
// console error or uncaught exception (hydration mismatches show up there).
import { test as base, expect, type Page } from '@playwright/test';
import { PorticoServer } from './server';

type Fixtures = { server: PorticoServer; consoleErrors: string[] };

export const test = base.extend<Fixtures>({
  server: async ({}, use) => {
    const server = await PorticoServer.start();
    await use(server);
    await server.dispose();
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      // A refused request (4xx) is an answer the page shows to the user, but Chromium
      // logs it as an error too; server faults (5xx) and everything else still count.
      if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) errors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await use(errors);
    expect(errors, 'the browser console stays free of errors').toEqual([]);
  },
});

export { expect };

/** Waits until the WASM has hydrated the page; clicks before that do nothing. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

/** Signs up through the form and waits for the account page. */
export async function signUp(page: Page, baseUrl: string, name: string, password: string) {
  await page.goto(`${baseUrl}/signup`);
  await hydrated(page);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // The sign-up may end in a new document (a full navigation): wait for it to load, so
  // that the hydration check below looks at the account page, not the sign-up page.
  await page.waitForURL(`${baseUrl}/account`, { waitUntil: 'load' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await hydrated(page);
}

/** The main navigation in the header. */
export function nav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

/** Puts the cursor at the end of a line (1-based) of the editor. */
export async function endOfLine(page: Page, line: number) {
  await page.locator('.cm-content .cm-line').nth(line - 1).click();
  await page.keyboard.press('End');
}

/** Creates a design project from the Order Service template and waits for its preview. */
export async function newProjectFromTemplate(page: Page, baseUrl: string, name: string) {
  await page.goto(`${baseUrl}/design`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/Order Service/).check();
  await page.getByRole('button', { name: 'Create from template' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/);
  await expect(page.locator('.cm-content')).toContainText('asyncapi: 3.0.0');
  await expect(page.getByTestId('preview').locator('.doc-title')).toContainText('Order Service');
}
