// Every kind of page loads under the /kb/ sub-path without console errors,
// uncaught exceptions or failed requests (only the 404 document may be 404).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PAGE_KINDS, newContext, watchProblems, useSampleSite } from './harness.mjs';

let site;
let browser;
useSampleSite((s, b) => {
  site = s;
  browser = b;
});

test('the page-kinds table names pages the sample site really builds', () => {
  for (const k of PAGE_KINDS) {
    assert.ok(existsSync(path.join(site.out, k.file)), `${k.kind}: ${k.file} is not in the build output`);
  }
  assert.ok(!existsSync(path.join(site.out, PAGE_KINDS.find((k) => k.kind === '404').path)), 'the 404 probe URL exists');
});

for (const colorScheme of ['light', 'dark']) {
  test(`no console errors, page errors or failed requests on any page kind (${colorScheme})`, async (t) => {
    const context = await newContext(browser, { colorScheme });
    const report = [];
    try {
      for (const k of PAGE_KINDS) {
        const page = await context.newPage();
        const { problems, notes, settled } = watchProblems(page, { allow404Document: k.status === 404 });
        const res = await page.goto(site.url + k.path, { waitUntil: 'load' });
        assert.equal(res.status(), k.status, `${k.kind}: HTTP status of ${site.url + k.path}`);
        assert.equal(new URL(page.url()).pathname.startsWith('/kb/'), true);
        // The theme script ran: it un-hides the toggle.
        await page.locator('.theme-toggle').waitFor({ state: 'visible' });
        await settled();
        for (const p of problems) report.push(`${k.kind} (/kb/${k.path}): ${p}`);
        for (const n of notes) t.diagnostic(`${k.kind}: ${n} (the theme declares no <link rel="icon">)`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    assert.deepEqual(report, [], `problems found:\n${report.join('\n')}`);
  });
}

test('every link and asset of every page kind stays under /kb/ and resolves (anchors too)', async () => {
  const context = await newContext(browser);
  const bad = [];
  const checked = new Map();
  try {
    const page = await context.newPage();
    for (const k of PAGE_KINDS) {
      await page.goto(site.url + k.path);
      const urls = await page.evaluate(() =>
        [...document.querySelectorAll('a[href], link[href], script[src], img[src], form[action]')].map((e) => ({
          tag: e.tagName.toLowerCase(),
          attr: e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action'),
          url: e.href || e.src || e.action,
        })),
      );
      for (const { tag, attr, url } of urls) {
        if (attr.startsWith('#')) {
          // In-page anchors: the target must exist.
          const id = decodeURIComponent(attr.slice(1));
          if (id && !(await page.evaluate((i) => !!document.getElementById(i), id))) {
            bad.push(`${k.kind}: <${tag}> ${attr} points to no element`);
          }
          continue;
        }
        const u = new URL(url);
        if (u.origin !== site.origin) continue; // external references
        if (!u.pathname.startsWith('/kb/')) {
          bad.push(`${k.kind}: <${tag}> ${attr} leaves the /kb/ sub-path`);
          continue;
        }
        u.hash = '';
        u.search = '';
        if (!checked.has(u.href)) {
          const res = await fetch(u.href, { method: 'HEAD', redirect: 'manual' });
          checked.set(u.href, res.status);
        }
        const status = checked.get(u.href);
        if (status >= 400) bad.push(`${k.kind}: <${tag}> ${attr} -> HTTP ${status}`);
      }
    }
  } finally {
    await context.close();
  }
  assert.ok(checked.size > 50, `checked only ${checked.size} URLs`);
  assert.deepEqual(bad, [], `bad links:\n${bad.join('\n')}`);
});
