// Shared helpers of faultbook's real-browser tests (node:test + playwright-core
// driving the system's Chromium; no browser is ever downloaded).
//
// Nothing here skips: a missing binary, browser, Java or npm package throws,
// so the test that needs it fails with a message that says what to install.

import { before, after } from 'node:test';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The repository root (holds Cargo.toml and the sample site). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** URL prefix under which the built sample site is served in these tests. */
export const PREFIX = '/kb/';

/** Milliseconds: generous enough for a loaded 2-core CI machine. */
export const TIMEOUT = 15_000;

// ---------------------------------------------------------------- binary

/**
 * Path to the release binary, under $CARGO_TARGET_DIR when set (as cargo
 * builds it, and scripts/browser-test.sh with it), else target/ of the
 * repository; throws when it has not been built.
 */
export function faultbookBin() {
  const exe = process.platform === 'win32' ? 'faultbook.exe' : 'faultbook';
  const bin = path.resolve(REPO, process.env.CARGO_TARGET_DIR || 'target', 'release', exe);
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run cargo build --release first`);
  }
  return bin;
}

/** A fresh, empty temporary folder. */
export function tempDir(tag = 'site') {
  return fs.mkdtemp(path.join(os.tmpdir(), `faultbook-browser-${tag}-`));
}

/**
 * Builds the site at `root` (the sample site by default) with
 * `faultbook build`, into `output` or a fresh temporary folder, and
 * returns the output folder. Throws with the binary's output on failure.
 */
export async function buildSite({ root = REPO, baseUrl, output } = {}) {
  const out = output ?? (await tempDir('out'));
  const args = ['build', '--quiet', '--root', root, '--output', out];
  if (baseUrl) args.push('--base-url', baseUrl);
  try {
    execFileSync(faultbookBin(), args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    throw new Error(`faultbook ${args.join(' ')} failed (exit ${e.status}):\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  return out;
}

// ---------------------------------------------------------------- static server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.woff2': 'font/woff2',
};

/** Content-Type for a file name (application/octet-stream when unknown). */
export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function statOrNull(p) {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

/**
 * A small static file server on 127.0.0.1 (a free port) serving `dir` under
 * the URL prefix `prefix` (e.g. "/kb/"), the way a static host would:
 * index.html for folders, a redirect for folders asked for without their
 * slash, `dir`/404.html with status 404 for anything unknown, and a 400 for
 * any path with a `..` segment. Every response carries no-store.
 *
 * Returns {url, origin, port, close, requests}: `url` is the site's root
 * (origin + prefix); `requests` logs "STATUS /path" of each request.
 */
export async function staticServer(dir, prefix = '/') {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
    throw new Error(`prefix must start and end with "/": ${prefix}`);
  }
  const root = path.resolve(dir);
  const requests = [];

  async function sendFile(res, file, status, method) {
    const st = await fs.stat(file);
    res.writeHead(status, {
      'Content-Type': contentType(file),
      'Content-Length': st.size,
      'Cache-Control': 'no-store',
    });
    if (method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  }

  async function notFound(res, method) {
    const page = path.join(root, '404.html');
    if (await statOrNull(page)) return sendFile(res, page, 404, method);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found');
  }

  async function handle(req, res) {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let decoded;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400);
      return res.end('bad path');
    }
    const segments = decoded.split(/[/\\]/);
    if (segments.includes('..') || decoded.includes('\0')) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('refused: ".." in path');
    }
    if (decoded === prefix.slice(0, -1)) {
      res.writeHead(301, { Location: prefix });
      return res.end();
    }
    if (!decoded.startsWith(prefix)) return notFound(res, method);
    const rel = decoded.slice(prefix.length);
    const file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(res, method);
    const st = await statOrNull(file);
    if (st?.isDirectory()) {
      if (!decoded.endsWith('/')) {
        res.writeHead(301, { Location: `${url.pathname}/${url.search}` });
        return res.end();
      }
      const index = path.join(file, 'index.html');
      if (await statOrNull(index)) return sendFile(res, index, 200, method);
      return notFound(res, method);
    }
    if (st?.isFile()) return sendFile(res, file, 200, method);
    return notFound(res, method);
  }

  const server = http.createServer((req, res) => {
    handle(req, res)
      .catch((e) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(e));
      })
      .finally(() => requests.push(`${res.statusCode} ${req.url}`));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin + prefix,
    origin,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * The sample site built for the sub-path /kb/ and served there: the server
 * starts first (to learn its port), then the site is built with
 * --base-url http://127.0.0.1:PORT/kb/ into the folder it serves.
 * Returns {url, origin, out, server, close}.
 */
export async function serveSampleSite({ root = REPO } = {}) {
  const out = await tempDir('out');
  const server = await staticServer(out, PREFIX);
  try {
    await buildSite({ root, baseUrl: server.url, output: out });
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    url: server.url,
    origin: server.origin,
    out,
    server,
    close: async () => {
      await server.close();
      await fs.rm(out, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- browser

/** Path of the Chromium used (never downloaded): $FAULTBOOK_CHROMIUM or Debian's. */
export function chromiumPath() {
  return process.env.FAULTBOOK_CHROMIUM || '/usr/bin/chromium';
}

/** Headless Chromium via playwright-core. One per test file. */
export async function launch() {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's chromium ` +
        '(apt-get install chromium; scripts/browser-test.sh does it) or set FAULTBOOK_CHROMIUM',
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new browser context; `theme` ('light' | 'dark') is stored in
 * localStorage under faultbook-theme before any page script runs.
 */
export async function newContext(browser, { theme, colorScheme = 'light', ...options } = {}) {
  const context = await browser.newContext({ colorScheme, ...options });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  if (theme) {
    await context.addInitScript((t) => {
      try {
        window.localStorage.setItem('faultbook-theme', t);
      } catch {
        /* opaque origin */
      }
    }, theme);
  }
  return context;
}

// ---------------------------------------------------------------- dev server

/**
 * Starts `faultbook serve --root ROOT --port 0` and waits for its
 * "Serving <title> at URL" line. Returns {url, stop, output()}.
 */
export async function startServe(root, { timeout = TIMEOUT } = {}) {
  const child = spawn(faultbookBin(), ['serve', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`faultbook serve printed no "Serving ... at URL" line in ${timeout} ms:\n${log}`));
    }, timeout);
    const onData = (chunk) => {
      log += chunk;
      const m = log.match(/^Serving .* at (http:\/\/\S+?\/)(?:\s|$)/m);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      log += chunk;
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`faultbook serve exited (${code ?? signal}) before serving:\n${log}`));
    });
  });
  return {
    url,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * Copies the sample site (site.toml, content/, templates/, static/) into a
 * fresh temporary folder, for tests that edit files. Returns its path.
 */
export async function copySampleSite() {
  const dir = await tempDir('site');
  await fs.copyFile(path.join(REPO, 'site.toml'), path.join(dir, 'site.toml'));
  for (const sub of ['content', 'templates', 'static']) {
    await fs.cp(path.join(REPO, sub), path.join(dir, sub), { recursive: true });
  }
  return dir;
}

// ---------------------------------------------------------------- page kinds

/**
 * One URL of each kind of page of the sample site, relative to the site's
 * root (the /kb/ prefix is added by the tests). `file` is the file the build
 * writes for it (checked in console.test.mjs); `status` the HTTP status.
 */
export const PAGE_KINDS = [
  { kind: 'home', path: '', file: 'index.html' },
  { kind: 'error', path: 'errors/entra/aadsts53003/', file: 'errors/entra/aadsts53003/index.html' },
  { kind: 'compare', path: 'compare/429-vs-503/', file: 'compare/429-vs-503/index.html' },
  { kind: 'playbook', path: 'playbooks/api-timeouts/', file: 'playbooks/api-timeouts/index.html' },
  { kind: 'page', path: 'about/', file: 'about/index.html' },
  { kind: 'errors-az', path: 'errors/', file: 'errors/index.html' },
  { kind: 'provider', path: 'providers/http/', file: 'providers/http/index.html' },
  { kind: 'tag', path: 'tags/conditional-access/', file: 'tags/conditional-access/index.html' },
  { kind: 'standard', path: 'standards/source-backed/', file: 'standards/source-backed/index.html' },
  { kind: 'compare-list', path: 'compare/', file: 'compare/index.html' },
  { kind: 'playbook-list', path: 'playbooks/', file: 'playbooks/index.html' },
  { kind: 'search', path: 'search/', file: 'search/index.html' },
  { kind: 'overdue', path: 'overdue/', file: 'overdue/index.html' },
  { kind: '404', path: 'no-such-page/', file: '404.html', status: 404 },
  // The French section: a translation (outdated), its home, A-Z and search.
  { kind: 'error-fr', path: 'fr/errors/http/503/', file: 'fr/errors/http/503/index.html' },
  { kind: 'home-fr', path: 'fr/', file: 'fr/index.html' },
  { kind: 'errors-az-fr', path: 'fr/errors/', file: 'fr/errors/index.html' },
  { kind: 'search-fr', path: 'fr/search/', file: 'fr/search/index.html' },
].map((k) => ({ status: 200, ...k }));

// ---------------------------------------------------------------- page checks

/**
 * Records console errors, page errors and failed requests (network failures
 * and HTTP statuses >= 400) of a page. With `allow404Document`, the 404 of
 * the page's own document (and Chromium's console line about it) is fine.
 * Returns {problems, notes, settled}: `settled()` resolves once no request has been
 * in flight for `quietMs` (after the load event), so late fetches count too.
 */
export function watchProblems(page, { allow404Document = false } = {}) {
  const problems = [];
  let inflight = 0;
  let lastChange = Date.now();
  const notes = [];
  const isDocument = (req) => req.isNavigationRequest() && req.frame() === page.mainFrame();
  // Chromium probes /favicon.ico at the origin's root by itself when a page
  // declares no icon; under a sub-path that is outside the site. Not a
  // request of the page: noted (see `notes`), not counted as a problem.
  const isFaviconProbe = (url) => {
    try {
      const u = new URL(url);
      return u.pathname === '/favicon.ico';
    } catch {
      return false;
    }
  };
  page.on('request', () => {
    inflight++;
    lastChange = Date.now();
  });
  const done = () => {
    inflight = Math.max(0, inflight - 1);
    lastChange = Date.now();
  };
  page.on('requestfinished', done);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    if (allow404Document && /status of 404/.test(msg.text()) && loc?.url && loc.url === page.url()) return;
    if (loc?.url && isFaviconProbe(loc.url)) return notes.push(`favicon probe: ${msg.text()}`);
    problems.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.stack || err.message}`));
  page.on('requestfailed', (req) => {
    done();
    problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    const status = res.status();
    if (status < 400) return;
    if (allow404Document && status === 404 && isDocument(res.request())) return;
    if (isFaviconProbe(res.url())) return notes.push(`favicon probe: HTTP ${status} ${res.url()}`);
    problems.push(`HTTP ${status}: ${res.request().method()} ${res.url()}`);
  });
  async function settled({ quietMs = 150, timeout = TIMEOUT } = {}) {
    await page.waitForLoadState('load');
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      if (inflight === 0 && Date.now() - lastChange >= quietMs) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    problems.push(`requests still in flight after ${timeout} ms`);
  }
  return { problems, notes, settled };
}

/** Parses a CSS rgb()/rgba() colour into [r, g, b, a]. */
export function parseRgb(css) {
  const m = css.match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  let a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

/** WCAG relative luminance (0 black .. 1 white) of a CSS rgb() colour. */
export function luminance(css) {
  const [r, g, b] = parseRgb(css).map((v, i) => (i < 3 ? v / 255 : v));
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The colour the body is painted with, and its luminance. */
export async function bodyBackground(page) {
  const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  return { color, luminance: luminance(color) };
}

/** Where screenshots go: target/screenshots/ of the repository. */
export const SCREENSHOT_DIR = path.join(REPO, 'target', 'screenshots');

/** Path of the vnu.jar of the vnu-jar npm package. */
export function vnuJar() {
  let jar;
  try {
    jar = String(require('vnu-jar'));
  } catch (e) {
    throw new Error(`the vnu-jar npm package is missing: run npm ci (${e.message})`);
  }
  if (!existsSync(jar)) throw new Error(`vnu.jar is missing at ${jar}: run npm ci`);
  return jar;
}

/**
 * Runs the Nu HTML Checker over `files` (errors only) and resolves to its
 * JSON report, `{messages: [...]}`; rejects when Java or vnu.jar is missing.
 */
export function runVnu(files) {
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

/** Path of axe-core's axe.min.js. */
export function axeScript() {
  try {
    return require.resolve('axe-core/axe.min.js');
  } catch (e) {
    throw new Error(`the axe-core npm package is missing: run npm ci (${e.message})`);
  }
}

/** All files under `dir` whose names end with `ext`, sorted. */
export async function filesUnder(dir, ext) {
  const found = [];
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(ext)) {
      found.push(path.join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return found.sort();
}

/**
 * Serves the sample site (under PREFIX) and launches Chromium before the
 * file's tests, handing both to `ready(site, browser)`; closes them after.
 */
export function useSampleSite(ready) {
  let site;
  let browser;
  before(async () => {
    site = await serveSampleSite();
    browser = await launch();
    ready(site, browser);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });
}
