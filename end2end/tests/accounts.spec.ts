import { test, expect, hydrated, nav, signUp } from '../support/fixtures';
import { PorticoServer } from '../support/server';

test('sign up, log out and log in again', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'alice', 'correct horse battery');
  // The personal organisation is listed with the admin role.
  const organisations = page.getByTestId('organisations');
  await expect(organisations).toContainText('alice');
  await expect(organisations).toContainText('admin');
  await expect(page.getByTestId('signed-in-as')).toHaveText('alice');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/`);
  await expect(nav(page).getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);

  await nav(page).getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/account`);
  await expect(page.getByTestId('signed-in-as')).toHaveText('alice');
  expect(consoleErrors).toEqual([]);
});

test('a wrong password shows an error and keeps the visitor signed out', async ({ page, server }) => {
  await signUp(page, server.baseUrl, 'bob', 'the right password');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(nav(page).getByRole('link', { name: 'Log in' })).toBeVisible();

  await page.goto(`${server.baseUrl}/login`);
  await hydrated(page);
  await page.getByLabel('User name').fill('bob');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
  await expect(page).toHaveURL(`${server.baseUrl}/login`);
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
});

test('the account page sends visitors to log in and back', async ({ page, server }) => {
  await signUp(page, server.baseUrl, 'carol', 'carol password');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(nav(page).getByRole('link', { name: 'Log in' })).toBeVisible();

  await page.goto(`${server.baseUrl}/account`);
  await expect(page).toHaveURL(`${server.baseUrl}/login?next=/account`);
  await hydrated(page);
  await page.getByLabel('User name').fill('carol');
  await page.getByLabel('Password').fill('carol password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/account`);
});

test('a session survives a server restart', async ({ page, consoleErrors }) => {
  const first = await PorticoServer.start();
  await signUp(page, first.baseUrl, 'dave', 'dave password');
  // The account page loads its tokens and members once hydrated; let that finish before
  // the server goes away.
  await page.waitForLoadState('networkidle');
  await first.stop();

  const second = await PorticoServer.start(first.dataDir);
  try {
    await page.goto(`${second.baseUrl}/account`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('dave');
    await expect(page.getByTestId('signed-in-as')).toHaveText('dave');
    // The page's code and its loads finish before this server goes away too.
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    expect(consoleErrors).toEqual([]);
  } finally {
    await second.dispose();
  }
});
