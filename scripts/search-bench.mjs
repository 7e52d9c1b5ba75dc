#!/usr/bin/env node
// What a visitor downloads before the first search suggestion shows up.
//
//   node scripts/search-bench.mjs <built-site-dir> [--runs=N] [--delay=MS] [query ...]
//
// Serves the built site (a `faultbook build` output whose base path is "/")
// at the root of a local static server (tests/browser/harness.mjs), opens
// the home page in Chromium (playwright-core, $FAULTBOOK_CHROMIUM or
// /usr/bin/chromium), and for each query, on a fresh browser context so no
// cache helps: focuses #search-input, types the query, and waits for the
// first [role=option] in #search-suggest for the whole query: the first
// render of options after the last input event (a prefix of a long query may
// already show options while it is being typed; the table flags that with
// "yes" under "while typing"). Counted: every response under /search/
// finished by then (index.json, fetched on focus, term chunks, document
// chunks; decided by the page's Resource Timing responseEnd), by body length
// (raw) and by gzip size (zlib gzipSync, level 6, per response), the number
// of those requests, and the time from the last keystroke to the first
// option (in-page performance.now(); it includes the script's 60 ms typing
// debounce; also wall-clock from keyboard.type's end to the option being
// seen). The page's own HTML/CSS/JS are not search bytes; the theme's CSS
// and JS sizes are printed on their own. --delay=MS types with that pause
// between keys (default 0; a person is ~100-200), which shows what
// search-as-you-type fetches for the prefixes on the way.
//
// Default queries: the first code of <dir>/codes.json, the longest run of
// 3+ digits inside it (when it has one), 'timeout', 'connection reset' and
// 'throt'. With --runs=N (default 3) each query is measured N times; bytes
// and requests are the same every run, times are reported as median (min-max).
//
// Output: a table, then one line `JSON {...}` with everything.
// Not a test: it never fails on a number; it exits 1 only when it cannot run.

import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, staticServer } from '../tests/browser/harness.mjs';

const OPTION = '#search-suggest [role=option]';
const WAIT = 30_000;

function usage(msg) {
  if (msg) console.error(`search-bench: ${msg}`);
  console.error('usage: node scripts/search-bench.mjs <built-site-dir> [--runs=N] [--delay=MS] [query ...]');
  process.exit(msg ? 1 : 0);
}

const argv = process.argv.slice(2);
if (!argv.length || argv.includes('-h') || argv.includes('--help')) usage(argv.length ? '' : 'no site folder given');
let runs = 3;
let delay = 0;
const positional = [];
for (const a of argv) {
  const m = a.match(/^--(runs|delay)=(\d+)$/);
  if (m?.[1] === 'runs') runs = Math.max(1, Number(m[2]));
  else if (m?.[1] === 'delay') delay = Number(m[2]);
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else positional.push(a);
}
const siteDir = path.resolve(positional[0]);
let queries = positional.slice(1);

async function defaultQueries(dir) {
  let first = null;
  try {
    const data = JSON.parse(await fs.readFile(path.join(dir, 'codes.json'), 'utf8'));
    const list = Array.isArray(data) ? data : data.codes;
    first = list?.[0]?.code ?? null;
  } catch (e) {
    console.error(`search-bench: no code from ${path.join(dir, 'codes.json')}: ${e.message}`);
  }
  const out = [];
  if (first) {
    out.push({ label: 'code', query: first });
    const runsOfDigits = (first.match(/\d{3,}/g) ?? []).sort((a, b) => b.length - a.length);
    if (runsOfDigits.length) out.push({ label: 'number', query: runsOfDigits[0] });
    else console.error(`search-bench: note: ${first} has no run of 3+ digits; no number query`);
  }
  out.push({ label: 'word', query: 'timeout' });
  out.push({ label: 'two words', query: 'connection reset' });
  out.push({ label: 'prefix', query: 'throt' });
  return out;
}

const fmtBytes = (n) => (n >= 10_240 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Every response of a page, in arrival order, with its body sizes (resolved lazily). */
function recordResponses(page) {
  const log = [];
  page.on('response', (res) => {
    const entry = { url: res.url(), status: res.status(), at: Date.now() };
    entry.sizes = res.body().then(
      (b) => ({ raw: b.length, gzip: gzipSync(b).length }),
      () => ({ raw: 0, gzip: 0 }), // redirects and aborted bodies have none
    );
    log.push(entry);
  });
  return log;
}

const isSearchData = (url) => new URL(url).pathname.startsWith('/search/') && new URL(url).pathname !== '/search/';

/**
 * Runs in the page before its scripts: the times (performance.now()) of the
 * input events of #search-input, of its focus, and of every render of the
 * suggestion list that leaves options in it. (With search-as-you-type a
 * prefix of the query may already show options while typing; the result of
 * the whole query is the first render after the last input event.)
 */
function instrument() {
  const t = { inputs: [], renders: [], focus: null };
  Object.defineProperty(window, '__bench', { value: t });
  document.addEventListener('input', (e) => {
    if (e.target?.id === 'search-input') t.inputs.push(performance.now());
  }, true);
  document.addEventListener('focusin', (e) => {
    if (e.target?.id === 'search-input' && t.focus === null) t.focus = performance.now();
  }, true);
  new MutationObserver((mutations) => {
    const list = document.getElementById('search-suggest');
    if (!list || list.hidden || !list.querySelector('[role=option]')) return;
    if (mutations.some((m) => list.contains(m.target))) t.renders.push(performance.now());
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', 'hidden'] });
}

/** In the page: the first options render after the last input, and the search fetches done by then. */
function afterTyping() {
  const t = window.__bench;
  const last = t.inputs.length ? t.inputs[t.inputs.length - 1] : null;
  const render = last === null ? null : (t.renders.find((r) => r >= last) ?? null);
  const fetched = performance
    .getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/search/'))
    .map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd }));
  return {
    focus: t.focus,
    lastInput: last,
    inputs: t.inputs.length,
    render,
    shownWhileTyping: last !== null && t.renders.some((r) => r < last),
    fetched,
  };
}

async function measureQuery(browser, url, query, delay) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  context.setDefaultTimeout(WAIT);
  await context.addInitScript(instrument);
  try {
    const page = await context.newPage();
    const log = recordResponses(page);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle').catch(() => {});
    const input = page.locator('#search-input');
    if (!(await input.count())) throw new Error(`no #search-input on ${url}: is this site built with the default theme?`);
    const before = log.length; // everything so far belongs to the page itself
    await input.focus();
    await input.fill(''); // empty (fresh page anyway)
    const t0 = Date.now();
    await page.keyboard.type(query, { delay });
    const tTyped = Date.now();
    let found = true;
    try {
      // The first render with options after the last keystroke.
      await page.waitForFunction(
        () => {
          const t = window.__bench;
          const last = t.inputs[t.inputs.length - 1];
          return last !== undefined && t.renders.some((r) => r >= last);
        },
        null,
        { timeout: WAIT, polling: 'raf' },
      );
    } catch {
      found = false;
    }
    const tOption = Date.now();
    const inPage = await page.evaluate(afterTyping);
    // Fetches that ended by the render count; anything later is only listed.
    await page.waitForTimeout(300);
    const late = await page.evaluate(afterTyping);
    const round = (x) => Math.round(x * 10) / 10;
    const doneBy = new Set(inPage.fetched.filter((f) => inPage.render !== null && f.end <= inPage.render).map((f) => f.url));
    const searchResponses = log.slice(before).filter((e) => isSearchData(e.url));
    const countedEntries = searchResponses.filter((e) => doneBy.has(e.url));
    const laterEntries = late.fetched.filter((f) => !doneBy.has(f.url));
    const sizes = await Promise.all(countedEntries.map((e) => e.sizes));
    const options = found ? await page.locator(OPTION).count() : 0;
    const firstHit = found
      ? await page.locator(OPTION).first().evaluate((o) => {
          const a = o.matches('a') ? o : o.querySelector('a');
          const part = (sel) => a?.querySelector(sel)?.textContent.trim() ?? '';
          return [part('.search-hit-code'), part('.search-hit-title')].filter(Boolean).join(' ').slice(0, 70);
        })
      : null;
    const pageSizes = await Promise.all(log.slice(0, before).map((e) => e.sizes));
    return {
      found,
      options,
      firstHit,
      requests: countedEntries.length,
      files: countedEntries.map((e, i) => ({ path: new URL(e.url).pathname, status: e.status, ...sizes[i] })),
      raw: sizes.reduce((a, s) => a + s.raw, 0),
      gzip: sizes.reduce((a, s) => a + s.gzip, 0),
      later: laterEntries.map((f) => new URL(f.url).pathname),
      shownWhileTyping: inPage.shownWhileTyping,
      msInPage: inPage.render !== null ? round(inPage.render - inPage.lastInput) : null,
      msFromFocus: inPage.render !== null && inPage.focus !== null ? round(inPage.render - inPage.focus) : null,
      msWall: tOption - tTyped,
      msTyping: tTyped - t0,
      pageLoad: {
        requests: before,
        raw: pageSizes.reduce((a, s) => a + s.raw, 0),
        gzip: pageSizes.reduce((a, s) => a + s.gzip, 0),
      },
    };
  } finally {
    await context.close();
  }
}

/** Sizes of the home page's stylesheets and scripts (the theme's CSS and JS). */
async function themeAssets(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const log = recordResponses(page);
    await page.goto(url, { waitUntil: 'load' });
    const refs = await page.evaluate(() => ({
      css: [...document.querySelectorAll('link[rel~=stylesheet][href]')].map((l) => l.href),
      js: [...document.querySelectorAll('script[src]')].map((s) => s.src),
    }));
    const size = async (u) => {
      const hit = log.find((e) => e.url === u);
      if (hit) return { path: new URL(u).pathname, ...(await hit.sizes) };
      const res = await fetch(u); // not loaded by the page (should not happen)
      const b = Buffer.from(await res.arrayBuffer());
      return { path: new URL(u).pathname, raw: b.length, gzip: gzipSync(b).length };
    };
    const html = log.find((e) => e.url === url);
    return {
      html: html ? { path: new URL(url).pathname, ...(await html.sizes) } : null,
      css: await Promise.all(refs.css.map(size)),
      js: await Promise.all(refs.js.map(size)),
    };
  } finally {
    await context.close();
  }
}

async function main() {
  const st = await fs.stat(siteDir).catch(() => null);
  if (!st?.isDirectory()) usage(`${siteDir} is not a folder`);
  if (!(await fs.stat(path.join(siteDir, 'index.html')).catch(() => null))) usage(`${siteDir}/index.html is missing: not a built site`);
  const qs = queries.length ? queries.map((q) => ({ label: 'given', query: q })) : await defaultQueries(siteDir);
  let index = null;
  try {
    index = JSON.parse(await fs.readFile(path.join(siteDir, 'search', 'index.json'), 'utf8'));
  } catch {
    /* reported below as missing */
  }
  const server = await staticServer(siteDir, '/');
  const browser = await launch();
  const results = [];
  let theme;
  try {
    theme = await themeAssets(browser, server.url);
    for (const q of qs) {
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await measureQuery(browser, server.url, q.query, delay));
      const s0 = samples[0];
      const times = samples.map((s) => s.msInPage).filter((x) => x !== null);
      const walls = samples.map((s) => s.msWall);
      results.push({
        label: q.label,
        query: q.query,
        found: s0.found,
        options: s0.options,
        firstHit: s0.firstHit,
        requests: s0.requests,
        raw: s0.raw,
        gzip: s0.gzip,
        // bytes can differ between runs only if typing outran the debounce
        rawPerRun: samples.map((s) => s.raw),
        requestsPerRun: samples.map((s) => s.requests),
        shownWhileTyping: samples.map((s) => s.shownWhileTyping),
        msPerRun: samples.map((s) => s.msInPage),
        msTypingPerRun: samples.map((s) => s.msTyping),
        files: s0.files,
        later: s0.later,
        msMedian: times.length ? median(times) : null,
        msMin: times.length ? Math.min(...times) : null,
        msMax: times.length ? Math.max(...times) : null,
        msWallMedian: median(walls),
        msFromFocusMedian: median(samples.map((s) => s.msFromFocus).filter((x) => x !== null)),
        pageLoad: s0.pageLoad,
      });
    }
  } finally {
    await browser.close();
    await server.close();
  }

  // ------------------------------------------------------------ report
  const files = await fs.readdir(path.join(siteDir, 'search', 't')).catch(() => []);
  const dfiles = await fs.readdir(path.join(siteDir, 'search', 'd')).catch(() => []);
  const docs = index?.docs ?? null;
  console.log(`site: ${siteDir}`);
  console.log(
    `search index: ${docs ?? '?'} docs, ${files.length} term chunks, ${dfiles.length} doc chunks ` +
      `(${index?.docs_per_chunk ?? '?'} docs each), index.json version ${index?.version ?? '?'}; ${runs} run(s) per query, ` +
      `key delay ${delay} ms`,
  );
  const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);
  const line = (label, xs) =>
    `${label}: ${xs.map((x) => `${x.path} ${fmtBytes(x.raw)} (gzip ${fmtBytes(x.gzip)})`).join(', ')}` +
    (xs.length > 1 ? `; total ${fmtBytes(sum(xs, 'raw'))} (gzip ${fmtBytes(sum(xs, 'gzip'))})` : '');
  if (theme.html) console.log(line('home HTML', [theme.html]));
  console.log(line('theme CSS', theme.css));
  console.log(line('theme JS', theme.js));
  console.log();
  const header = ['query', 'kind', 'search bytes raw', 'gzip', 'requests', 'ms to 1st option (median, min-max)', 'wall ms', 'while typing', 'options', 'first hit'];
  const spread = (xs, f) => (new Set(xs).size === 1 ? f(xs[0]) : `${f(Math.min(...xs))}-${f(Math.max(...xs))}`);
  const rows = results.map((r) => [
    JSON.stringify(r.query),
    r.label,
    spread(r.rawPerRun, fmtBytes),
    fmtBytes(r.gzip) + (new Set(r.rawPerRun).size > 1 ? ' (run 1)' : ''),
    spread(r.requestsPerRun, String),
    r.found ? `${r.msMedian} (${r.msMin}-${r.msMax})` : 'no option',
    String(r.msWallMedian),
    r.shownWhileTyping.every((x) => !x) ? 'no' : `yes ${r.shownWhileTyping.filter(Boolean).length}/${runs}`,
    String(r.options),
    r.firstHit ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmtRow = (r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(fmtRow(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(fmtRow(r));
  console.log();
  for (const r of results) {
    console.log(
      `${JSON.stringify(r.query)}: ${r.files.map((f) => `${f.path.replace(/^\/search\//, '')} ${fmtBytes(f.raw)}/${fmtBytes(f.gzip)}`).join(', ')}` +
        (r.later.length ? `; after the first option: ${r.later.join(', ')}` : ''),
    );
  }
  const json = {
    site: siteDir,
    runs,
    delay,
    index: { docs, termChunks: files.length, docChunks: dfiles.length, docsPerChunk: index?.docs_per_chunk ?? null },
    theme,
    queries: results,
  };
  console.log();
  console.log(`JSON ${JSON.stringify(json)}`);
}

main().catch((e) => {
  console.error(`search-bench: ${e.stack || e.message}`);
  process.exit(1);
});
