// Smoke test of the editor bundle (public/editor/portico-editor.js) in Debian's Chromium,
// without the Rust server: mounts editors on a bare page and drives them the way a user
// and the Leptos page would. Run `npm run build:editor` first; `npm run test:editor` runs
// this. Exits non-zero on the first failure. Set CHROMIUM_PATH to use another browser.

import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = resolve(root, 'public/editor/portico-editor.js');
const started = Date.now();
let passed = 0;

if (!existsSync(bundle)) {
  console.error(`editor smoke: ${bundle} is missing; run \`npm run build:editor\` first`);
  process.exit(1);
}

function check(cond, what, detail) {
  if (!cond) throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
  passed++;
  console.log(`  ok  ${what}`);
}

// 200 lines: more than the 300px editor shows, so goto() has to scroll.
const yamlLines = [
  'asyncapi: 3.0.0',
  'info:',
  '  title: Order Service',
  '  version: 1.0.0',
  '  description: Orders in, approvals out',
  'channels:',
  '  order:',
  '    address: order',
  '    messages:',
  '      Order:',
  "        $ref: ",
];
while (yamlLines.length < 200) yamlLines.push(`x-line-${yamlLines.length + 1}: value ${yamlLines.length + 1}`);
const yamlText = yamlLines.join('\n') + '\n';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.setContent(`<!doctype html><html data-theme="light"><body style="margin:0">
    <div id="ed" style="height:300px;width:800px"></div>
    <div id="ro" style="height:120px;width:800px"></div></body></html>`);
  await page.addScriptTag({ path: bundle });

  console.log('editor smoke: mount');
  await page.evaluate((text) => {
    window.log = { changes: [], saves: 0, cursor: null, contexts: [], saveDefaultPrevented: null };
    window.addEventListener('keydown', (e) => {
      if (e.key === 's' && (e.ctrlKey || e.metaKey)) window.log.saveDefaultPrevented = e.defaultPrevented;
    });
    window.handle = window.PorticoEditor.mount(document.getElementById('ed'), {
      text,
      language: 'yaml',
      onChange: (t) => window.log.changes.push(t),
      onSave: () => { window.log.saves++; },
      onCursor: (line, column) => { window.log.cursor = [line, column]; },
      completions: (ctx) => {
        window.log.contexts.push({ line: ctx.line, column: ctx.column, pos: ctx.pos, prefix: ctx.prefix,
          textLength: ctx.text.length });
        if (ctx.prefix.startsWith('#/')) {
          return [{ label: '#/components/schemas/Order', type: 'variable', detail: 'schema' },
            { label: '#/components/messages/OrderApproved', type: 'variable', detail: 'message' }];
        }
        return [{ label: 'channels', type: 'property', detail: 'Channels of the API' },
          { label: 'components', type: 'property' }, { label: 'chatter', type: 'property', apply: 'chatter: ' }];
      },
    });
  }, yamlText);
  const editor = page.locator('[data-testid="code-editor"]');
  check(await editor.count() === 1, 'the editor root has data-testid="code-editor"');
  check(await editor.locator('.cm-content').count() === 1, 'the content DOM is .cm-content');
  check(await editor.locator('.cm-lineNumbers .cm-gutterElement', { hasText: /^1$/ }).count() === 1, 'line numbers show');
  check(await editor.locator('.cm-foldGutter').count() === 1, 'a fold gutter shows');
  check(await page.evaluate((t) => window.handle.getText() === t, yamlText), 'getText() returns the mounted text');

  console.log('editor smoke: typing, onChange, onCursor, Ctrl-S');
  await page.evaluate(() => window.handle.goto(3, 10));
  await page.keyboard.type('Big ');
  let log = await page.evaluate(() => window.log);
  check(log.changes.length === 4, 'onChange fires on every change', log.changes.length);
  check(log.changes.at(-1).split('\n')[2] === '  title: Big Order Service', 'onChange gets the new text',
    log.changes.at(-1).split('\n')[2]);
  check(log.cursor && log.cursor[0] === 3 && log.cursor[1] === 14, 'onCursor reports line and column', log.cursor);
  await page.keyboard.press('Control+s');
  log = await page.evaluate(() => window.log);
  check(log.saves === 1, 'Ctrl-S calls onSave', log.saves);
  check(log.saveDefaultPrevented === true, "Ctrl-S prevents the browser's save dialog", log.saveDefaultPrevented);
  await page.keyboard.press('Control+z');
  log = await page.evaluate(() => window.log);
  check(log.changes.at(-1) === yamlText, 'undo restores the text and reports it', log.changes.length);

  console.log('editor smoke: diagnostics');
  await page.evaluate(() => window.handle.setDiagnostics([
    { line: 5, column: 3, severity: 'error', message: 'description must be a string' },
    { line: 8, column: 5, endLine: 8, endColumn: 12, severity: 'warning', message: 'address is deprecated' },
  ]));
  const marker = editor.locator('.cm-lint-marker-error');
  await marker.first().waitFor({ timeout: 3000 });
  const [markerBox, line5Box] = await Promise.all([
    marker.first().boundingBox(),
    editor.locator('.cm-content .cm-line').nth(4).boundingBox(),
  ]);
  check(Math.abs(markerBox.y + markerBox.height / 2 - (line5Box.y + line5Box.height / 2)) < 4,
    'the error marker sits on line 5', { markerBox, line5Box });
  check(await editor.locator('.cm-lint-marker-warning').count() === 1, 'the warning has its own marker');
  const errorRange = await editor.locator('.cm-lintRange-error').first().textContent();
  check(errorRange === 'description', 'without an end the token is underlined', errorRange);
  const warnRange = await editor.locator('.cm-lintRange-warning').first().textContent();
  check(warnRange === 'address', 'with an end the range is underlined', warnRange);
  await page.evaluate(() => window.handle.setDiagnostics([]));
  check(await editor.locator('.cm-lint-marker-error').count() === 0, 'setDiagnostics([]) clears them');

  console.log('editor smoke: setText, goto');
  const changesBefore = (await page.evaluate(() => window.log.changes.length));
  const replaced = yamlText.replace('Order Service', 'Shipping Service');
  await page.evaluate((t) => window.handle.setText(t), replaced);
  log = await page.evaluate(() => window.log);
  check(log.changes.length === changesBefore, 'setText does not call onChange');
  check(await page.evaluate((t) => window.handle.getText() === t, replaced), 'setText replaces the text');
  await page.evaluate(() => window.handle.goto(150, 4));
  await page.waitForFunction(() => window.log.cursor && window.log.cursor[0] === 150);
  log = await page.evaluate(() => window.log);
  check(log.cursor[1] === 4, 'goto moves the cursor', log.cursor);
  const active = editor.locator('.cm-activeLine');
  check((await active.textContent()) === 'x-line-150: value 150', 'goto shows the line', await active.textContent());
  const [activeBox, scrollerBox] = await Promise.all([active.boundingBox(), editor.locator('.cm-scroller').boundingBox()]);
  check(activeBox.y >= scrollerBox.y && activeBox.y + activeBox.height <= scrollerBox.y + scrollerBox.height,
    'goto scrolls the line into view', { activeBox, scrollerBox });
  check(await page.evaluate(() => document.activeElement?.classList.contains('cm-content')), 'goto focuses the editor');
  const scroller = editor.locator('.cm-scroller');
  const scrollBefore = await scroller.evaluate((el) => el.scrollTop);
  const again = replaced.replace('Orders in, approvals out', 'Orders in,\napprovals out');
  await page.evaluate((t) => window.handle.setText(t), again);
  const scrollAfter = await scroller.evaluate((el) => el.scrollTop);
  check(scrollBefore > 0 && Math.abs(scrollAfter - scrollBefore) < 40, 'setText keeps the scroll position',
    { scrollBefore, scrollAfter });
  await page.keyboard.press('Control+z');
  check(await page.evaluate((t) => window.handle.getText() === t, again), 'setText cannot be undone (it loads a text)');
  const converted = '{"converted": true}\n';
  const changesBeforeReplace = await page.evaluate(() => window.log.changes.length);
  await page.evaluate((t) => window.handle.replaceText(t), converted);
  check(await page.evaluate((t) => window.handle.getText() === t, converted), 'replaceText replaces the text');
  log = await page.evaluate(() => window.log);
  check(log.changes.length === changesBeforeReplace, 'replaceText does not call onChange (the page knows)');
  await page.evaluate(() => window.handle.focus());
  await page.keyboard.press('Control+z');
  check(await page.evaluate((t) => window.handle.getText() === t, again), 'replaceText can be undone');
  log = await page.evaluate(() => window.log);
  check(log.changes.at(-1) === again, 'the undo is reported through onChange', log.changes.length);

  console.log('editor smoke: completions');
  await page.evaluate((t) => { window.handle.setText(t); window.handle.goto(11, 15); }, yamlText);
  await page.keyboard.type("'#/co");
  const tooltip = editor.locator('.cm-tooltip-autocomplete');
  await tooltip.waitFor({ timeout: 3000 });
  check(await tooltip.getByText('#/components/schemas/Order').count() === 1, 'a $ref completion is offered');
  const ctx = await page.evaluate(() => window.log.contexts.at(-1));
  check(ctx.prefix === '#/co' && ctx.line === 11 && ctx.column === 20, 'completions get prefix, line and column', ctx);
  check(ctx.textLength > 0 && ctx.pos > 0, 'completions get the text and the position', ctx);
  await page.keyboard.type('mponents/sch');
  await page.waitForFunction(() => window.log.contexts.length >= 2
    && window.log.contexts.at(-1).prefix.startsWith('#/components/s'), null, { timeout: 2000 });
  check(true, "typing '/' asks for completions again");
  await tooltip.getByText('#/components/messages/OrderApproved').waitFor({ state: 'detached', timeout: 2000 });
  check(true, 'the list narrows as the user types');
  // CodeMirror ignores Enter for 75 ms after the list opens (no accidental picks).
  await page.waitForTimeout(120);
  await page.keyboard.press('Enter');
  let line11 = (await page.evaluate(() => window.handle.getText())).split('\n')[10];
  check(line11 === "        $ref: '#/components/schemas/Order", 'Enter applies the completion', line11);
  await page.evaluate(() => window.handle.goto(12, 1));
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.type('chat');
  await tooltip.waitFor({ timeout: 3000 });
  check(await tooltip.getByText('chatter').count() === 1, 'a key completion is offered');
  await page.waitForTimeout(120);
  await page.keyboard.press('Enter');
  const line12 = (await page.evaluate(() => window.handle.getText())).split('\n')[11];
  check(line12 === 'chatter: ', 'an item with apply inserts its apply text', line12);

  console.log('editor smoke: themes, language, read-only, destroy');
  const bg = () => editor.evaluate((el) => getComputedStyle(el).backgroundColor);
  const lightBg = await bg();
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await page.waitForFunction((light) => getComputedStyle(document.querySelector('[data-testid="code-editor"]'))
    .backgroundColor !== light, lightBg, { timeout: 2000 });
  check(await bg() === 'rgb(28, 32, 36)', 'the dark theme follows data-theme', await bg());
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
  await page.waitForFunction((light) => getComputedStyle(document.querySelector('[data-testid="code-editor"]'))
    .backgroundColor === light, lightBg, { timeout: 2000 });
  check(true, 'the light theme comes back');

  await page.evaluate(() => {
    window.handle.setLanguage('json');
    window.handle.setText('{\n  "asyncapi": "3.0.0",\n  "info": {\n    "title": "T"\n  }\n}\n');
  });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="code-editor"] .cm-foldGutter span[title]').length > 0,
    null, { timeout: 2000 });
  check(true, 'JSON mode folds objects');

  const ro = await page.evaluate(() => {
    const changes = [];
    window.ro = window.PorticoEditor.mount(document.getElementById('ro'), {
      text: 'a: 1\n', language: 'yaml', readOnly: true, onChange: (t) => changes.push(t),
    });
    window.roChanges = changes;
    return document.querySelectorAll('[data-testid="code-editor"]').length;
  });
  check(ro === 2, 'two editors can live on one page');
  await page.evaluate(() => window.ro.goto(1, 1));
  await page.keyboard.type('zz');
  check(await page.evaluate(() => window.ro.getText() === 'a: 1\n' && window.roChanges.length === 0),
    'a read-only editor ignores typing');
  await page.evaluate(() => { window.ro.destroy(); window.ro.destroy(); });
  check(await page.locator('#ro').evaluate((el) => el.childElementCount) === 0, 'destroy() removes the editor');
  await page.evaluate(() => {
    const h = window.PorticoEditor.mount(document.getElementById('ro'), {
      text: 'a: 1\n', language: 'yaml',
      onChange: (t) => h.setDiagnostics([{ line: 1, column: 1, severity: 'error', message: `now ${t.length}` }]),
    });
    h.goto(1, 5);
  });
  await page.keyboard.type('2');
  await page.locator('#ro .cm-lint-marker-error').waitFor({ timeout: 2000 });
  check(true, 'onChange may call the handle synchronously');

  console.log('editor smoke: a 4 MB document');
  const big = await page.evaluate(async () => {
    const lines = ['asyncapi: 3.0.0', 'components:', '  schemas:'];
    let size = 0;
    for (let i = 0; size < 4 * 1024 * 1024; i++) {
      const l = `    Field${i}:\n      type: string\n      description: Field number ${i} of a very large schema`;
      lines.push(l);
      size += l.length + 1;
    }
    const text = lines.join('\n');
    let calls = 0;
    let reported = '';
    window.handle.destroy();
    const t0 = performance.now();
    window.big = window.PorticoEditor.mount(document.getElementById('ed'), {
      text, language: 'yaml', onChange: (t) => { calls++; reported = t; }, completions: () => [],
    });
    const mountMs = performance.now() - t0;
    window.bigCalls = () => calls;
    window.bigReported = () => reported;
    // The time the page spends handling each input event (keydown, beforeinput, input...),
    // which is what a keystroke costs: CodeMirror's update, the listeners, onChange.
    window.eventMs = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.eventMs.push(e.processingEnd - e.processingStart);
    }).observe({ type: 'event', durationThreshold: 16 });
    window.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); })
      .observe({ type: 'longtask' });
    return { size: text.length, mountMs };
  });
  await page.evaluate(() => window.big.goto(50000, 1));
  await page.waitForTimeout(500);
  await page.evaluate(() => { window.longTasks.length = 0; window.eventMs.length = 0; });
  const typeStart = Date.now();
  await page.keyboard.type('    extra: abc\n');
  const typeMs = Date.now() - typeStart;
  await page.waitForTimeout(200);
  const perf = await page.evaluate(() => ({
    calls: window.bigCalls(), longTasks: window.longTasks, eventMs: window.eventMs,
  }));
  const worstEvent = Math.max(0, ...perf.eventMs);
  const worstTask = Math.max(0, ...perf.longTasks);
  // Long tasks include CodeMirror's background parse (slices of up to 100 ms by its
  // design, right after a mount), so they are reported, not judged.
  console.log(`  ..  ${big.size} chars mounted in ${big.mountMs.toFixed(0)} ms; 15 keystrokes in ${typeMs} ms; ` +
    `slowest input event ${worstEvent.toFixed(0)} ms; long tasks: ${perf.longTasks.length} ` +
    `(worst ${worstTask.toFixed(0)} ms)`);
  // A large document reports its edits after a pause in typing, not per keystroke.
  check(perf.calls >= 1 && perf.calls < 15, 'onChange follows a pause in typing on a 4 MB document', perf.calls);
  const reportedAll = await page.evaluate(() => window.bigReported() === window.big.getText()
    && window.bigReported().includes('    extra: abc\n'));
  check(reportedAll, 'after the pause onChange has reported every keystroke');
  // A pending edit is reported at once by flush() (the page calls it before it reads,
  // replaces or saves the files).
  const callsBefore = await page.evaluate(() => { window.big.goto(1, 1); return window.bigCalls(); });
  await page.keyboard.type('x');
  const flushed = await page.evaluate((before) => {
    const pendingFirst = window.bigCalls() === before;
    window.big.flush();
    return pendingFirst && window.bigCalls() === before + 1 && window.bigReported().startsWith('x');
  }, callsBefore);
  check(flushed, 'flush() reports a pending edit of a large document at once');
  // Generous: the machine may be busy with Rust builds. Keystrokes take ~2 ms here (Enter,
  // which indents from the syntax tree, up to ~40 ms); a per-keystroke O(n) walk of a
  // 4 MB document would show far above this.
  check(worstEvent < 150, 'every keystroke is handled quickly in a 4 MB document', perf.eventMs);

  check(pageErrors.length === 0, 'no page errors', pageErrors);
} catch (err) {
  failed = true;
  console.error(`  FAIL ${err.message}`);
} finally {
  await browser.close();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`editor smoke: ${passed} passed, ${failed ? 1 : 0} failed in ${seconds}s`);
process.exit(failed ? 1 : 0);
