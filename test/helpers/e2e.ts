// Shared set-up of the end-to-end tests: `heirloom serve` on a test library, and Debian's Chromium
// driven by playwright-core with the flags this machine's closed network needs (scripts/headless.ts).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, startServe, stopServe } from '../../scripts/headless';

export { CHROMIUM, launchChromium, startServe, stopServe };
export const E2E_ROOT = path.join(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(E2E_ROOT, 'test-artifacts', 'e2e');
/** false, or why the e2e tests cannot run here. */
export const e2eSkip: false | string = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

/** Every e2e suite's first step: the window must be built and the screenshots need their folder; returns a new temp folder. */
export function e2eTempDir(prefix: string): string {
  assert.ok(fs.existsSync(path.join(E2E_ROOT, 'dist-renderer', 'index.html')), 'build the window first: npm run build');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A light, English, 1280×800 page; console errors/warnings, page errors and CSP violations are collected in `problems`. */
export async function launchPage(problems: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', colorScheme: 'light' });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A CSP violation that the page survives (e.g. a library probing `new Function`) never reaches the
  // console; the page's own event reports it, through a binding the init script calls.
  await page.exposeBinding('heirloomCspViolation', (_src, what: string) => problems.push(`CSP violation: ${what}`));
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    window.heirloomCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code')));`);
  return { browser, page };
}

export interface OpenApp {
  server: ChildProcess;
  browser: Browser;
  page: Page;
}

/** `heirloom serve` on a new library and the window open on it (at `viewport` if given), at its empty album. */
export async function openApp(library: string, problems: string[], viewport?: { width: number; height: number }): Promise<OpenApp> {
  const s = startServe(library);
  const app: Partial<OpenApp> = { server: s.server };
  try {
    const url = await s.url;
    const { browser, page } = await launchPage(problems);
    Object.assign(app, { browser, page });
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(url);
    await page.getByText('Your family album is empty').waitFor();
    return app as OpenApp;
  } catch (e) {
    await closeApp(app); // nothing left running when the set-up fails
    throw e;
  }
}

/** Closes the window and stops the server, whichever of them was started (so it also cleans up a failed set-up). */
export async function closeApp(app: Partial<OpenApp>): Promise<void> {
  await app.browser?.close();
  await stopServe(app.server);
}

/** Saves a screenshot of the page in the e2e artifacts folder (to look at) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  return file;
}

/** Adds a folder through the path field and waits for "Added …" (e.g. 'Added 2 photos'), then closes the notice. */
export async function addFolder(page: Page, folder: string, added: string): Promise<void> {
  await page.fill('#import-path', folder);
  await page.getByRole('button', { name: 'Add photos' }).click();
  await page.locator('.notice').getByText(added).waitFor();
  await page.locator('.notice .close').click();
}

/** Calls an API method from the page, as the window does (the bridge's own session); a refused call throws its error. */
export function callApi(page: Page, method: string, arg: unknown): Promise<unknown> {
  return page.evaluate(
    async ([m, a]: [string, unknown]) => {
      const r = await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ arg: a }) });
      const body = (await r.json()) as { result?: unknown; error?: string };
      if (!r.ok) throw new Error(body.error);
      return body.result;
    },
    [method, arg] as [string, unknown],
  );
}

/** Polls `check` until it is true. The 2-minute cap only ends a hung run: a busy machine just waits longer. */
export async function eventually(check: () => Promise<boolean>, what: string, capMs = 120_000): Promise<void> {
  const until = Date.now() + capMs;
  while (!(await check())) {
    assert.ok(Date.now() < until, `${what} (still not true after ${capMs / 1000} s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's own DOM, typed there, not here
declare const document: any;

/** The elements matching `selector` that are cut off at the window's sides (their class and text), for layout checks. */
export function cutOffAtSides(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const w = document.documentElement.clientWidth;
    const bad: string[] = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > w + 0.5 || r.left < -0.5)) bad.push(`${el.className}: ${(el.textContent ?? '').trim().slice(0, 30)}`);
    }
    return bad;
  }, selector);
}
