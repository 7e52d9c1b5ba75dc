// Search-as-you-type in the header and the search page, written against the
// search UI contract (tests/browser/README.md):
//   - header input #search-input; suggestions in #search-suggest
//     ([role=listbox]); each suggestion an [role=option] holding an
//     a.search-hit (or being it) with .search-hit-code, .search-hit-title,
//     .search-hit-provider and .search-hit-summary;
//   - "/" focuses the input; ArrowDown marks the first option
//     aria-selected="true"; Enter follows its link;
//   - /search/?q=... lists results in #search-results as a.search-hit;
//   - hit text is text, never HTML; every href starts with the site's
//     sub-path (/kb/ here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  PREFIX,
  axeScript,
  buildSite,
  copySampleSite,
  launch,
  newContext,
  serveSampleSite,
  staticServer,
  tempDir,
  watchProblems,
} from './harness.mjs';

const WAIT = 5_000;
const AADSTS53003 = {
  code: 'AADSTS53003',
  title: 'Access has been blocked by Conditional Access policies',
  path: 'errors/entra/aadsts53003/',
};

let site;
let browser;
let context;

before(async () => {
  site = await serveSampleSite();
  browser = await launch();
  context = await newContext(browser);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});

/**
 * The hits in `container`: with `perOption`, the a.search-hit of each
 * [role=option] (and the option's aria-selected), else every a.search-hit.
 * Null when the container is missing.
 */
function readHits(page, container = '#search-suggest', perOption = true) {
  return page.evaluate(
    ({ container, perOption }) => {
      const box = document.querySelector(container);
      if (!box) return null;
      const text = (el, sel) => el.querySelector(sel)?.textContent.trim() ?? null;
      const describe = (a, option) => ({
        code: text(a, '.search-hit-code'),
        title: text(a, '.search-hit-title'),
        provider: text(a, '.search-hit-provider'),
        summary: text(a, '.search-hit-summary'),
        href: a.getAttribute('href'),
        selected: option ? option.getAttribute('aria-selected') : null,
      });
      if (!perOption) return [...box.querySelectorAll('a.search-hit')].map((a) => describe(a, null));
      // The option holds the link (the contract), or is the link itself
      // (role="option" on a.search-hit, which avoids nested interactive
      // controls): both are accepted.
      return [...box.querySelectorAll('[role=option]')]
        .map((o) => [o.matches('a.search-hit') ? o : o.querySelector('a.search-hit'), o])
        .filter(([a]) => a)
        .map(([a, o]) => describe(a, o));
    },
    { container, perOption },
  );
}

/** Polls `read` until `ok(value)` or WAIT ms; returns the last value. */
async function poll(read, ok, timeout = WAIT) {
  const end = Date.now() + timeout;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

async function openHome() {
  const page = await context.newPage();
  const watch = watchProblems(page);
  await page.goto(site.url);
  await page.locator('.theme-toggle').waitFor({ state: 'visible' });
  return { page, watch };
}

/** Types `text` into the header box the way a person does (key by key). */
async function typeQuery(page, text) {
  const input = page.locator('#search-input');
  await input.fill('');
  await input.pressSequentially(text);
}

async function firstHitFor(page, query, code) {
  await typeQuery(page, query);
  const hits = await poll(
    () => readHits(page),
    (h) => h?.length > 0 && h[0].code === code,
  );
  assert.ok(hits, '#search-suggest is missing from the page');
  assert.ok(hits.length > 0, `typing ${JSON.stringify(query)} shows no suggestion in #search-suggest`);
  assert.equal(hits[0].code, code, `first hit for ${JSON.stringify(query)}; hits: ${JSON.stringify(hits.map((h) => h.code))}`);
  return hits;
}

test('the suggestion list is a listbox of options holding a.search-hit with code, title, provider and summary', async () => {
  const { page, watch } = await openHome();
  try {
    await typeQuery(page, 'AADSTS53003');
    const box = page.locator('#search-suggest');
    await box.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await box.getAttribute('role'), 'listbox');
    const option = box.locator('[role=option]').first();
    await option.waitFor({ timeout: WAIT });
    const optionIsHit = await option.evaluate((o) => o.matches('a.search-hit'));
    const hit = optionIsHit ? option : option.locator('a.search-hit');
    assert.equal(await hit.count(), 1, 'one a.search-hit per option');
    for (const part of ['.search-hit-code', '.search-hit-title', '.search-hit-provider', '.search-hit-summary']) {
      assert.equal(await hit.locator(part).count(), 1, `a.search-hit has a ${part}`);
    }
    const [first] = await readHits(page);
    assert.equal(first.code, AADSTS53003.code);
    assert.equal(first.title, AADSTS53003.title, 'the hit title is the page title');
    assert.equal(first.provider, 'Microsoft Entra ID');
    assert.match(first.summary, /Conditional Access policy/);
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('codes, bare numbers and title words find the right pages', async () => {
  const { page, watch } = await openHome();
  try {
    await firstHitFor(page, 'AADSTS53003', 'AADSTS53003');
    await firstHitFor(page, '53003', 'AADSTS53003');
    await firstHitFor(page, 'DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED');

    await typeQuery(page, 'conditional access');
    const hits = await poll(
      () => readHits(page),
      (h) => h?.some((x) => x.code === 'AADSTS53003'),
    );
    assert.ok(
      hits?.some((x) => x.code === 'AADSTS53003'),
      `"conditional access" should find AADSTS53003; hits: ${JSON.stringify(hits?.map((h) => h.code))}`,
    );

    await typeQuery(page, 'zqxjvwpf');
    const none = await poll(
      () => page.evaluate(() => ({
        options: document.querySelectorAll('#search-suggest [role=option]').length,
        noResults: /no results/i.test(document.querySelector('#search-suggest')?.closest('form, header, body')?.innerText ?? ''),
      })),
      (r) => r.options === 0 && r.noResults,
    );
    assert.deepEqual(none, { options: 0, noResults: true }, 'a nonsense word shows no option and a "No results" text');
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('keyboard: "/" focuses the box, ArrowDown selects the first option, Enter follows it', async () => {
  const { page } = await openHome();
  try {
    await page.evaluate(() => document.activeElement?.blur());
    await page.locator('main h1').click();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input', '"/" focuses #search-input');
    assert.equal(await page.inputValue('#search-input'), '', 'the "/" is not typed into the box');

    await page.keyboard.type('53003');
    const option = page.locator('#search-suggest [role=option]').first();
    await option.waitFor({ timeout: WAIT });
    await page.keyboard.press('ArrowDown');
    await poll(() => option.getAttribute('aria-selected'), (v) => v === 'true');
    assert.equal(await option.getAttribute('aria-selected'), 'true', 'ArrowDown marks the first option selected');
    const others = await page.locator('#search-suggest [role=option][aria-selected="true"]').count();
    assert.equal(others, 1, 'exactly one option is selected');

    const href = await option.evaluate((o) => (o.matches('a.search-hit') ? o : o.querySelector('a.search-hit')).getAttribute('href'));
    const target = new URL(href, page.url()).href;
    await Promise.all([page.waitForURL(target, { timeout: WAIT }), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, PREFIX + AADSTS53003.path);
  } finally {
    await page.close();
  }
});

test('the search page lists results for ?q=', async () => {
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await page.goto(`${site.url}search/?q=53003`);
    const link = page.locator(`#search-results a.search-hit[href$="${AADSTS53003.path}"]`);
    await link.first().waitFor({ timeout: WAIT });
    const hits = await readHits(page, '#search-results', false);
    assert.ok(hits.length >= 1);
    assert.equal(hits[0].code, AADSTS53003.code, `first result; got ${JSON.stringify(hits.map((h) => h.code))}`);
    for (const h of hits) assert.ok(h.href?.startsWith(PREFIX), `result href ${h.href} starts with ${PREFIX}`);
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});

test('hits are text, never HTML, and every href stays under the sub-path', async () => {
  const { page } = await openHome();
  try {
    for (const q of ['AADSTS53003', 'conditional access', 'http', 'timeout']) {
      await typeQuery(page, q);
      const hits = await poll(() => readHits(page), (h) => h?.length > 0);
      assert.ok(hits?.length > 0, `no hits for ${q}`);
      for (const h of hits) assert.ok(h.href?.startsWith(PREFIX), `hit href ${h.href} for ${q} starts with ${PREFIX}`);
      const scripts = await page.evaluate(() =>
        [...document.querySelectorAll('#search-suggest, #search-suggest *')].filter((e) => /<script/i.test(e.innerHTML)).length,
      );
      assert.equal(scripts, 0, 'no <script in the suggestions');
    }
    await typeQuery(page, 'AADSTS53003');
    const [first] = await poll(() => readHits(page), (h) => h?.[0]?.code === 'AADSTS53003');
    // The page's own title, as the error page shows it.
    const titlePage = await context.newPage();
    await titlePage.goto(site.url + AADSTS53003.path);
    const pageTitle = (await titlePage.locator('h1 .page-title').textContent()).trim();
    await titlePage.close();
    assert.equal(first.title, pageTitle);
  } finally {
    await page.close();
  }
});

test('a page title full of markup shows as literal text in hits and runs nothing', async () => {
  // A copy of the sample site with one hostile page, built for /kb/.
  const root = await copySampleSite();
  const out = await tempDir('out');
  const server = await staticServer(out, PREFIX);
  try {
    const title = 'Teapot <script>window.__xss = 1</script> <img src=x onerror="window.__xss = 2"> & "friends"';
    const summary = 'A <b>hostile</b> summary <script>window.__xss = 3</script> shown as plain text.';
    await fs.writeFile(
      path.join(root, 'content', 'errors', 'http', '418.md'),
      [
        '+++',
        `title = ${JSON.stringify(title)}`,
        'code = "418"',
        'provider = "http"',
        `summary = ${JSON.stringify(summary)}`,
        'reviewed = 2026-11-01',
        'standard = "field-notes"',
        '+++',
        '',
        '## What it means',
        '',
        'A page for the search escaping test.',
        '',
      ].join('\n'),
    );
    await buildSite({ root, baseUrl: server.url, output: out });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.theme-toggle').waitFor({ state: 'visible' });
    await typeQuery(page, '418');
    const hits = await poll(() => readHits(page), (h) => h?.some((x) => x.code === '418'));
    const hit = hits?.find((x) => x.code === '418');
    assert.ok(hit, `typing 418 finds the page; hits: ${JSON.stringify(hits)}`);
    assert.equal(hit.title, title, 'the title is shown literally');
    assert.equal(hit.summary, summary, 'the summary is shown literally');
    const state = await page.evaluate(() => ({
      xss: window.__xss ?? null,
      elements: document.querySelectorAll('#search-suggest script, #search-suggest img, #search-suggest b').length,
    }));
    assert.deepEqual(state, { xss: null, elements: 0 });
    await page.close();
  } finally {
    await server.close();
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(out, { recursive: true, force: true });
  }
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe: the open suggestion list has no serious or critical violations (${colorScheme})`, async () => {
    const ctx = await newContext(browser, { colorScheme, reducedMotion: 'reduce' });
    try {
      const page = await ctx.newPage();
      await page.goto(site.url);
      await page.locator('.theme-toggle').waitFor({ state: 'visible' });
      await typeQuery(page, 'timeout');
      await page.locator('#search-suggest [role=option]').first().waitFor({ timeout: WAIT });
      await page.keyboard.press('ArrowDown');
      await page.addScriptTag({ path: axeScript() });
      const results = await page.evaluate(() =>
        window.axe.run({ include: [['header']] }, { resultTypes: ['violations'] }),
      );
      const failures = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 8).map((n) => `  ${n.target.join(' ')}: ${[...n.any, ...n.all, ...n.none].map((c) => c.message)[0] ?? ''}`).join('\n')}`);
      assert.deepEqual(failures, [], `axe violations in the open suggestion list:\n${failures.join('\n')}`);
    } finally {
      await ctx.close();
    }
  });
}

/** The search page's results: each hit's title, excerpt text, marked words and non-mark child elements. */
function readExcerpts() {
  return [...document.querySelectorAll('#search-results a.search-hit')].map((a) => {
    const ex = a.querySelector('.search-hit-excerpt');
    return {
      href: a.getAttribute('href'),
      excerpt: ex?.textContent ?? null,
      marks: ex ? [...ex.querySelectorAll('mark')].map((m) => m.textContent) : [],
      other: ex ? [...ex.children].filter((c) => c.tagName !== 'MARK').map((c) => c.tagName) : [],
    };
  });
}

test('the search page shows why each result matched: a passage of the page with the words marked', async () => {
  const page = await context.newPage();
  const watch = watchProblems(page);
  const fetched = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'fetch' && !r.url().includes('/search/')) fetched.push(r.url());
  });
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    // A word of the bodies, not of the summaries shown before.
    await page.goto(`${site.url}search/?q=correlation`);
    await page.locator('#search-results .search-hit-excerpt mark').first().waitFor({ timeout: WAIT });
    const hits = await page.evaluate(readExcerpts);
    const shown = hits.filter((h) => h.excerpt !== null);
    assert.ok(shown.length >= 2, `excerpts: ${JSON.stringify(hits)}`);
    for (const h of shown) {
      assert.ok(h.marks.length > 0 && h.marks.every((m) => /^correlation/i.test(m)), `${h.href}: marks ${JSON.stringify(h.marks)}`);
      assert.deepEqual(h.other, [], `${h.href}: only text and <mark> in the excerpt`);
      assert.ok(!/#|Copy|Last reviewed|On this page|Provider:/.test(h.excerpt), `${h.href}: page chrome in "${h.excerpt}"`);
      assert.ok(h.excerpt.length <= 240, `${h.href}: excerpt of ${h.excerpt.length} characters`);
    }

    // The number inside a code is marked inside it.
    await page.goto(`${site.url}search/?q=53003`);
    await page.locator('#search-results .search-hit-excerpt mark').first().waitFor({ timeout: WAIT });
    const first = (await page.evaluate(readExcerpts))[0];
    assert.ok(first.href.endsWith(AADSTS53003.path), first.href);
    assert.ok(first.marks.includes('53003'), `marks ${JSON.stringify(first.marks)} in "${first.excerpt}"`);
    assert.match(first.excerpt, /AADSTS53003/);

    // A page found by its title alone shows its summary, never the
    // header, review line or table of contents around the body.
    await page.goto(`${site.url}search/?q=equivalents`);
    const titleOnly = page.locator('#search-results a.search-hit[href$="compare/401-vs-403/"]');
    await titleOnly.waitFor({ timeout: WAIT });
    // The other result's excerpt shows that the pages were read.
    await page.locator('#search-results .search-hit-excerpt').first().waitFor({ timeout: WAIT });
    await page.waitForTimeout(300);
    const kept = await titleOnly.evaluate((a) => ({
      excerpt: !!a.querySelector('.search-hit-excerpt'),
      text: a.querySelector('.search-hit-summary')?.textContent ?? '',
    }));
    assert.equal(kept.excerpt, false, `a page matched by its title shows its summary, not "${kept.text}"`);
    assert.ok(!kept.text.includes('(and their gRPC equivalents)'), kept.text);

    // A query of symbols only says why nothing was found.
    await page.goto(`${site.url}search/?q=${encodeURIComponent('C++ .*')}`);
    await page.waitForFunction(() => document.getElementById('search-status')?.textContent.includes('No results'), null, { timeout: WAIT });

    // Pages are fetched for the results in view only.
    fetched.length = 0;
    await page.goto(`${site.url}search/?q=the%20request`);
    await page.locator('#search-results .search-hit-excerpt').first().waitFor({ timeout: WAIT });
    await page.waitForTimeout(500);
    const results = (await page.evaluate(readExcerpts)).length;
    assert.ok(results > 12, `${results} results for "the request"`);
    assert.ok(fetched.length > 0 && fetched.length < results, `${fetched.length} pages fetched for ${results} results`);
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await page.close();
  }
});
