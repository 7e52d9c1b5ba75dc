// Search in many scripts, in the browser: the fixture site
// tests/fixtures/scripts (pages in Han, Kana, Hangul, Arabic, Hebrew,
// Devanagari, Thai, Cyrillic, Greek, emoji and Latin with diacritics, some
// under non-Latin file and folder names) is built for /kb/ and served; a
// word of each script typed into the header search box lists its page, and
// that page loads. The page's query tokenizer gives the terms that
// search-terms.json lists (the Rust tokenizer is tested against the same
// file), and the Nu HTML Checker finds no error in any page of the output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO, PREFIX, TIMEOUT, filesUnder, launch, newContext, runVnu, serveSampleSite } from './harness.mjs';

const FIXTURE = path.join(REPO, 'tests', 'fixtures', 'scripts');

let site;
let browser;

before(async () => {
  site = await serveSampleSite({ root: FIXTURE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/**
 * A query in each script and the page (site path, as written in the
 * index) it must list. Queries are typed the way a reader would: without
 * Arabic harakat or Hebrew points, upper case, Latin accents as combining
 * marks.
 */
const QUERIES = [
  { script: 'Han (Chinese)', query: '超时', path: 'errors/grpc/deadline-exceeded/' },
  { script: 'Han, a compare guide', query: '限流', path: 'compare/429-vs-503/' },
  { script: 'Katakana', query: 'タイムアウト', path: 'ガイド/タイムアウト/' },
  { script: 'Hiragana and Kanji', query: '利用できません', path: 'errors/grpc/unavailable/' },
  { script: 'Hangul', query: '게이트웨이', path: 'errors/http/504/' },
  { script: 'Hangul, a plain page', query: '재시도 정책', path: '한국어/재시도-정책/' },
  { script: 'Arabic, no harakat', query: 'المعدل', path: 'errors/http/429/' },
  { script: 'Hebrew', query: 'מורשה', path: 'errors/http/401/' },
  { script: 'Hebrew, body word written with points', query: 'שגיאה', path: 'errors/http/401/' },
  { script: 'Devanagari', query: 'अनुपलब्ध', path: 'errors/http/503/' },
  { script: 'Thai', query: 'หมดเวลา', path: 'errors/http/499/' },
  { script: 'Thai, in a code block', query: 'ปลายทาง', path: 'errors/http/499/' },
  { script: 'Cyrillic (Russian), a playbook', query: 'таймауты', path: 'playbooks/таймауты-api/' },
  { script: 'Cyrillic (Russian)', query: 'шлюза', path: 'errors/http/502/' },
  { script: 'Cyrillic (Ukrainian)', query: 'очікування', path: 'errors/http/408/' },
  { script: 'Greek, upper case with final sigma', query: 'ΔΙΑΚΟΜΙΣΤΉΣ', path: 'errors/http/500/' },
  { script: 'Greek', query: 'σφάλμα', path: 'errors/http/500/' },
  { script: 'emoji', query: '🫖', path: 'errors/http/418/' },
  { script: 'Vietnamese, decomposed', query: 'gio\u031B\u0301i ha\u0323n', path: 'errors/aws/throttlingexception/' },
  { script: 'Polish', query: 'Błąd serializacji', path: 'errors/postgres/40001/' },
  { script: 'Czech', query: 'požadavek', path: 'errors/http/413/' },
  { script: 'a code, unsplit', query: 'DEADLINE_EXCEEDED', path: 'errors/grpc/deadline-exceeded/', first: true },
];

/** The site path (decoded, without the /kb/ prefix) of a hit's link. */
function sitePath(href) {
  const p = decodeURIComponent(new URL(href).pathname);
  assert.ok(p.startsWith(PREFIX), `hit outside the site's base path: ${href}`);
  return p.slice(PREFIX.length);
}

/** Types `query` into the header box; returns the site paths of the options. */
async function suggestions(page, query) {
  await page.locator('#search-input').fill(query);
  const status = page.locator('#search-suggest-status');
  await page.waitForFunction(
    () => {
      const s = document.getElementById('search-suggest-status');
      return s && !s.hidden && s.textContent.trim() !== '';
    },
    null,
    { timeout: TIMEOUT },
  );
  const hrefs = await page.$$eval('#search-suggest [role=option]', (opts) =>
    opts.map((o) => (o.matches('a') ? o : o.querySelector('a.search-hit')).href),
  );
  return { paths: hrefs.map(sitePath), hrefs, status: (await status.textContent()).trim() };
}

test('a word of each script typed into the search box lists its page, which loads', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const failures = [];
  try {
    await page.goto(site.url);
    for (const q of QUERIES) {
      // Start from a closed list (the status hidden) so that the answer
      // awaited next is this query's, not the one before.
      await page.locator('#search-input').fill('');
      await page.waitForFunction(() => document.getElementById('search-suggest-status')?.hidden !== false);
      let found;
      try {
        found = await suggestions(page, q.query);
      } catch (e) {
        failures.push(`${q.script}: "${q.query}": no answer (${e.message.split('\n')[0]})`);
        continue;
      }
      const ok = q.first ? found.paths[0] === q.path : found.paths.includes(q.path);
      if (!ok) {
        failures.push(`${q.script}: "${q.query}" should list ${q.path}${q.first ? ' first' : ''}; got [${found.paths.join(', ')}] (${found.status})`);
        continue;
      }
      // The hit's URL, in whatever script, is served.
      const href = found.hrefs[found.paths.indexOf(q.path)];
      const other = await context.newPage();
      const response = await other.goto(href);
      if (response?.status() !== 200) failures.push(`${q.script}: ${href} answered ${response?.status()}`);
      await other.close();
    }
  } finally {
    await context.close();
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
});

test('the search page lists a Thai page for a Thai query in its address', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}search/?q=${encodeURIComponent('หมดเวลา')}`);
    await page.locator('#search-results a.search-hit').first().waitFor();
    const hrefs = await page.$$eval('#search-results a.search-hit', (as) => as.map((a) => a.href));
    assert.ok(hrefs.map(sitePath).includes('errors/http/499/'), hrefs.join('\n'));
  } finally {
    await context.close();
  }
});

test("the page's query tokenizer gives the terms of search-terms.json, as the index's does", async () => {
  const samples = JSON.parse(await fs.readFile(path.join(FIXTURE, 'search-terms.json'), 'utf8'));
  assert.ok(samples.length >= 20, `too few samples: ${samples.length}`);
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    await page.goto(site.url);
    const got = await page.evaluate((texts) => {
      const terms = window.faultbook && window.faultbook.searchTerms;
      if (typeof terms !== 'function') throw new Error('window.faultbook.searchTerms is missing');
      return texts.map((t) => terms(t));
    }, samples.map((s) => s.text));
    const wrong = samples
      .map((s, i) => ({ text: s.text, expected: s.terms, got: got[i] }))
      .filter((r) => JSON.stringify(r.got) !== JSON.stringify(r.expected));
    assert.deepEqual(wrong, []);
  } finally {
    await context.close();
  }
});

test('vnu: no HTML errors in any page of the multi-script site', async () => {
  const files = await filesUnder(site.out, '.html');
  assert.ok(files.length > 40, `expected the whole fixture site, found ${files.length} HTML files`);
  // Pages under non-Latin folder names are checked too.
  assert.ok(files.some((f) => f.includes('タイムアウト')), files.join('\n'));
  const report = await runVnu(files);
  const errors = report.messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
  const lines = errors.map((m) => {
    const file = m.url ? path.relative(site.out, decodeURIComponent(new URL(m.url).pathname)) : '(no file)';
    const where = m.lastLine ? `${file}:${m.lastLine}${m.firstColumn ? `:${m.firstColumn}` : ''}` : file;
    const extract = m.extract ? `\n      ${m.extract.replace(/\n/g, '⏎')}` : '';
    return `  ${where}: ${m.message}${extract}`;
  });
  assert.equal(errors.length, 0, `vnu found ${errors.length} error(s):\n${lines.join('\n')}`);
});
