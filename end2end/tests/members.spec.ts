import { test, expect, signUp } from '../support/fixtures';

test('an admin adds a member from the account page and the member sees the organisation', async ({ page, browser, server, consoleErrors }) => {
  // Pete has an account of his own.
  const other = await browser.newContext();
  const pete = await other.newPage();
  await signUp(pete, server.baseUrl, 'pete', 'pete password');

  // Olga, admin of her personal organisation, makes Pete a contributor there.
  await signUp(page, server.baseUrl, 'olga', 'olga password');
  const members = page.getByTestId('members-olga');
  await expect(members.locator('.member-list')).toContainText('olga');
  await members.getByLabel('Member to add').fill('pete');
  await members.getByLabel('Role').selectOption('contributor');
  await members.getByRole('button', { name: 'Add or change' }).click();
  await expect(members.locator('.member-list')).toContainText('pete contributor');

  // A name that does not exist is refused with a message that says so.
  await members.getByLabel('Member to add').fill('nobody');
  await members.getByRole('button', { name: 'Add or change' }).click();
  await expect(members.getByRole('alert')).toHaveText('No user named "nobody".');

  // Pete now sees Olga's organisation with his role, and cannot manage its members.
  await pete.reload();
  const row = pete.getByTestId('organisations').getByRole('row', { name: /olga/ });
  await expect(row).toContainText('contributor');
  await expect(pete.getByTestId('members-olga').getByRole('button', { name: 'Add or change' })).toHaveCount(0);
  await other.close();
  expect(consoleErrors).toEqual([]);
});
