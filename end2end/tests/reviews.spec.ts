// Reviews in the browser: a user rates the demo Order Service on its page; the average
// shows there and on its catalog card; editing the review changes it; sorting the
// catalog by rating puts the best rated first. The cards and the asset header render
// the description's markdown (`Order` as code, no backticks), and the versions table
// names who published each version.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, hydrated, signUp } from '../support/fixtures';

const orderService = readFileSync(path.resolve(__dirname, '..', '..', 'server', 'src', 'demo', 'order-service-1.0.0.yaml'), 'utf8');

/** Reviews the asset the page shows and waits until the list has the review. */
async function review(page: Page, rating: string, comment: string) {
  const card = page.getByTestId('reviews');
  await card.getByLabel('Rating', { exact: true }).selectOption(rating);
  await card.getByLabel('Comment', { exact: true }).fill(comment);
  await card.getByRole('button', { name: 'Save review' }).click();
  await expect(card.getByTestId('review-list')).toContainText(comment);
}

/** The catalog card of the asset whose title link is `title`. */
function cardOf(page: Page, title: string) {
  return page.locator('li.result').filter({ has: page.getByRole('link', { name: title, exact: true }) });
}

test('reviews: the average on the asset page and the catalog, editing, sort by rating', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'rita', 'rita password');

  // The demo Order Service, latest 1.1.0: its header renders the description's code spans.
  await page.goto(`${server.baseUrl}/exchange/portico/order-service`);
  await hydrated(page);
  const summary = page.getByTestId('asset-summary');
  await expect(summary.locator('code').first()).toHaveText('Order');
  await expect(summary).not.toContainText('`');
  const card = page.getByTestId('reviews');
  await expect(card).toContainText('No reviews yet.');
  await expect(card).toContainText('Review 1.1');
  await review(page, '4', 'Clear payloads, <b>not</b> bold.');
  await expect(card.getByTestId('rating-value')).toHaveText('4.0');
  await expect(card.getByTestId('rating-count')).toHaveText('1 review');
  const mine = card.locator('li[data-review="rita"]');
  await expect(mine).toContainText('1.1');
  await expect(mine.getByTestId('review-rating')).toHaveAttribute('data-rating', '4');
  // The comment is text: the tags in it are shown, not applied.
  await expect(mine.locator('.review-comment')).toHaveText('Clear payloads, <b>not</b> bold.');
  await expect(mine.locator('.review-comment b')).toHaveCount(0);

  // The catalog card shows the average, and the description with `Order` as code.
  await page.goto(`${server.baseUrl}/exchange`);
  await hydrated(page);
  const orders = cardOf(page, 'Order Service');
  await expect(orders.getByTestId('card-rating-value')).toHaveText('4.0');
  await expect(orders.getByTestId('card-rating')).toContainText('1 review');
  await expect(orders.getByTestId('card-summary').locator('code').first()).toHaveText('Order');
  await expect(orders.getByTestId('card-summary')).not.toContainText('`');

  // Back on the asset page the form holds rita's review; editing it changes the average.
  await page.goto(`${server.baseUrl}/exchange/portico/order-service`);
  await hydrated(page);
  await expect(card).toContainText('Your review of 1.1');
  await expect(card.getByLabel('Comment', { exact: true })).toHaveValue('Clear payloads, <b>not</b> bold.');
  await expect(card.getByLabel('Rating', { exact: true })).toHaveValue('4');
  await review(page, '2', 'Second thoughts: the errors are vague.');
  await expect(card.getByTestId('rating-value')).toHaveText('2.0');
  await expect(card.getByTestId('rating-count')).toHaveText('1 review');
  await expect(card.locator('li[data-review]')).toHaveCount(1);

  // The Inventory API gets 5: sorted by rating it comes first, the Order Service second.
  await page.goto(`${server.baseUrl}/exchange/portico/inventory-api`);
  await hydrated(page);
  await review(page, '5', 'Exactly what the shop needs.');
  await page.goto(`${server.baseUrl}/exchange`);
  await hydrated(page);
  await page.getByRole('combobox', { name: 'Sort by' }).selectOption('rating');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/sort=rating/);
  const titles = page.locator('li.result .result-title');
  await expect(titles.nth(0)).toHaveText('Inventory API');
  await expect(titles.nth(1)).toHaveText('Order Service');
  await expect(cardOf(page, 'Order Service').getByTestId('card-rating-value')).toHaveText('2.0');
  await expect(page.getByRole('combobox', { name: 'Sort by' })).toHaveValue('rating');

  // A version rita publishes names her in the versions table.
  await page.goto(`${server.baseUrl}/account`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  const published = await fetch(`${server.baseUrl}/api/v1/assets/rita/orders/1.0.0`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: orderService,
  });
  expect(published.status).toBe(201);
  await page.goto(`${server.baseUrl}/exchange/rita/orders`);
  await hydrated(page);
  const versions = page.getByTestId('versions');
  await expect(versions.locator('th').nth(4)).toHaveText('Published by');
  await expect(versions.locator('tr[data-version="1.0.0"]').getByTestId('published-by')).toHaveText('rita');
  expect(consoleErrors).toEqual([]);
});
