// The dark-mode toggle: switches data-theme and the painted colours, is
// remembered across reloads (localStorage), and without a stored choice the
// page follows the system's colour scheme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newContext, bodyBackground, useSampleSite } from './harness.mjs';

const ERROR_PAGE = 'errors/entra/aadsts53003/';
const DARK = 0.05; // body luminance below this is dark (#0d1117 is ~0.006)
const LIGHT = 0.8; // and above this is light (#fff is 1)

let site;
let browser;
useSampleSite((s, b) => {
  site = s;
  browser = b;
});

async function state(page) {
  const s = await page.evaluate(() => ({
    theme: document.documentElement.dataset.theme ?? null,
    stored: localStorage.getItem('faultbook-theme'),
    scheme: getComputedStyle(document.documentElement).colorScheme,
    label: document.querySelector('.theme-toggle')?.getAttribute('aria-label'),
  }));
  return { ...s, body: await bodyBackground(page) };
}

test('the toggle switches to dark and back, and the choice survives a reload', async () => {
  const context = await newContext(browser, { colorScheme: 'light' });
  try {
    const page = await context.newPage();
    await page.goto(site.url + ERROR_PAGE);
    const toggle = page.locator('.theme-toggle');
    await toggle.waitFor({ state: 'visible' });

    let s = await state(page);
    assert.equal(s.theme, null, 'no data-theme before any choice');
    assert.equal(s.stored, null);
    assert.ok(s.body.luminance > LIGHT, `light system scheme paints a light body, got ${s.body.color}`);
    assert.equal(s.label, 'Switch to dark mode');

    await toggle.click();
    s = await state(page);
    assert.equal(s.theme, 'dark');
    assert.equal(s.stored, 'dark');
    assert.equal(s.scheme, 'dark', 'color-scheme follows the choice (form controls, scrollbars)');
    assert.ok(s.body.luminance < DARK, `dark choice paints a dark body, got ${s.body.color}`);
    assert.equal(s.label, 'Switch to light mode');

    await page.reload();
    await toggle.waitFor({ state: 'visible' });
    s = await state(page);
    assert.equal(s.theme, 'dark', 'the dark choice persists across a reload');
    assert.ok(s.body.luminance < DARK, `still dark after reload, got ${s.body.color}`);
    assert.equal(s.label, 'Switch to light mode');

    // Another page of the site gets the choice before first paint too.
    await page.goto(site.url);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');

    await toggle.click();
    s = await state(page);
    assert.equal(s.theme, 'light');
    assert.equal(s.stored, 'light');
    assert.ok(s.body.luminance > LIGHT, `light again, got ${s.body.color}`);
    await page.reload();
    await toggle.waitFor({ state: 'visible' });
    s = await state(page);
    assert.equal(s.theme, 'light', 'the light choice persists across a reload');
    assert.ok(s.body.luminance > LIGHT);
  } finally {
    await context.close();
  }
});

test('with a dark system scheme and no stored choice the page is dark; the toggle then goes light', async () => {
  const context = await newContext(browser, { colorScheme: 'dark' });
  try {
    const page = await context.newPage();
    await page.goto(site.url + ERROR_PAGE);
    const toggle = page.locator('.theme-toggle');
    await toggle.waitFor({ state: 'visible' });
    let s = await state(page);
    assert.equal(s.theme, null);
    assert.equal(s.stored, null);
    assert.ok(s.body.luminance < DARK, `dark system scheme paints a dark body, got ${s.body.color}`);
    assert.equal(s.label, 'Switch to light mode');

    await toggle.click();
    s = await state(page);
    assert.equal(s.theme, 'light');
    assert.equal(s.scheme, 'light');
    assert.ok(s.body.luminance > LIGHT, `the light choice overrides the dark system scheme, got ${s.body.color}`);
    await page.reload();
    await toggle.waitFor({ state: 'visible' });
    assert.ok((await state(page)).body.luminance > LIGHT, 'still light after reload');
  } finally {
    await context.close();
  }
});

test('the toggle is a keyboard-operable button', async () => {
  const context = await newContext(browser, { colorScheme: 'light' });
  try {
    const page = await context.newPage();
    await page.goto(site.url + ERROR_PAGE);
    const toggle = page.locator('.theme-toggle');
    await toggle.waitFor({ state: 'visible' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  } finally {
    await context.close();
  }
});

test('forced dark (data-theme) and system dark use the same colours', async () => {
  // The stylesheet repeats the dark palette for the media query and for
  // data-theme="dark": the two copies must not drift apart.
  const read = async (options) => {
    const context = await newContext(browser, options);
    try {
      const page = await context.newPage();
      await page.goto(site.url + ERROR_PAGE);
      return await page.evaluate(() => {
        const out = {};
        const rootStyle = getComputedStyle(document.documentElement);
        const walk = (rules) => {
          for (const rule of rules) {
            if (rule.style) {
              for (const name of rule.style) {
                if (name.startsWith('--')) out[name] = rootStyle.getPropertyValue(name).trim();
              }
            }
            if (rule.cssRules) walk(rule.cssRules);
          }
        };
        for (const sheet of document.styleSheets) walk(sheet.cssRules);
        for (const sel of ['body', 'pre.code', '.hl-comment', '.hl-string', '.hl-keyword', 'a', '.page-code']) {
          const el = document.querySelector(sel);
          if (el) out[sel] = `${getComputedStyle(el).color} on ${getComputedStyle(el).backgroundColor}`;
        }
        return out;
      });
    } finally {
      await context.close();
    }
  };
  const system = await read({ colorScheme: 'dark' });
  const forced = await read({ colorScheme: 'light', theme: 'dark' });
  assert.ok(Object.keys(system).length > 20, `compared too little: ${JSON.stringify(system)}`);
  assert.equal(system['--bg'], '#0d1117', 'the system-dark page uses the dark palette');
  assert.deepEqual(forced, system);
});
