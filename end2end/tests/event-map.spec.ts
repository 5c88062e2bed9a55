// The event map in the browser: on a fresh server (the demo catalog) a signed-in user
// opens it from the header and sees the Order Service's three channels, each with the
// service on the right side (it receives `order`, sends `order-approved` and
// `order-failed`); the zoom buttons, Ctrl + wheel and dragging change the view; a
// filter narrows the graph to one tag; an application's box leads to its asset page,
// whose link leads back to its channels.
import { test, expect, hydrated, signUp, nav } from '../support/fixtures';

const service = 'Order Service (portico/order-service · 1.1.0)';

test('the event map shows who sends and who receives on each channel', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'mia', 'mia password');
  await nav(page).getByRole('link', { name: 'Event map' }).click();
  await expect(page).toHaveURL(`${server.baseUrl}/event-map`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Event map');
  await hydrated(page);

  const map = page.getByTestId('event-map');
  const channel = (address: string) => map.locator(`[data-testid="event-channel"][data-address="${address}"]`);
  for (const address of ['order', 'order-approved', 'order-failed']) {
    await expect(channel(address)).toBeVisible();
    await expect(channel(address)).toContainText(address);
  }
  await expect(channel('order')).toHaveAttribute('aria-label', 'Channel order: no producers; received by Order Service');
  await expect(channel('order-approved')).toHaveAttribute('aria-label', 'Channel order-approved: sent by Order Service; no consumers');
  await expect(channel('order-failed')).toHaveAttribute('aria-label', 'Channel order-failed: sent by Order Service; no consumers');

  // The service is drawn once on each side: sending on two channels, receiving on one.
  const producer = map.locator('[data-testid="event-app"][data-side="send"][data-app="portico/order-service"]');
  const consumer = map.locator('[data-testid="event-app"][data-side="receive"][data-app="portico/order-service"]');
  await expect(producer.getByRole('link')).toHaveAccessibleName(`${service} sends on order-approved, order-failed`);
  await expect(consumer.getByRole('link')).toHaveAccessibleName(`${service} receives from order`);
  await expect(producer.locator('title')).toHaveText(`${service} sends on order-approved, order-failed`);
  // And the table says the same in words.
  const row = page.locator('[data-testid="event-map-row"][data-address="order"]');
  await expect(row.locator('td').nth(0)).toHaveText('');
  await expect(row.locator('td').nth(1)).toHaveText('Order Service');

  // Zoom in and back: the view box changes, and Fit brings it back.
  const whole = await map.getAttribute('viewBox');
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(map).not.toHaveAttribute('viewBox', whole!);
  await page.getByRole('button', { name: 'Fit' }).click();
  await expect(map).toHaveAttribute('viewBox', whole!);
  // Ctrl + wheel zooms too, and dragging moves the view (without following a link).
  await map.hover();
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  await expect(map).not.toHaveAttribute('viewBox', whole!);
  const zoomed = await map.getAttribute('viewBox');
  const frame = (await map.boundingBox())!;
  await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
  await page.mouse.down();
  await page.mouse.move(frame.x + frame.width / 2 + 120, frame.y + frame.height / 2 + 30, { steps: 6 });
  await page.mouse.up();
  await expect(map).not.toHaveAttribute('viewBox', zoomed!);
  await expect(page).toHaveURL(`${server.baseUrl}/event-map`);
  await page.getByRole('button', { name: 'Fit' }).click();
  await expect(map).toHaveAttribute('viewBox', whole!);

  // A filter narrows the graph: the identity tag keeps Account Events only.
  await page.getByLabel('Tag').selectOption('identity');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/\/event-map\?tag=identity/);
  await expect(channel('order')).toHaveCount(0);
  await expect(channel('user/signedup')).toBeVisible();
  await expect(map.locator('[data-testid="event-channel"]')).toHaveCount(2);
  await expect(page.getByTestId('event-map-count')).toHaveText('2 channels · 1 application');
  await expect(page.getByLabel('Tag')).toHaveValue('identity');

  // An application's box leads to its asset page.
  await map.locator('[data-testid="event-app"][data-app="portico/account-events"]').getByRole('link').click();
  await expect(page).toHaveURL(`${server.baseUrl}/exchange/portico/account-events/2.0.0`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Account Events');

  // And from an asset page back to its own channels, with everyone on them.
  await hydrated(page);
  await page.getByTestId('event-map-link').click();
  await expect(page).toHaveURL(`${server.baseUrl}/event-map?asset=portico/account-events`);
  await expect(page.getByTestId('event-map-around')).toHaveText('Around portico/account-events');
  await expect(map.locator('[data-testid="event-channel"]')).toHaveCount(2);
  await expect(channel('user/{userId}/deleted')).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
