// Lighthouse's accessibility score is 100 on every kind of page (light
// scheme, Lighthouse's default mobile emulation: touch screens show the
// heading anchors that hover reveals on desktops). The axe tests cover the
// dark scheme; Lighthouse runs a subset of axe's rules with its own page
// state, which is how an anchor link that failed "links must be
// distinguishable" slipped past them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { PAGE_KINDS, REPO, chromiumPath, serveSampleSite } from './harness.mjs';

let site;

before(async () => {
  site = await serveSampleSite();
});

after(async () => {
  await site?.close();
});

function lighthouseBin() {
  return path.join(REPO, 'node_modules', 'lighthouse', 'cli', 'index.js');
}

/** Runs the Lighthouse CLI on `url`; resolves to its JSON report. */
function lighthouse(url) {
  const args = [
    lighthouseBin(),
    url,
    '--only-categories=accessibility',
    '--output=json',
    '--output-path=stdout',
    '--quiet',
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, CHROME_PATH: chromiumPath() }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`lighthouse ${url} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

test('Lighthouse accessibility is 100 on every page kind', async () => {
  const below = [];
  for (const k of PAGE_KINDS) {
    // The 404 page itself: Lighthouse refuses to audit a 404 response.
    const url = site.url + (k.status === 404 ? k.file : k.path);
    const report = await lighthouse(url);
    assert.equal(report.runtimeError, undefined, `${k.kind}: ${JSON.stringify(report.runtimeError)}`);
    const score = Math.round(report.categories.accessibility.score * 100);
    if (score < 100) {
      const failed = Object.values(report.audits)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
        .map((a) => {
          const nodes = (a.details?.items ?? []).slice(0, 3).map((i) => i.node?.snippet).filter(Boolean);
          return `${a.id}: ${a.title}${nodes.length ? `\n      ${nodes.join('\n      ')}` : ''}`;
        });
      below.push(`${k.kind} (${url}): ${score}\n    ${failed.join('\n    ')}`);
    }
  }
  assert.deepEqual(below, [], `accessibility below 100:\n${below.join('\n')}`);
});
