// The Nu HTML Checker (vnu.jar from the vnu-jar npm package) finds no error
// in any HTML file of the built sample site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildSite, filesUnder, runVnu } from './harness.mjs';

let out;

before(async () => {
  out = await buildSite({ baseUrl: 'http://127.0.0.1:8000/kb/' });
});

after(async () => {
  if (out) await fs.rm(out, { recursive: true, force: true });
});

test('vnu: no HTML errors in the built sample site', async () => {
  const files = await filesUnder(out, '.html');
  assert.ok(files.length > 30, `expected the whole sample site, found ${files.length} HTML files`);
  const report = await runVnu(files);
  const errors = report.messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
  const lines = errors.map((m) => {
    const file = m.url ? path.relative(out, new URL(m.url).pathname) : '(no file)';
    const where = m.lastLine ? `${file}:${m.lastLine}${m.firstColumn ? `:${m.firstColumn}` : ''}` : file;
    const extract = m.extract ? `\n      ${m.extract.replace(/\n/g, '⏎')}` : '';
    return `  ${where}: ${m.message}${extract}`;
  });
  assert.equal(errors.length, 0, `vnu found ${errors.length} error(s):\n${lines.join('\n')}`);
});
