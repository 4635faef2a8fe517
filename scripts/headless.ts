// `heirloom serve` on a library and Debian's Chromium driven by playwright-core, with the flags this
// machine's closed network needs: one copy for the README screenshots script and the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.HEIRLOOM_E2E_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..', '..');

/** Starts `heirloom serve`; `url` resolves with the URL it prints (token included). */
export function startServe(library: string): { server: ChildProcess; url: Promise<string> } {
  const server = spawn(process.execPath, [path.join(ROOT, 'bin', 'heirloom.js'), 'serve', '--library', library, '--port', '0'], {
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

/** Stops a server from `startServe` (if it still runs) and waits until it has exited. */
export async function stopServe(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

/** Headless Chromium that makes no background connections (update checks, sync) of its own. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
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
}
