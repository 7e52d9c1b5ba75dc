// Copy buttons on code blocks: copy the block's text to the clipboard, work
// from the keyboard, and announce the result in a live region.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, serveSampleSite } from './harness.mjs';

const ERROR_PAGE = 'errors/entra/aadsts53003/';

let site;
let browser;
let context;
let page;

before(async () => {
  site = await serveSampleSite();
  browser = await launch();
  context = await newContext(browser, {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  page = await context.newPage();
  await page.goto(site.url + ERROR_PAGE);
  await page.locator('.copy-button').first().waitFor();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});

/** The text a copy button should put on the clipboard: the code, less its final newline. */
function expectedText(index) {
  return page.evaluate((i) => {
    const pre = document.querySelectorAll('pre.code')[i];
    const code = pre.querySelector('code') ?? pre;
    return code.textContent.replace(/\n$/, '');
  }, index);
}

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
const setClipboard = (text) => page.evaluate((t) => navigator.clipboard.writeText(t), text);

/** The text of every aria-live region of the page, once one mentions "copied". */
async function liveAnnouncement() {
  const handle = await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('[aria-live]')].map((e) => e.textContent.trim());
    const hit = texts.find((t) => /copied/i.test(t));
    return hit ?? false;
  });
  return handle.jsonValue();
}

test('every pre.code gets a copy button in its head, which the HTML already holds', async () => {
  const info = await page.evaluate(() =>
    [...document.querySelectorAll('pre.code')].map((pre) => {
      const button = pre.parentElement.querySelector(':scope > .code-head > .copy-button');
      return {
        wrapped: pre.parentElement.classList.contains('code-wrap'),
        button: button ? { tag: button.tagName, type: button.type, text: button.textContent } : null,
      };
    }),
  );
  assert.ok(info.length >= 1, 'the error page has code blocks');
  for (const [i, b] of info.entries()) {
    assert.ok(b.wrapped, `block ${i} is wrapped in .code-wrap`);
    assert.deepEqual(b.button, { tag: 'BUTTON', type: 'button', text: 'Copy' }, `block ${i} button`);
  }
});

test('clicking a copy button copies exactly that block', async () => {
  const count = await page.locator('.copy-button').count();
  for (let i = 0; i < count; i++) {
    await setClipboard('(nothing copied yet)');
    const expected = await expectedText(i);
    assert.ok(expected.length > 10, `block ${i} has code`);
    await page.locator('.copy-button').nth(i).click();
    await page.waitForFunction((i) => document.querySelectorAll('.copy-button')[i].textContent === 'Copied', i);
    assert.equal(await clipboard(), expected, `clipboard after copying block ${i}`);
  }
});

test('the copy button is reached with Tab, activated with Enter, and announces "copied"', async () => {
  await page.reload();
  const first = page.locator('.copy-button').first();
  await first.waitFor();
  await setClipboard('(nothing copied yet)');

  // Reachable: Tab from the top of the page lands on it (no tabindex tricks).
  await page.evaluate(() => document.activeElement?.blur());
  let reached = false;
  for (let i = 0; i < 200 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await first.evaluate((b) => document.activeElement === b);
  }
  assert.ok(reached, 'Tab never reached the first copy button');

  // The focus ring shows (keyboard focus is visible).
  const outline = await first.evaluate((b) => {
    const s = getComputedStyle(b);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), visible: b.matches(':focus-visible') };
  });
  assert.ok(outline.visible && outline.style !== 'none' && outline.width > 0, `focus is visible: ${JSON.stringify(outline)}`);

  await page.keyboard.press('Enter');
  assert.match(await liveAnnouncement(), /copied/i);
  assert.equal(await clipboard(), await expectedText(0));
  assert.equal(await first.textContent(), 'Copied');
  assert.ok(await first.evaluate((b) => document.activeElement === b), 'focus stays on the button');

  // The live region is polite and not hidden from assistive technology.
  const region = await page.evaluate(() => {
    const r = [...document.querySelectorAll('[aria-live]')].find((e) => /copied/i.test(e.textContent));
    return { live: r.getAttribute('aria-live'), hidden: r.closest('[aria-hidden="true"]') !== null };
  });
  assert.deepEqual(region, { live: 'polite', hidden: false });

  // The label goes back to "Copy" after a moment.
  await page.waitForFunction(() => document.querySelector('.copy-button').textContent === 'Copy', null, {
    timeout: 5000,
  });
});
