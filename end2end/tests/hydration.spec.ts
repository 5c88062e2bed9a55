import { test, expect, hydrated, nav } from '../support/fixtures';

test('the theme switch changes the page without a reload and is remembered', async ({ page, server, consoleErrors }) => {
  await page.goto(`${server.baseUrl}/`);
  await hydrated(page);
  // A marker on window survives only if the page is not reloaded.
  await page.evaluate(() => ((window as any).__sameDocument = true));
  const html = page.locator('html');
  const toggle = page.getByTestId('theme-toggle');
  const before = await html.getAttribute('data-theme');
  expect(['light', 'dark']).toContain(before);
  const after = before === 'dark' ? 'light' : 'dark';

  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', after);
  await expect(toggle).toHaveAttribute('aria-pressed', String(after === 'dark'));
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

  await page.reload();
  await expect(html).toHaveAttribute('data-theme', after);
  expect(consoleErrors).toEqual([]);
});

test('the sign-up form says while typing that the passwords differ', async ({ page, server }) => {
  await page.goto(`${server.baseUrl}/signup`);
  await hydrated(page);
  await page.getByLabel('Password', { exact: true }).fill('first password');
  await page.getByLabel('Repeat password').fill('first passw0rd');
  await expect(page.getByTestId('password-mismatch')).toBeVisible();
  await page.getByLabel('Repeat password').fill('first password');
  await expect(page.getByTestId('password-mismatch')).toHaveCount(0);
});

test('an unknown address shows a helpful not-found page', async ({ page, server }) => {
  // Not the consoleErrors fixture: Chromium logs the page's own 404 status as a console
  // error. Uncaught exceptions (a failed hydration panics) still fail the test.
  const exceptions: string[] = [];
  page.on('pageerror', (error) => exceptions.push(String(error)));
  const response = await page.goto(`${server.baseUrl}/no/such/page`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nothing here');
  await hydrated(page);
  const toggle = page.getByTestId('theme-toggle');
  const pressed = await toggle.getAttribute('aria-pressed');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', pressed === 'true' ? 'false' : 'true');
  expect(exceptions).toEqual([]);
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/`);
});

test('a page whose code cannot be fetched reloads the page instead of leaving it dead', async ({ page, server }) => {
  // Every page but the editor is a WASM chunk fetched when first shown; a tab left open
  // across an upgrade asks for chunks that are gone. The page then loads afresh (the
  // current build) and the next click works.
  await page.goto(`${server.baseUrl}/`);
  await hydrated(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  let requests = 0;
  await page.route(/\/pkg\/split_[^/]*login[^/]*\.wasm$/, (route) => (requests++ === 0 ? route.abort() : route.continue()));
  const reloaded = page.waitForEvent('load');
  await nav(page).getByRole('link', { name: 'Log in' }).click();
  await reloaded;
  await hydrated(page);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBeUndefined();
  await nav(page).getByRole('link', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  expect(requests).toBeGreaterThanOrEqual(2);
});
