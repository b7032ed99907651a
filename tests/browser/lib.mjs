// Shared by the browser checks: start Debian's Chromium through playwright-core (never a
// downloaded browser), with a fresh profile, and turn a built site's path into a file:// URL.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Arguments: the built site's folder, then optionally where screenshots go. */
export function args() {
  const site = process.argv[2];
  if (!site || !existsSync(join(site, 'index.html'))) {
    fail(`usage: node ${process.argv[1]} <built site folder> [screenshot folder]`);
  }
  const shots = resolve(process.argv[3] || 'target/screenshots');
  mkdirSync(shots, { recursive: true });
  return { site: resolve(site), shots };
}

/** A browser context with a fresh profile; close() removes the profile. */
export async function launch(viewport = { width: 1280, height: 900 }) {
  if (!existsSync(CHROMIUM)) {
    fail(`${CHROMIUM} is missing: run .ci/run, or apt-get install chromium`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'bantin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  const problems = [];
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    // A request the next navigation cancels (net::ERR_ABORTED: the favicon of a page left
    // before it loaded) is not a broken link; a missing file is net::ERR_FILE_NOT_FOUND.
    page.on('requestfailed', (r) => {
      const error = r.failure()?.errorText;
      if (error !== 'net::ERR_ABORTED') problems.push(`failed request ${r.url()}: ${error}`);
    });
  };
  context.on('page', watch);
  context.pages().forEach(watch);
  const page = context.pages()[0] || (await context.newPage());
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** file:// URL of a site path ("" or "dia-phuong/x/" name the folder's index.html). */
export function fileUrl(site, sitePath) {
  const p = sitePath === '' || sitePath.endsWith('/') ? sitePath + 'index.html' : sitePath;
  return pathToFileURL(join(site, p)).href;
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

export function fail(message) {
  console.error(message);
  process.exit(1);
}

/** Run `body`, report its failure and exit non-zero. */
export async function main(body) {
  try {
    await body();
  } catch (e) {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  }
}
