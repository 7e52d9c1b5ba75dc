// How the built-in theme uses the screen, and the A-Z list's provider filter:
//   - at 1280 px, listings and the search page put a provider sidebar beside
//     a column that takes the rest of the width (listings in two columns),
//     the home page lays its lists out in columns, and an error page keeps
//     its reading width;
//   - at phone width the sidebar follows the content;
//   - the A-Z list sorts numbers by value and filters by provider, with the
//     choice kept in ?provider= and every count and letter following it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PAGE_KINDS, copySampleSite, launch, newContext, serveSampleSite, watchProblems } from './harness.mjs';

const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SIDEBAR_KINDS = ['errors-az', 'provider', 'tag', 'standard', 'compare-list', 'playbook-list', 'search'];

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

const kind = (name) => PAGE_KINDS.find((k) => k.kind === name);

/** Boxes of the sidebar, <main> and the listed items, and how many columns the items take. */
function measure() {
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
  };
  const items = [...document.querySelectorAll('main .items > li')];
  const lefts = new Set(items.map((li) => Math.round(li.getBoundingClientRect().left)));
  const sidebar = document.querySelector('.sidebar');
  return {
    sidebar: box(sidebar),
    sidebarVisible: !!sidebar && getComputedStyle(sidebar).display !== 'none',
    main: box(document.querySelector('main')),
    body: box(document.querySelector('main .body')),
    items: items.length,
    columns: lefts.size,
    current: [...document.querySelectorAll('.sidebar [aria-current="page"]')].map((a) => a.textContent),
    searchBoxes: document.querySelectorAll('input[type="search"]').length,
  };
}

test('wide screens: listings and search get a provider sidebar and a wide column', async () => {
  const context = await newContext(browser, { viewport: WIDE });
  const page = await context.newPage();
  const problems = [];
  try {
    for (const name of SIDEBAR_KINDS) {
      await page.goto(site.url + kind(name).path);
      const m = await page.evaluate(measure);
      const where = `${name} (/kb/${kind(name).path})`;
      if (!m.sidebarVisible) problems.push(`${where}: no provider sidebar`);
      else if (m.sidebar.right > m.main.left) problems.push(`${where}: the sidebar is not beside the content (${m.sidebar.right} > ${m.main.left})`);
      if (m.main.width < 800) problems.push(`${where}: the content column is ${Math.round(m.main.width)} px wide`);
      if (m.items >= 2 && name !== 'search' && m.columns < 2) problems.push(`${where}: ${m.items} items in ${m.columns} column`);
    }
    await page.goto(site.url + kind('provider').path);
    assert.deepEqual((await page.evaluate(measure)).current, ['HTTP'], "the provider's own link is marked current");
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, []);
});

test('wide screens: the home page lists in columns; an error page keeps its reading width', async () => {
  const context = await newContext(browser, { viewport: WIDE });
  const page = await context.newPage();
  try {
    await page.goto(site.url);
    const home = await page.evaluate(measure);
    assert.ok(home.columns >= 2, `recently reviewed in ${home.columns} column(s)`);
    await page.goto(site.url + kind('error').path);
    const error = await page.evaluate(measure);
    assert.equal(error.sidebar, null, 'error pages have no provider sidebar');
    const measureCh = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.width = '75ch';
      document.querySelector('main .body').appendChild(probe);
      const w = probe.getBoundingClientRect().width;
      probe.remove();
      return w;
    });
    assert.ok(error.body.width <= measureCh + 0.5, `error page body ${Math.round(error.body.width)} px wide, over 75ch (${Math.round(measureCh)} px)`);
  } finally {
    await context.close();
  }
});

test('phones: the sidebar comes after the content', async () => {
  const context = await newContext(browser, { viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  try {
    await page.goto(site.url + kind('errors-az').path);
    const m = await page.evaluate(measure);
    assert.ok(m.sidebar.top >= m.main.bottom, `sidebar top ${m.sidebar.top} is above the end of the content ${m.main.bottom}`);
    assert.equal(m.columns, 1, 'one column of items on a phone');
  } finally {
    await context.close();
  }
});

test('the search page has one search box', async () => {
  const context = await newContext(browser, { viewport: WIDE });
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}search/`);
    assert.equal((await page.evaluate(measure)).searchBoxes, 1);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-page-input', '"/" focuses the page\'s box');
  } finally {
    await context.close();
  }
});

/** The A-Z list as the reader sees it: visible items' codes and providers, letters, the count line. */
function readAz() {
  const visible = (el) => el && !el.closest('[hidden]') && el.getClientRects().length > 0;
  return {
    items: [...document.querySelectorAll('.listing .items > li')].filter(visible).map((li) => ({
      code: li.querySelector('.item-code')?.textContent ?? '',
      provider: li.dataset.provider,
    })),
    headings: [...document.querySelectorAll('.listing > h2')].filter(visible).map((h) => h.textContent),
    letters: [...document.querySelectorAll('.letters a')].filter(visible).map((a) => a.textContent),
    count: document.querySelector('.list-count').textContent,
    pressed: [...document.querySelectorAll('.filter [aria-pressed="true"]')].map((b) => b.textContent),
    filterVisible: visible(document.querySelector('.filter')) && getComputedStyle(document.querySelector('.filter')).visibility === 'visible',
  };
}

test('A-Z: numbers sort by value, and a provider filter narrows the list', async () => {
  const context = await newContext(browser, { viewport: WIDE });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await page.goto(site.url + kind('errors-az').path);
    const all = await page.evaluate(readAz);
    assert.ok(all.filterVisible, 'the filter is shown once the script runs');
    assert.deepEqual(all.pressed, ['All providers']);
    const total = all.items.length;
    assert.ok(total >= 20, `${total} errors`);
    // Codes that start with a number, in order of that number's value.
    const numbers = all.items.map((i) => i.code).filter((c) => /^\d/.test(c)).map((c) => parseInt(c, 10));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), `0–9 in order of value: ${numbers}`);

    // Each button names a provider and filters by its key.
    const buttons = await page.evaluate(() =>
      [...document.querySelectorAll('.filter button[data-provider]')]
        .filter((b) => b.dataset.provider)
        .map((b) => ({ key: b.dataset.provider, name: b.textContent })),
    );
    const providers = [...new Set(all.items.map((i) => i.provider))];
    assert.ok(providers.length >= 3, `providers: ${providers}`);
    assert.deepEqual(buttons.map((b) => b.key).filter((k) => providers.includes(k)).sort(), [...providers].sort());
    for (const { key, name } of buttons) {
      await page.getByRole('button', { name, exact: true }).click();
      const shown = await page.evaluate(readAz);
      const expected = all.items.filter((i) => i.provider === key);
      assert.ok(expected.length > 0, `${name} has errors`);
      assert.deepEqual(shown.items, expected, `${name}: only its errors, in the same order`);
      assert.deepEqual(shown.pressed, [name]);
      assert.equal(shown.count, `${expected.length} of ${total} pages from ${name}`);
      assert.deepEqual(shown.letters, shown.headings, `${name}: a jump link for each letter left, and no other`);
      assert.ok(shown.headings.length < all.headings.length, `${name}: letters without its errors are hidden`);
      assert.equal(new URL(page.url()).searchParams.get('provider'), key);
    }
    // The address keeps the choice: a reload shows the same list.
    const last = buttons[buttons.length - 1];
    await page.reload();
    assert.deepEqual((await page.evaluate(readAz)).pressed, [last.name]);
    await page.getByRole('button', { name: 'All providers' }).click();
    const back = await page.evaluate(readAz);
    assert.deepEqual(back.items, all.items);
    assert.equal(back.count, all.count);
    assert.equal(new URL(page.url()).search, '');
    // An unknown provider in the address shows everything.
    await page.goto(`${site.url}${kind('errors-az').path}?provider=Nobody`);
    assert.equal((await page.evaluate(readAz)).items.length, total);
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});

test('A-Z: with many providers the filter is a menu that works the same', async () => {
  const root = await copySampleSite();
  const extra = Array.from({ length: 14 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  let toml = await fs.readFile(path.join(root, 'site.toml'), 'utf8');
  for (const key of extra) {
    toml += `\n[providers.${key}]\nname = "Provider ${key}"\n`;
    await fs.mkdir(path.join(root, 'content', 'errors', key), { recursive: true });
    await fs.writeFile(
      path.join(root, 'content', 'errors', key, 'e1.md'),
      `+++\ntitle = "Error of ${key}"\ncode = "E1"\nreviewed = 2026-11-01\nreferences = [{ title = "R", url = "https://example.com/r" }]\n+++\nBody.\n`,
    );
  }
  await fs.writeFile(path.join(root, 'site.toml'), toml);
  const many = await serveSampleSite({ root });
  const context = await newContext(browser, { viewport: WIDE });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await page.goto(`${many.url}errors/`);
    const menu = page.getByLabel('Provider', { exact: true });
    await menu.waitFor({ state: 'visible' });
    assert.equal(await page.locator('.filter button').count(), 0, 'a menu, not a button per provider');
    const all = await page.evaluate(readAz);
    await menu.selectOption('p07');
    const shown = await page.evaluate(readAz);
    assert.deepEqual(shown.items, [{ code: 'E1', provider: 'p07' }]);
    assert.equal(shown.count, `1 of ${all.items.length} pages from Provider p07`);
    assert.equal(new URL(page.url()).searchParams.get('provider'), 'p07');
    await page.reload();
    assert.equal(await menu.inputValue(), 'p07', 'the address keeps the choice');
    assert.equal((await page.evaluate(readAz)).items.length, 1);
    await menu.selectOption('');
    assert.equal((await page.evaluate(readAz)).items.length, all.items.length);
    await watch.settled();
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
    await many.close();
    await fs.rm(root, { recursive: true, force: true });
  }
});
