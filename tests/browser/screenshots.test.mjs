// Full-page screenshots of every kind of page (desktop light and dark, phone
// light) into target/screenshots/<kind>-<variant>.png for people to look at.
// Asserts only that each file was written and that nothing overflows
// sideways at phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PAGE_KINDS, SCREENSHOT_DIR, launch, newContext, serveSampleSite } from './harness.mjs';

const VARIANTS = [
  { name: 'desktop-light', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { name: 'desktop-dark', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light', hasTouch: true, phone: true },
];

let site;
let browser;

before(async () => {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  site = await serveSampleSite();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Elements sticking out past the right edge of the viewport (for the failure message). */
function overflowReport() {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && r.width > 0) {
      // Only the outermost culprits: skip elements whose parent overflows too.
      const pr = el.parentElement?.getBoundingClientRect();
      if (pr && pr.right > width + 0.5) continue;
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits: out.slice(0, 10) };
}

for (const v of VARIANTS) {
  test(`screenshots: ${v.name}`, async () => {
    const { name, phone, ...options } = v;
    const context = await newContext(browser, { ...options, deviceScaleFactor: 1, reducedMotion: 'reduce' });
    const overflow = [];
    try {
      const page = await context.newPage();
      for (const k of PAGE_KINDS) {
        await page.goto(site.url + k.path);
        await page.locator('.theme-toggle').waitFor({ state: 'visible' });
        await page.evaluate(() => document.fonts.ready);
        const file = path.join(SCREENSHOT_DIR, `${k.kind}-${name}.png`);
        await fs.rm(file, { force: true });
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        const st = await fs.stat(file);
        assert.ok(st.size > 1000, `${file} was written (${st.size} bytes)`);
        if (phone) {
          const r = await page.evaluate(overflowReport);
          if (r.scrollWidth > r.innerWidth) {
            overflow.push(`${k.kind} (/kb/${k.path}): scrollWidth ${r.scrollWidth} > ${r.innerWidth}: ${r.culprits.join(', ')}`);
          }
        }
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(overflow, [], `horizontal overflow at phone width:\n${overflow.join('\n')}`);
  });
}
