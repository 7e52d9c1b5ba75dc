// `faultbook serve` with a real browser: an open page reloads by itself
// after an edit, shows the build-error overlay (naming the file) when an
// edit breaks the build, and recovers when the file is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { copySampleSite, launch, newContext, startServe } from './harness.mjs';

const PAGE = 'errors/entra/aadsts53003/';
const SOURCE = path.join('content', 'errors', 'entra', 'aadsts53003.md');
const WAIT = { timeout: 15_000 };
const ORIGINAL = 'This is a policy decision, not a fault.';
const EDITED = 'This is a policy decision, checked live by the browser test.';
const FIXED = 'This is a policy decision, fixed again after a broken build.';

let dir;
let server;
let browser;
let context;

before(async () => {
  dir = await copySampleSite();
  server = await startServe(dir);
  browser = await launch();
  context = await newContext(browser);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Opens the page and waits until its reload stream is connected. */
async function open(p) {
  const connected = p.waitForResponse((r) => r.url().endsWith('/__faultbook/events'), WAIT);
  await p.goto(server.url + PAGE);
  assert.equal((await connected).status(), 200, 'the reload stream is accepted');
}

async function edit(fn) {
  const file = path.join(dir, SOURCE);
  const text = await fs.readFile(file, 'utf8');
  const next = fn(text);
  assert.notEqual(next, text, 'the edit changes the file');
  await fs.writeFile(file, next);
}

test('edit, break and fix a page while it is open in the browser', async () => {
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await open(page);
  const body = page.locator('main .body');
  await body.getByText(ORIGINAL).waitFor(WAIT);
  assert.ok(server.url.startsWith('http://127.0.0.1:'), server.url);

  // 1. A change to the body: the page reloads by itself and shows it.
  await page.evaluate(() => {
    window.__beforeReload = true;
  });
  await edit((t) => t.replace(ORIGINAL, EDITED));
  await body.getByText(EDITED).waitFor(WAIT);
  assert.equal(await page.evaluate(() => window.__beforeReload), undefined, 'the page was reloaded');
  assert.equal(await page.locator('#faultbook-overlay').count(), 0);

  // 2. Broken front matter: the overlay appears on the open page, names the
  //    file and line, and the last good version stays underneath.
  await page.evaluate(() => {
    window.__beforeBreak = true;
  });
  await edit((t) => t.replace(/^reviewed = .*$/m, 'reviewed = 2026-13-45'));
  const overlay = page.locator('#faultbook-overlay');
  await overlay.waitFor({ state: 'visible', ...WAIT });
  assert.equal(await overlay.getAttribute('role'), 'alertdialog');
  const report = await overlay.innerText();
  assert.match(report, /broke the build \(\d+ errors?\)/, report);
  const first = await overlay.locator('li').first().innerText();
  assert.match(first, /^content\/errors\/entra\/aadsts53003\.md:\d+(:\d+)?: .*date/, `the first error names the file and line:\n${report}`);
  assert.equal(await page.evaluate(() => window.__beforeBreak), true, 'a failed build does not reload the page');
  assert.ok(await body.getByText(EDITED).isVisible(), 'the last good version stays on the page');

  // A page opened while the build is broken shows the overlay at once.
  const late = await context.newPage();
  await open(late);
  await late.locator('#faultbook-overlay').waitFor({ state: 'visible', ...WAIT });
  assert.match(await late.locator('#faultbook-overlay').innerText(), /aadsts53003\.md:\d+/);
  // Dismiss closes it (keyboard: the button is focusable).
  await late.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await late.locator('#faultbook-overlay').count(), 0);
  await late.close();

  // 3. The fix: the overlay goes away and the page shows the fixed content.
  await edit((t) => t.replace(/^reviewed = .*$/m, 'reviewed = 2026-10-02').replace(EDITED, FIXED));
  await body.getByText(FIXED).waitFor(WAIT);
  await overlay.waitFor({ state: 'detached', ...WAIT });
  assert.equal(await page.locator('time[datetime="2026-10-02"]').count(), 1);

  assert.deepEqual(pageErrors, []);
});

test('a stylesheet change is swapped into the open page without a reload', async () => {
  const page = await context.newPage();
  await open(page);
  // A mark that a reload would wipe.
  await page.evaluate(() => { window.__notReloaded = true; });
  const hrefBefore = await page.locator('link[rel="stylesheet"]').first().getAttribute('href');
  // static/faultbook.css replaces the theme's stylesheet, served under a
  // content-hashed name: the swap must follow the new name.
  const css = path.join(dir, 'static', 'faultbook.css');
  await fs.writeFile(css, (await fs.readFile(css, 'utf8')) + '\nbody { outline: 7px solid rgb(1, 2, 3); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, WAIT);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
  const hrefAfter = await page.locator('link[rel="stylesheet"]').first().getAttribute('href');
  assert.notEqual(hrefAfter.split('?')[0], hrefBefore.split('?')[0], 'the hashed name changed');
  await page.close();
});
