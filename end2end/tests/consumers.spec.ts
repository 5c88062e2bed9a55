// Consumers in the browser: a user registers as a consumer of an asset on its page and
// gives their organisation a webhook on the account page; another user publishes a
// breaking version from CI; the consumer's inbox shows it (with the unread count)
// and a test receiver on loopback got exactly one delivery, signed with the
// webhook's secret, which the delivery log shows as delivered.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test, expect, hydrated, signUp, nav } from '../support/fixtures';
import { PorticoServer } from '../support/server';

const orderService = readFileSync(path.resolve(__dirname, '..', '..', 'server', 'src', 'demo', 'order-service-1.0.0.yaml'), 'utf8');
/** 1.0.0 without a field of a message consumers receive: breaking for them. */
const breaking = orderService
  .replace('required: [orderId, approvedAt]', 'required: [orderId]')
  .replace('          approvedAt:\n            type: string\n            format: date-time\n', '');
const secret = 'a webhook secret for the test';

type Delivery = { headers: IncomingHttpHeaders; body: string };

test('a consumer hears about a breaking release in the inbox and through a signed webhook', async ({ browser, consoleErrors }) => {
  const deliveries: Delivery[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const server = await PorticoServer.start(undefined, '127.0.0.1:0', 'off', ['--allow-hosts', '127.0.0.1', '--demo', 'false']);
  try {
    // Olga owns the Order Service and publishes from CI with a token.
    const olga = await browser.newPage();
    await signUp(olga, server.baseUrl, 'olga', 'olga password');
    await olga.getByPlaceholder('ci-pipeline').fill('ci');
    await olga.getByRole('combobox', { name: 'Scope' }).selectOption('admin');
    await olga.getByRole('button', { name: 'Create token' }).click();
    const token = (await olga.getByTestId('new-token').textContent())!.trim();
    const api = (method: string, url: string, body?: string, type = 'application/json') =>
      fetch(`${server.baseUrl}/api/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      });
    expect((await api('PUT', '/assets/olga/orders/1.0.0', orderService, 'application/yaml')).status).toBe(201);

    // Bob belongs to olga's organisation as a viewer and registers as a consumer.
    const bob = await browser.newPage();
    bob.on('pageerror', (error) => consoleErrors.push(String(error)));
    await signUp(bob, server.baseUrl, 'bob', 'bob password');
    expect((await api('PUT', '/orgs/olga/members/bob', JSON.stringify({ role: 'viewer' }))).status).toBe(200);
    await bob.goto(`${server.baseUrl}/exchange/olga/orders`);
    await hydrated(bob);
    const card = bob.getByTestId('consumers');
    await expect(card).toContainText('No consumers you can see yet.');
    await expect(bob.getByTestId('consumer-range')).toHaveValue('^1.0');
    await bob.getByTestId('consumer-range').fill('>=1.0.0');
    await card.getByLabel('Contact').fill('bob@example.com');
    await bob.getByTestId('consumer-register').click();
    await expect(card.locator('tr[data-consumer="bob"]')).toContainText('>=1.0.0');
    await expect(card.locator('tr[data-consumer="bob"]')).toContainText('bob@example.com');

    // Bob's organisation gets a webhook; a host the server does not allow is refused.
    await bob.goto(`${server.baseUrl}/account`);
    await hydrated(bob);
    const hooks = bob.getByTestId('webhooks-bob');
    await hooks.getByTestId('webhook-url').fill('http://10.9.8.7/hook');
    await hooks.getByTestId('webhook-secret').fill(secret);
    await hooks.getByTestId('webhook-add').click();
    await expect(hooks.getByRole('alert')).toContainText('not allowed');
    await hooks.getByTestId('webhook-url').fill(hookUrl);
    await hooks.getByTestId('webhook-secret').fill(secret);
    await hooks.getByTestId('webhook-add').click();
    await expect(hooks.locator(`li[data-webhook="${hookUrl}"]`)).toBeVisible();

    // Olga publishes a breaking 2.0.0 (a major release may break).
    expect((await api('PUT', '/assets/olga/orders/2.0.0', breaking, 'application/yaml')).status).toBe(201);

    // Bob's inbox (linked from the header) shows it as breaking, with what broke.
    await nav(bob).getByTestId('inbox-link').click();
    await expect(bob).toHaveURL(/\/inbox$/);
    await hydrated(bob);
    await expect.poll(async () => {
      await bob.reload();
      await hydrated(bob);
      return (await bob.getByTestId('inbox-unread').textContent({ timeout: 2000 }).catch(() => null)) ?? '';
    }, { timeout: 10_000 }).toBe('1 unread');
    await expect(nav(bob).getByTestId('unread-count')).toHaveText('1');
    const entry = bob.getByTestId('inbox').locator('li[data-event="version.published"]');
    await expect(entry).toContainText('olga/orders 2.0.0 published (compared with 1.0.0)');
    await expect(entry.getByTestId('notification-breaking')).toBeVisible();
    await expect(entry.locator('.highlights')).not.toBeEmpty();
    await bob.getByRole('button', { name: 'Mark all read' }).click();
    await expect(bob.getByTestId('inbox-unread')).toHaveText('0 unread');
    await expect(nav(bob).getByTestId('unread-count')).toHaveCount(0);

    // Exactly one delivery reached the receiver, signed with the secret.
    await expect.poll(() => deliveries.length, { timeout: 10_000 }).toBe(1);
    const [delivery] = deliveries;
    const [, timestamp, signature] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['portico-signature']))!;
    const expected = createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex');
    expect(signature).toBe(expected);
    expect(delivery.headers['portico-event']).toBe('version.published');
    const body = JSON.parse(delivery.body);
    expect(body.asset).toEqual({ group: 'olga', asset: 'orders' });
    expect(body.versions).toEqual({ version: '2.0.0', base: '1.0.0' });
    expect(body.breaking).toBe(true);
    expect(body.summary.breaking_changes).toBeGreaterThan(0);

    // The delivery log shows it delivered, with the receiver's status code.
    await bob.goto(`${server.baseUrl}/account`);
    await hydrated(bob);
    await hooks.getByTestId('webhook-deliveries').click();
    await expect(hooks.getByTestId('delivery-state')).toHaveText('delivered');
    await expect(hooks.getByTestId('delivery-log')).toContainText('204');
    await expect(hooks.getByTestId('delivery-log')).toContainText(String(delivery.headers['portico-delivery']));
  } finally {
    await server.dispose();
    receiver.close();
  }
});
