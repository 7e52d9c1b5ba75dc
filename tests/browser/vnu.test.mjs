// The Nu HTML Checker (vnu.jar from the vnu-jar npm package) finds no error
// in any HTML file of the built sample site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildSite, filesUnder, vnuJar } from './harness.mjs';

let out;

before(async () => {
  out = await buildSite({ baseUrl: 'http://127.0.0.1:8000/kb/' });
});

after(async () => {
  if (out) await fs.rm(out, { recursive: true, force: true });
});

function runVnu(files) {
  const java = process.env.JAVA || 'java';
  const args = ['-Xss8m', '-jar', vnuJar(), '--errors-only', '--format', 'json', ...files];
  return new Promise((resolve, reject) => {
    execFile(java, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && error.code === 'ENOENT') {
        return reject(new Error(`${java} not found: install a Java runtime (apt-get install default-jre-headless)`));
      }
      // vnu exits 1 when it reports errors; the JSON goes to stderr.
      const text = (stderr || stdout).trim();
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error(`vnu gave no JSON report (exit ${error?.code ?? 0}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

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
