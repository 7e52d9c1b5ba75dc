// No layout shift while a page loads: every page kind of the sample site, at
// 1280x800 light, 1280x800 with a stored dark theme, and 390x844 phone.
// The Layout Instability API's 'layout-shift' entries (those without recent
// input) are summed from navigation until load + 500 ms; the sum (the page's
// cumulative layout shift so far) must stay below 0.01. A failure names the
// page, the variant, the value and the shifted nodes with their rectangles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_KINDS, newContext, useSampleSite } from './harness.mjs';

/** Highest allowed sum of layout-shift values per page load. */
const LIMIT = 0.01;
/** Milliseconds watched after the load event (late scripts, fonts, fetches). */
const SETTLE_MS = 500;

const VARIANTS = [
  { name: 'desktop-light', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  // Stored choice (localStorage faultbook-theme=dark, set before any page
  // script by newContext) against a light system scheme.
  { name: 'desktop-dark', viewport: { width: 1280, height: 800 }, colorScheme: 'light', theme: 'dark' },
  { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light', hasTouch: true, isMobile: true },
];

let site;
let browser;
useSampleSite((s, b) => {
  site = s;
  browser = b;
});

/**
 * Runs in the page before any of its scripts: records every layout-shift
 * entry (buffered, so nothing before the observer is missed) with a
 * description of its sources, while the nodes still exist.
 */
function recordShifts() {
  const shifts = [];
  Object.defineProperty(window, '__faultbookShifts', { value: shifts });
  const describe = (node) => {
    if (!node) return '(removed node)';
    if (node.nodeType !== 1) {
      const parent = node.parentElement ? describe(node.parentElement) : '';
      return `${node.nodeName}${parent ? ` in ${parent}` : ''}`;
    }
    const id = node.id ? `#${node.id}` : '';
    const cls =
      typeof node.className === 'string' && node.className.trim()
        ? `.${node.className.trim().split(/\s+/).join('.')}`
        : '';
    return `${node.tagName.toLowerCase()}${id}${cls}`;
  };
  const rect = (r) => (r ? `${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}x${Math.round(r.height)}` : '?');
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        shifts.push({
          value: e.value,
          hadRecentInput: e.hadRecentInput,
          time: Math.round(e.startTime),
          sources: (e.sources ?? []).map((s) => `${describe(s.node)} [${rect(s.previousRect)} -> ${rect(s.currentRect)}]`),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (e) {
    Object.defineProperty(window, '__faultbookShiftsError', { value: String(e) });
  }
}

for (const v of VARIANTS) {
  test(`no layout shift on load: ${v.name}`, async () => {
    const { name, ...options } = v;
    const context = await newContext(browser, { ...options, deviceScaleFactor: 1 });
    await context.addInitScript(recordShifts);
    const failures = [];
    const measured = [];
    try {
      for (const k of PAGE_KINDS) {
        const page = await context.newPage();
        try {
          const res = await page.goto(site.url + k.path, { waitUntil: 'load' });
          assert.equal(res?.status(), k.status, `${k.kind} (/kb/${k.path}) answers ${k.status}`);
          await page.waitForTimeout(SETTLE_MS);
          const r = await page.evaluate(() => ({
            supported: PerformanceObserver.supportedEntryTypes?.includes('layout-shift') ?? false,
            error: window.__faultbookShiftsError ?? null,
            shifts: window.__faultbookShifts ?? null,
          }));
          assert.ok(r.supported && !r.error && r.shifts, `layout-shift entries are observable (${r.error ?? 'unsupported'})`);
          const counted = r.shifts.filter((s) => !s.hadRecentInput);
          const sum = counted.reduce((a, s) => a + s.value, 0);
          measured.push(`${k.kind}=${sum.toFixed(4)}`);
          if (sum >= LIMIT) {
            const detail = counted
              .map((s) => `    ${s.value.toFixed(4)} at ${s.time} ms: ${s.sources.join('; ') || '(no sources)'}`)
              .join('\n');
            failures.push(`${k.kind} (/kb/${k.path}) ${name}: layout shift ${sum.toFixed(4)} >= ${LIMIT}\n${detail}`);
          }
        } finally {
          await page.close();
        }
      }
    } finally {
      await context.close();
    }
    console.log(`# layout shift ${name}: ${measured.join(' ')}`);
    assert.deepEqual(failures, [], `layout shift while loading:\n${failures.join('\n')}`);
  });
}
