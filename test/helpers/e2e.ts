// Shared set-up of the end-to-end tests: `heirloom serve` on a test library, and Debian's Chromium
// driven by playwright-core with the flags this machine's closed network needs.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.HEIRLOOM_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const E2E_ROOT = path.join(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(E2E_ROOT, 'test-artifacts', 'e2e');
/** false, or why the e2e tests cannot run here. */
export const e2eSkip: false | string = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

/** Starts `heirloom serve`; `url` resolves with the URL it prints (token included). */
export function startServe(library: string): { server: ChildProcess; url: Promise<string> } {
  const server = spawn(process.execPath, [path.join(E2E_ROOT, 'bin', 'heirloom.js'), 'serve', '--library', library, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HEIRLOOM_LIBRARY: '' },
  });
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr += d));
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 30 s; stderr: ${stderr}`)), 30_000);
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /Heirloom is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { server, url };
}

export async function stopServe(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

/** A light, English, 1280×800 page; console errors/warnings, page errors and CSP violations are collected in `problems`. */
export async function launchPage(problems: string[]): Promise<{ browser: Browser; page: Page }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
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

/** `heirloom serve` on a new library and the window open on it, at its empty album. */
export async function openApp(library: string, problems: string[]): Promise<OpenApp> {
  const s = startServe(library);
  const url = await s.url;
  const { browser, page } = await launchPage(problems);
  await page.goto(url);
  await page.getByText('Your family album is empty').waitFor();
  return { server: s.server, browser, page };
}

export async function closeApp(app: Partial<OpenApp>): Promise<void> {
  await app.browser?.close();
  await stopServe(app.server);
}

/** Adds a folder through the path field and waits for "Added …" (e.g. 'Added 2 photos'), then closes the notice. */
export async function addFolder(page: Page, folder: string, added: string): Promise<void> {
  await page.fill('#import-path', folder);
  await page.getByRole('button', { name: 'Add photos' }).click();
  await page.locator('.notice').getByText(added).waitFor();
  await page.locator('.notice .close').click();
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
