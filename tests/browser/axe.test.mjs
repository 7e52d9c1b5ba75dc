// axe-core on every kind of page, light and dark: no violation of impact
// "serious" or "critical".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_KINDS, axeScript, launch, newContext, serveSampleSite } from './harness.mjs';

const FAIL_IMPACTS = new Set(['serious', 'critical']);

let site;
let browser;
let axePath;

before(async () => {
  axePath = axeScript();
  site = await serveSampleSite();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const MAX_NODES = 8;

function describe(kind, theme, v) {
  const nodes = v.nodes.slice(0, MAX_NODES).map((n) => {
    const why = [...n.any, ...n.all, ...n.none].map((c) => c.message).find(Boolean) ?? '';
    return `      ${n.target.join(' ')}${why ? `\n        ${why}` : ''}`;
  });
  if (v.nodes.length > MAX_NODES) nodes.push(`      ... and ${v.nodes.length - MAX_NODES} more`);
  return `${kind} [${theme}] ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`;
}

// Light and dark by the system scheme. A stored choice (data-theme) gives
// the same colours: theme.test.mjs checks that the two dark palettes match.
const VARIANTS = [
  { theme: 'light', options: { colorScheme: 'light' } },
  { theme: 'dark', options: { colorScheme: 'dark' } },
];

for (const { theme, options } of VARIANTS) {
  test(`axe: no serious or critical violations on any page kind (${theme})`, async (t) => {
    const context = await newContext(browser, { ...options, reducedMotion: 'reduce' });
    const failures = [];
    try {
      const page = await context.newPage();
      for (const k of PAGE_KINDS) {
        await page.goto(site.url + k.path);
        await page.locator('.theme-toggle').waitFor({ state: 'visible' });
        await page.addScriptTag({ path: axePath });
        const results = await page.evaluate(() =>
          window.axe.run(document, { resultTypes: ['violations'] }),
        );
        for (const v of results.violations) {
          if (FAIL_IMPACTS.has(v.impact)) failures.push(describe(k.kind, theme, v));
          else t.diagnostic(`${k.kind} [${theme}] ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s)`);
        }
      }
    } finally {
      await context.close();
    }
    assert.equal(failures.length, 0, `axe violations:\n${failures.join('\n')}`);
  });
}
