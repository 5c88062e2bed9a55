import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, signUp, endOfLine, hydrated } from '../support/fixtures';

/** An OpenAPI document of about 600 KB: large enough to be analysed in the Web Worker. */
function largeOpenApi(): string {
  const lines = ['openapi: 3.0.3', 'info:', '  title: Big Catalog', '  version: 1.0.0', 'paths:'];
  for (let i = 0; i < 1500; i++) {
    lines.push(
      `  /items${i}/{id}:`,
      '    get:',
      `      operationId: getItem${i}`,
      `      summary: Reads item ${i} of the catalog, with a description long enough to weigh.`,
      '      parameters:',
      '        - name: id',
      '          in: path',
      '          required: true',
      '          schema: { type: string }',
      '      responses:',
      "        '200':",
      '          description: The item',
      '          content:',
      '            application/json:',
      '              schema: { $ref: "#/components/schemas/Item" }',
    );
  }
  lines.push('components:', '  schemas:', '    Item:', '      type: object', '      properties:', '        id: { type: string }');
  return lines.join('\n') + '\n';
}

/** Imports the large document as a new project; returns the preview's title once shown. */
async function importLargeOpenApi(page: Page, baseUrl: string) {
  const text = largeOpenApi();
  expect(text.length).toBeGreaterThan(256 * 1024);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'portico-e2e-')), 'big-catalog.yaml');
  writeFileSync(file, text);
  await page.goto(`${baseUrl}/design`);
  await hydrated(page);
  await page.getByText('Or import files').click();
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByText(/^Ready:/).waitFor();
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/, { timeout: 60_000 });
  const title = page.getByTestId('preview').locator('.doc-title');
  await expect(title).toContainText('Big Catalog', { timeout: 30_000 });
  return title;
}

test('a large document is checked in the worker and its preview follows typing', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'lena', 'lena password');
  const title = await importLargeOpenApi(page, server.baseUrl);

  // Typing in the title reaches the preview through the worker within the bar (1 s),
  // with room for a loaded test machine.
  await endOfLine(page, 3);
  await page.keyboard.type(' Two', { delay: 50 });
  await expect(title).toContainText('Big Catalog Two', { timeout: 5_000 });
  expect(consoleErrors).toEqual([]);
});

test("a large document's unsaved edits survive a reload (drafts in IndexedDB)", async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'mira', 'mira password');
  const title = await importLargeOpenApi(page, server.baseUrl);

  // Saves fail (the server is unreachable for them), so only the browser keeps the edit.
  await page.route('**/rpc/design_save', (route) => route.abort());
  await endOfLine(page, 3);
  await page.keyboard.type(' Kept');
  await expect(page.getByTestId('save-state')).toContainText('Not saved', { timeout: 10_000 });
  // A draft of this size does not fit localStorage's quota comfortably: it must be in IndexedDB.
  const inLocalStorage = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('portico-draft:')).length);
  expect(inLocalStorage).toBe(0);

  await page.reload();
  await expect(title).toContainText('Big Catalog Kept', { timeout: 30_000 });
  await expect(page.locator('.cm-content')).toContainText('title: Big Catalog Kept');

  // Once the server is reachable again the restored text is saved and the draft forgotten.
  await page.unroute('**/rpc/design_save');
  await expect(page.getByTestId('save-state')).toContainText('All changes saved', { timeout: 20_000 });
  await expect.poll(() => page.evaluate(() => new Promise((resolve) => {
    const request = indexedDB.open('portico-drafts');
    request.onsuccess = () => {
      const db = request.result;
      const count = db.transaction('drafts').objectStore('drafts').count();
      count.onsuccess = () => { resolve(count.result); db.close(); };
    };
  })), { timeout: 10_000 }).toBe(0);
  // The saves this test refused are logged by Chromium; nothing else may be.
  const unexpected = consoleErrors.filter((e) => !/net::ERR_FAILED/.test(e));
  consoleErrors.length = 0;
  expect(unexpected).toEqual([]);
});
