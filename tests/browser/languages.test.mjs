// A site in two languages, as a reader meets it (the sample site, under
// the sub-path /kb/):
//   - the language switcher goes to the same page in the other language,
//     and says where there is none;
//   - every hreflang alternate and switcher link leads to a page that
//     exists and is in the language it claims;
//   - an outdated translation says so and links its original;
//   - the French section's search finds French pages first, and English
//     pages that have no translation, with its messages in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, serveSampleSite, watchProblems, TIMEOUT } from './harness.mjs';

let site;
let browser;

before(async () => {
  site = await serveSampleSite();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

test('the switcher goes to the same page in the other language', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await page.goto(site.url + 'errors/http/429/');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const current = page.locator('.language-switcher a[aria-current="page"]');
    assert.equal(await current.textContent(), 'English');
    await page.locator('.language-switcher a[hreflang="fr"]').click();
    await page.waitForURL(site.url + 'fr/errors/http/429/', { timeout: TIMEOUT });
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.match(await page.locator('h1').textContent(), /Trop de requêtes/);
    // The header, breadcrumbs and search box lead into the French section.
    assert.equal(await page.getAttribute('.search-form', 'action'), '/kb/fr/search/');
    assert.equal(await page.getAttribute('.breadcrumbs li:first-child a', 'href'), '/kb/fr/');
    await page.locator('.language-switcher a[hreflang="en"]').click();
    await page.waitForURL(site.url + 'errors/http/429/', { timeout: TIMEOUT });

    // A page without a French version says so instead of linking.
    await page.goto(site.url + 'errors/entra/aadsts53003/');
    const none = page.locator('.language-switcher .untranslated');
    assert.equal(await none.count(), 1);
    assert.match(await none.getAttribute('title'), /Français/);
    assert.equal(await page.locator('.language-switcher a[hreflang="fr"]').count(), 0);
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});

test('every alternate and switcher link leads to the page in its language', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    const checked = new Set();
    for (const start of ['errors/http/503/', 'fr/errors/http/503/', 'compare/429-vs-503/', 'fr/', 'fr/errors/', 'errors/', 'fr/search/']) {
      await page.goto(site.url + start);
      const links = await page.evaluate(() => [
        ...[...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => ({ lang: l.hreflang, href: l.href })),
        ...[...document.querySelectorAll('.language-switcher a[hreflang]')].map((a) => ({ lang: a.hreflang, href: a.href })),
      ]);
      assert.ok(links.length >= 4, `${start}: ${links.length} language links`);
      for (const { lang, href } of links) {
        const key = `${lang} ${href}`;
        if (checked.has(key)) continue;
        checked.add(key);
        const res = await page.request.get(href);
        assert.equal(res.status(), 200, `${start}: ${href}`);
        const html = await res.text();
        assert.ok(html.includes(`<html lang="${lang}"`), `${start}: ${href} is not in ${lang}`);
      }
    }
  } finally {
    await context.close();
  }
});

test('an outdated translation says so and links its original', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    await page.goto(site.url + 'fr/errors/http/503/');
    const note = page.locator('.outdated');
    assert.ok(await note.isVisible(), 'the note is shown');
    assert.match(await note.textContent(), /29 septembre 2026/);
    await note.locator('a').click();
    await page.waitForURL(site.url + 'errors/http/503/', { timeout: TIMEOUT });
    assert.equal(await page.locator('.outdated').count(), 0, 'the original has no note');
    await page.goto(site.url + 'fr/errors/http/429/');
    assert.equal(await page.locator('.outdated').count(), 0, 'a current translation has none');
  } finally {
    await context.close();
  }
});

test("search in the French section finds French pages, and English ones that have none", async () => {
  const context = await newContext(browser);
  // Each query on a page of its own, settled before it closes: results
  // fetch their pages for excerpts, which a navigation would abort.
  const search = async (path) => {
    const page = await context.newPage();
    const watch = watchProblems(page);
    try {
      await page.goto(site.url + path);
      await page.locator('#search-results a.search-hit').first().waitFor({ timeout: TIMEOUT });
      await watch.settled();
      assert.deepEqual(watch.problems, [], path);
      return {
        hits: await page.evaluate(() => [...document.querySelectorAll('#search-results a.search-hit')].map((a) => a.getAttribute('href'))),
        marked: await page.evaluate(() => [...document.querySelectorAll('#search-results a.search-hit[hreflang]')].map((a) => `${a.getAttribute('href')} ${a.querySelector('.item-lang')?.textContent}`)),
        status: await page.locator('#search-status').textContent(),
      };
    } finally {
      await page.close();
    }
  };
  try {
    let r = await search('fr/search/?q=429');
    assert.equal(r.hits[0], '/kb/fr/errors/http/429/', `first hit: ${r.hits}`);
    assert.ok(!r.hits.includes('/kb/errors/http/429/'), 'the original of a translated page is not a result');
    assert.match(r.status, /résultat/);
    assert.ok(!r.marked.includes('/kb/fr/errors/http/429/ FR'), 'a page in the reader\'s language is not marked');

    r = await search('fr/search/?q=AADSTS53003');
    assert.ok(r.hits.includes('/kb/errors/entra/aadsts53003/'), `untranslated page found: ${r.hits}`);
    assert.ok(r.marked.includes('/kb/errors/entra/aadsts53003/ EN'), `marked with its language: ${r.marked}`);

    // The English section's search stays English.
    r = await search('search/?q=429');
    assert.equal(r.hits[0], '/kb/errors/http/429/');
    assert.ok(!r.hits.some((h) => h.includes('/fr/')), `${r.hits}`);
    assert.match(r.status, /result/);
  } finally {
    await context.close();
  }
});
