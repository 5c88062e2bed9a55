import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { test, expect, hydrated, signUp, endOfLine, newProjectFromTemplate } from '../support/fixtures';

test('a template, live preview, diagnostics at the right line, autosave across a reload', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'ivy', 'ivy password');
  await newProjectFromTemplate(page, server.baseUrl, 'Orders');

  // Typing updates the documentation beside the editor.
  await endOfLine(page, 3);
  await page.keyboard.type(' Two');
  await expect(page.getByTestId('preview').locator('.doc-title')).toContainText('Order Service Two');

  // A mistake shows in the gutter and the problems panel at its line; clicking jumps there.
  await endOfLine(page, 1);
  await page.keyboard.press('Enter');
  await page.keyboard.type('bogus: 1');
  await expect(page.locator('.cm-lint-marker-error')).toHaveCount(1);
  const problem = page.getByTestId('problems').getByRole('button').first();
  await expect(problem).toContainText('order-service.yaml:2:1');
  await expect(problem).toContainText('bogus');
  await endOfLine(page, 10);
  await problem.click();
  await expect(page.locator('.cm-activeLine')).toHaveText('bogus: 1');

  // Fixing it clears the problem; autosave stores the text on the server.
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await expect(page.getByTestId('problems')).not.toContainText('bogus');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.cm-content')).toContainText('title: Order Service Two');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  expect(consoleErrors).toEqual([]);
});

test('nothing typed is lost when the server dies mid-edit', async ({ page, server }) => {
  await signUp(page, server.baseUrl, 'jack', 'jack password');
  await newProjectFromTemplate(page, server.baseUrl, 'Crash test');
  const url = page.url();

  await server.kill();
  await endOfLine(page, 3);
  await page.keyboard.type(' Survives');
  // The save fails, says so, and keeps the text in the browser.
  await expect(page.getByTestId('save-state')).toContainText('Not saved', { timeout: 10_000 });
  await expect(page.getByTestId('save-state')).toContainText('kept in this browser');

  const restarted = await server.restart();
  try {
    await page.goto(url);
    await hydrated(page);
    await expect(page.locator('.cm-content')).toContainText('title: Order Service Survives');
    // The restored draft reaches the server, so another browser sees it too.
    await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });
    const other = await page.context().browser()!.newContext();
    const second = await other.newPage();
    await second.goto(`${restarted.baseUrl}/login`);
    await hydrated(second);
    await second.getByLabel('User name').fill('jack');
    await second.getByLabel('Password').fill('jack password');
    await second.getByRole('button', { name: 'Log in' }).click();
    await expect(second).toHaveURL(`${restarted.baseUrl}/account`);
    await second.goto(url);
    await expect(second.locator('.cm-content')).toContainText('title: Order Service Survives');
    await other.close();
  } finally {
    await restarted.dispose();
  }
});

test('markup typed into a description is shown as text in the preview', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'kim', 'kim password');
  await newProjectFromTemplate(page, server.baseUrl, 'XSS');
  await endOfLine(page, 6);
  await page.keyboard.press('Enter');
  await page.keyboard.type('<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> **in bold**');
  const preview = page.getByTestId('preview');
  await expect(preview.locator('.doc-info .markdown')).toContainText('<img src=x onerror="window.__pwned=1">');
  // The markdown itself is rendered (by the server, asked by the preview) as well.
  await expect(preview.locator('.doc-info .markdown strong')).toHaveText('in bold');
  await expect(preview.locator('img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(consoleErrors).toEqual([]);
});

test('a shared link shows a read-only snapshot', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'lee', 'lee password');
  await newProjectFromTemplate(page, server.baseUrl, 'Shared');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Create link' }).click();
  const link = page.getByTestId('share-link');
  await expect(link).toHaveText(new RegExp(`^${server.baseUrl}/share/[a-z0-9]{10}$`));
  await link.click();
  const snapshot = page.getByTestId('shared-snapshot');
  await expect(snapshot.getByRole('heading', { level: 1 })).toHaveText('Shared');
  await expect(snapshot.getByTestId('documentation').locator('.channel-address')).toHaveText(['order', 'order-approved', 'order-failed']);
  expect(consoleErrors).toEqual([]);
});

test('convert to JSON and back, download the file, complete a key', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'jude', 'jude password');
  await newProjectFromTemplate(page, server.baseUrl, 'Orders tools');
  // The toolbar's buttons share one row: Publish is a button among them, not a banner.
  const save = await page.getByRole('button', { name: 'Save' }).boundingBox();
  const publish = await page.getByRole('button', { name: 'Publish' }).boundingBox();
  expect(Math.abs(save!.y - publish!.y)).toBeLessThan(2);
  expect(publish!.width).toBeLessThan(200);

  await page.getByRole('button', { name: 'To JSON' }).click();
  await expect(page.locator('.cm-content')).toContainText('"asyncapi": "3.0.0"');
  await expect(page.getByTestId('preview').locator('.doc-title')).toContainText('Order Service');
  await expect(page.getByTestId('problems')).not.toContainText('error');
  await page.getByRole('button', { name: 'To YAML' }).click();
  await expect(page.locator('.cm-content')).toContainText('asyncapi: 3.0.0');
  await expect(page.locator('.cm-content')).not.toContainText('"asyncapi"');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('order-service.yaml');
  const stream = await download.createReadStream();
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  expect(text).toContain('asyncapi: 3.0.0');
  expect(text).toContain('title: Order Service');

  // Under `info:`, the keys the AsyncAPI schema allows there are offered.
  await endOfLine(page, 3);
  await page.keyboard.press('Enter');
  await page.keyboard.type('lic');
  const popup = page.locator('.cm-tooltip-autocomplete');
  await expect(popup).toBeVisible();
  await expect(popup).toContainText('license');
  await expect(popup).not.toContainText('channels');
  // Keys already written under `info:` (title, tags) are not offered again.
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('t');
  const offered = (label: string) => popup.locator('.cm-completionLabel', { hasText: new RegExp(`^${label}$`) });
  await expect(offered('termsOfService')).toHaveCount(1);
  await expect(offered('title')).toHaveCount(0);
  await expect(offered('tags')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('a save over a newer revision asks the user, and each choice is kept', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'ada', 'ada password');
  await newProjectFromTemplate(page, server.baseUrl, 'Orders');
  const url = page.url();
  // A second tab on the same project saves first.
  const other = await page.context().newPage();
  await other.goto(url);
  await hydrated(other);
  await expect(other.getByTestId('preview').locator('.doc-title')).toContainText('Order Service');
  await endOfLine(other, 3);
  await other.keyboard.type(' Theirs');
  await expect(other.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });

  // This tab started from the older revision: its save is refused as a conflict.
  await endOfLine(page, 3);
  await page.keyboard.type(' Mine');
  await expect(page.getByTestId('save-state')).toContainText('was changed elsewhere', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Keep mine' }).click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });
  await other.reload();
  await hydrated(other);
  await expect(other.locator('.cm-content')).toContainText('title: Order Service Mine');

  // The other way round: the other tab is now behind, and takes the server's text.
  await endOfLine(other, 3);
  await other.keyboard.type('!');
  await expect(other.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });
  await endOfLine(page, 3);
  await page.keyboard.type('?');
  await expect(page.getByTestId('save-state')).toContainText('was changed elsewhere', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Load theirs' }).click();
  await expect(page.locator('.cm-content')).toContainText('title: Order Service Mine!');
  await expect(page.locator('.cm-content')).not.toContainText('Mine?');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  expect(consoleErrors).toEqual([]);
});

test('what was typed right before leaving the page comes back', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'liv', 'liv password');
  await newProjectFromTemplate(page, server.baseUrl, 'Quick');
  // Saves are refused, so only the browser can keep the text; the page is left at once,
  // before the draft timer (250 ms) or the autosave (1.2 s) could run.
  await page.route('**/rpc/design_save', (route) => route.abort());
  await endOfLine(page, 3);
  await page.keyboard.type(' Gone');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.cm-content')).toContainText('title: Order Service Gone');
  await expect(page.getByTestId('save-state')).toContainText(/Restored unsaved changes|Not saved/);
  // The saves this test refused are logged by Chromium; nothing else may be.
  const unexpected = consoleErrors.filter((e) => !/net::ERR_FAILED/.test(e));
  consoleErrors.length = 0;
  expect(unexpected).toEqual([]);
});

test('the preview rebuilds only what changed and keeps the last documentation while the text does not parse', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'noa', 'noa password');
  await newProjectFromTemplate(page, server.baseUrl, 'Keyed');
  const preview = page.getByTestId('preview');
  // Tag the DOM of a channel's section; editing the title must leave that node in place.
  await preview.locator('#channel-order-failed').evaluate((el) => { (el as any).__kept = true; });
  await endOfLine(page, 3);
  await page.keyboard.type(' Again');
  await expect(preview.locator('.doc-title')).toContainText('Order Service Again');
  expect(await preview.locator('#channel-order-failed').evaluate((el) => (el as any).__kept === true)).toBe(true);

  // A line that breaks the YAML: the problem is shown, the documentation stays.
  await endOfLine(page, 1);
  await page.keyboard.press('Enter');
  await page.keyboard.type('broken: "unclosed');
  await expect(page.getByTestId('problems')).toContainText('Invalid YAML');
  await expect(preview.locator('.doc-title')).toContainText('Order Service Again');
  await expect(preview.locator('#channel-order-failed')).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('when the spec engine cannot load, the problems panel says so and the text is kept', async ({ page, server }) => {
  await signUp(page, server.baseUrl, 'olga', 'olga password');
  await newProjectFromTemplate(page, server.baseUrl, 'No engine');
  const title = page.getByTestId('preview').locator('.doc-title');

  // The engine worker's script is unreachable from now on (a broken deployment, a proxy).
  await page.context().route('**/engine-worker.js', (route) => route.abort());
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('problems')).toContainText('the spec engine did not answer');
  await endOfLine(page, 3);
  await page.keyboard.type(' Offline');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });

  // With the engine back, the same text is analysed and documented.
  await page.context().unroute('**/engine-worker.js');
  await page.reload();
  await hydrated(page);
  await expect(title).toContainText('Order Service Offline');
  await expect(page.getByTestId('problems')).not.toContainText('spec engine');
});

test('an AsyncAPI 2.6 document is upgraded to 3.0 in the editor, and the upgrade can be undone', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'uma', 'uma password');
  await page.goto(`${server.baseUrl}/design`);
  await hydrated(page);
  await page.getByText('Or import files').click();
  await page.getByLabel('Or paste a document, saved as').fill('lights.yaml');
  const v2 = [
    'asyncapi: 2.6.0',
    'info:',
    '  title: Street Lights',
    '  version: 1.0.0',
    'channels:',
    '  light/measured:',
    '    publish:',
    '      operationId: receiveLightMeasurement',
    '      message:',
    '        name: LightMeasured',
    '        payload:',
    '          type: object',
    '          properties:',
    '            lumens:',
    '              type: integer',
    '',
  ].join('\n');
  await page.getByLabel('Document to import').fill(v2);
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/);
  const preview = page.getByTestId('preview');
  await expect(preview.locator('.doc-title')).toContainText('Street Lights');
  await expect(preview).toContainText('AsyncAPI 2.6.0');

  await page.getByRole('button', { name: 'To AsyncAPI 3.0' }).click();
  const content = page.locator('.cm-content');
  await expect(content).toContainText('asyncapi: 3.0.0');
  await expect(content).toContainText('action: receive');
  await expect(preview).toContainText('AsyncAPI 3.0.0');
  await expect(page.getByTestId('problems')).not.toContainText('error');
  // Only 2.x documents are offered the upgrade.
  await expect(page.getByRole('button', { name: 'To AsyncAPI 3.0' })).toHaveCount(0);

  // Ctrl+Z brings the 2.6 text back (and the button); Ctrl+Shift+Z the upgrade again.
  await content.focus();
  await page.keyboard.press('Control+z');
  await expect(content).toContainText('asyncapi: 2.6.0');
  await expect(preview).toContainText('AsyncAPI 2.6.0');
  await expect(page.getByRole('button', { name: 'To AsyncAPI 3.0' })).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(content).toContainText('asyncapi: 3.0.0');

  // The upgrade is saved like an edit.
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 10_000 });
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.cm-content')).toContainText('asyncapi: 3.0.0');
  await expect(page.locator('.cm-content')).toContainText('action: receive');
  expect(consoleErrors).toEqual([]);
});

test('a project of several files: relative $refs, editing another file, downloading them all', async ({ page, server, consoleErrors }) => {
  await signUp(page, server.baseUrl, 'max', 'max password');
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-e2e-'));
  const main = path.join(dir, 'shipping.yaml');
  writeFileSync(main, [
    'asyncapi: 3.0.0',
    'info:',
    '  title: Shipping',
    '  version: 1.0.0',
    'channels:',
    '  shipped:',
    '    address: shipped',
    '    messages:',
    '      Shipped:',
    "        $ref: 'messages.yaml#/Shipped'",
    '',
  ].join('\n'));
  const messages = path.join(dir, 'messages.yaml');
  writeFileSync(messages, [
    'Shipped:',
    '  name: Shipped',
    '  payload:',
    '    type: object',
    '    properties:',
    '      trackingCode:',
    '        type: string',
    '',
  ].join('\n'));
  await page.goto(`${server.baseUrl}/design`);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Shipping');
  await page.getByText('Or import files').click();
  await page.locator('input[type=file]').setInputFiles([main, messages]);
  await page.getByText(/^Ready:/).waitFor();
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/design\/[a-z0-9]{10}$/);

  // The main file's preview follows the $ref into the other file.
  const preview = page.getByTestId('preview');
  await expect(preview.locator('.doc-title')).toContainText('Shipping');
  await expect(preview).toContainText('trackingCode');
  await expect(page.getByTestId('problems')).not.toContainText('error');

  // Editing the other file updates the main file's documentation.
  await page.getByRole('complementary', { name: 'Files' }).getByRole('button', { name: 'messages.yaml' }).click();
  await expect(page.locator('.cm-content')).toContainText('trackingCode');
  await endOfLine(page, 6);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('V2');
  await expect(preview).toContainText('trackingCodeV2');

  // A broken reference is reported in the main file, at the line of the $ref.
  await page.getByRole('complementary', { name: 'Files' }).getByRole('button', { name: 'shipping.yaml' }).click();
  await endOfLine(page, 10);
  await page.keyboard.press('Backspace');
  await page.keyboard.type("x'");
  await expect(page.getByTestId('problems')).toContainText('shipping.yaml:10');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type("'");
  await expect(page.getByTestId('problems')).not.toContainText('error');

  // "Download project": both files at their paths, as typed.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download project' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('shipping.zip');
  const saved = path.join(dir, 'out', 'project.zip');
  mkdirSync(path.dirname(saved));
  await download.saveAs(saved);
  const files = unzipSync(readFileSync(saved));
  expect(Object.keys(files).sort()).toEqual(['messages.yaml', 'shipping.yaml']);
  expect(strFromU8(files['messages.yaml'])).toContain('trackingCodeV2:');
  expect(strFromU8(files['shipping.yaml'])).toContain("$ref: 'messages.yaml#/Shipped'");
  expect(consoleErrors).toEqual([]);
});
