import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, signUp, endOfLine } from '../support/fixtures';

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

test('a large document is checked in the worker and its preview follows typing', async ({ page, server, consoleErrors }) => {
  const text = largeOpenApi();
  expect(text.length).toBeGreaterThan(256 * 1024);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'portico-e2e-')), 'big-catalog.yaml');
  writeFileSync(file, text);

  await signUp(page, server.baseUrl, 'lena', 'lena password');
  await page.goto(`${server.baseUrl}/design`);
  await page.getByText('Or import files').click();
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByText(/^Ready:/).waitFor();
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/, { timeout: 60_000 });
  const title = page.getByTestId('preview').locator('.doc-title');
  await expect(title).toContainText('Big Catalog', { timeout: 30_000 });

  // Typing in the title reaches the preview through the worker within the bar (1 s),
  // with room for a loaded test machine.
  await endOfLine(page, 3);
  await page.keyboard.type(' Two', { delay: 50 });
  await expect(title).toContainText('Big Catalog Two', { timeout: 5_000 });
  expect(consoleErrors).toEqual([]);
});
