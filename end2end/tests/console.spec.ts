// The channel console on an AsyncAPI asset page, against the bundled broker: subscribe,
// publish the example (valid badge), publish one without a required field (invalid
// badge naming the field, after the page asked whether to send it).
import { test as base, expect, hydrated, signUp, endOfLine, newProjectFromTemplate } from '../support/fixtures';
import { PorticoServer } from '../support/server';

const test = base.extend<{ server: PorticoServer }>({
  server: async ({}, use) => {
    const server = await PorticoServer.startWithBroker();
    await use(server);
    await server.dispose();
  },
});

test('subscribe to order-approved, publish the example and an invalid payload', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'grace', 'grace password');
  await page.goto(`${server.baseUrl}/exchange/portico/order-service`);
  await hydrated(page);

  const console_ = page.getByTestId('console');
  await expect(console_.getByTestId('console-status')).toHaveText('connected');
  await expect(page.getByTestId('console-operations')).toContainText('announceApproval');

  const channel = page.getByTestId('channel-order-approved');
  await channel.getByTestId('subscribe').click();
  await expect(channel.getByTestId('subscription')).toContainText('watching order-approved');

  // The editor starts with an example generated from the schema; it is valid.
  const example = JSON.parse(await channel.getByTestId('payload').inputValue());
  expect(Object.keys(example).sort()).toEqual(['approvedAt', 'orderId']);
  await channel.getByTestId('publish').click();
  await expect(channel.getByTestId('published')).toContainText('Published on order-approved');
  const first = channel.getByTestId('message').first();
  await expect(first.getByTestId('badge')).toHaveText('valid');
  await expect(first).toContainText(example.orderId);

  // Without approvedAt: the page asks first; sent anyway, it arrives marked invalid.
  let asked = '';
  page.once('dialog', async (dialog) => {
    asked = dialog.message();
    await dialog.accept();
  });
  await channel.getByTestId('payload').fill(JSON.stringify({ orderId: example.orderId }));
  await channel.getByTestId('publish').click();
  await expect(channel.getByTestId('message')).toHaveCount(2);
  const latest = channel.getByTestId('message').first();
  await expect(latest.getByTestId('badge')).toHaveText('invalid');
  await expect(latest.getByTestId('problem')).toContainText('approvedAt');
  expect(asked).toContain('approvedAt');
  expect(consoleErrors).toEqual([]);
});

test('a declined confirmation sends nothing; the mock publisher runs until stopped', async ({ page, server }) => {
  await signUp(page, server.baseUrl, 'hank', 'hank password');
  await page.goto(`${server.baseUrl}/exchange/portico/order-service/1.0.0`);
  await hydrated(page);
  await expect(page.getByTestId('console-status')).toHaveText('connected');
  const channel = page.getByTestId('channel-order-failed');
  await channel.getByTestId('subscribe').click();
  await expect(channel.getByTestId('subscription')).toBeVisible();
  page.once('dialog', (dialog) => dialog.dismiss());
  await channel.getByTestId('payload').fill('{"reason": "lost"}');
  await channel.getByTestId('publish').click();
  await expect(channel.getByTestId('published')).toHaveCount(0);

  // The mock publisher sends valid generated examples until stopped.
  await channel.getByTestId('mock-rate').fill('20');
  await channel.getByTestId('mock').click();
  await expect(channel.getByTestId('mock')).toHaveText('Stop mock');
  await expect(channel.getByTestId('message').nth(4)).toBeVisible();
  await expect(channel.getByTestId('badge').first()).toHaveText('valid');
  await channel.getByTestId('mock').click();
  await expect(channel.getByTestId('mock')).toHaveText('Start mock');
});

test('the console beside the editor uses the project as saved, and reloads after an edit', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'ines', 'ines password');
  await newProjectFromTemplate(page, server.baseUrl, 'Orders to try');

  await page.getByTestId('try-it-tab').click();
  await expect(page.getByTestId('preview')).toBeHidden();
  const tryIt = page.getByTestId('try-it');
  await expect(tryIt.getByTestId('console-status')).toHaveText('connected');
  // The console scrolls inside its pane, which ends within the window like the preview.
  const pane = await tryIt.locator('..').boundingBox();
  expect(pane!.y + pane!.height).toBeLessThanOrEqual(page.viewportSize()!.height);
  await expect(page.getByTestId('try-it-tab')).toBeInViewport();
  const approved = tryIt.getByTestId('channel-order-approved');
  await approved.getByTestId('subscribe').click();
  await expect(approved.getByTestId('subscription')).toContainText('watching order-approved');
  await approved.getByTestId('publish').click();
  await expect(approved.getByTestId('message').first().getByTestId('badge')).toHaveText('valid');

  // Change the channel's address in the editor; the reloaded console uses the new one.
  await endOfLine(page, 29);
  await page.keyboard.type('-v2');
  await page.getByTestId('console-reload').click();
  await expect(tryIt.getByTestId('console-status')).toHaveText('connected');
  const renamed = tryIt.getByTestId('channel-order-approved');
  await renamed.getByTestId('subscribe').click();
  await expect(renamed.getByTestId('subscription')).toContainText('watching order-approved-v2');
  await renamed.getByTestId('publish').click();
  await expect(renamed.getByTestId('message').first().getByTestId('badge')).toHaveText('valid');
  await expect(renamed.getByTestId('message').first()).toContainText('order-approved-v2');

  // The documentation is one click away and the console keeps running behind it.
  await page.getByRole('button', { name: 'Documentation' }).click();
  await expect(page.getByTestId('preview').locator('.doc-title')).toContainText('Order Service');
  expect(consoleErrors).toEqual([]);
});
