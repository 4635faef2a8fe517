// The README's "your first photo" screenshots, taken from the real window: `heirloom serve` on a new
// temporary library, Debian's Chromium driven by playwright-core. It adds the shipped samples (public
// domain, pre-1900), colorizes one, opens it with the before/after slider and turns on colour hints.
//   npm run build && node dist/scripts/readme-screenshots.js [--photo 1870Girl.jpg] [--hint x,y] [--swatch i] [--out docs/images]
// Writes first-1-added.jpg … first-4-hints.jpg (JPEG, kept small for the repository).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp = require('sharp');
import type { Page } from 'playwright-core';
import { flag } from './flags';
import { launchChromium, startServe, stopServe } from './headless';

// Callbacks passed to page.waitForFunction run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const ROOT = path.join(__dirname, '..', '..');
const photo = flag('photo', '1870Girl.jpg');
/** Where the colour hint goes, as fractions of the photo's width and height (default: the hem of the girl's dress). */
const hint = flag('hint', '0.6,0.8');
const swatchFlag = flag('swatch', '');
const out = path.resolve(flag('out', path.join(ROOT, 'docs', 'images')));
const VIEWPORT = { width: 1200, height: 750 };

/** Every image on the page loaded (thumbnails, the photo view's layers). */
async function imagesLoaded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (sel: string) => [...document.querySelectorAll(sel)].every((i: { complete: boolean; naturalWidth: number }) => i.complete && i.naturalWidth > 0),
    selector,
  );
  await page.waitForTimeout(300);
}

async function shot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot();
  const file = path.join(out, name);
  await sharp(png).jpeg({ quality: 80, mozjpeg: true }).toFile(file);
  console.log(`${path.relative(ROOT, file)}  ${Math.round(fs.statSync(file).size / 1024)} KB`);
}

async function main(): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-readme-'));
  const { server, url } = startServe(path.join(tmp, 'library'));
  const browser = await launchChromium();
  try {
    const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', colorScheme: 'light' });
    const page = await ctx.newPage();
    await page.goto(await url);
    await page.getByText('Your family album is empty').waitFor();

    // 1. Add the samples folder: the gallery fills (sorted by name), the notice counts them.
    await page.locator('.toolbar select').selectOption('name');
    await page.fill('#import-path', path.join(ROOT, 'samples'));
    await page.getByRole('button', { name: 'Add photos' }).click();
    await page
      .locator('.notice')
      .getByText(/^Added \d+ photos$/)
      .waitFor({ timeout: 60_000 });
    await page.locator('#import-path').blur();
    await page.getByText('CPU (').first().waitFor(); // the status bar has spoken
    await imagesLoaded(page, '.thumb img');
    await shot(page, 'first-1-added.jpg');
    await page.locator('.notice .close').click();

    // 2. Select one photo and colorize it: the job panel reports, the thumbnail turns colour.
    const tile = page.locator(`.thumb[title="${photo}"]`);
    await tile.click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Colorize selected' }).click();
    await page.waitForSelector('section.job[data-job-state="done"]', { timeout: 300_000 });
    await page.waitForFunction(() => document.querySelectorAll('.thumb .badge').length === 1);
    await imagesLoaded(page, '.thumb img');
    await shot(page, 'first-2-colorized.jpg');

    // 3. Open it: before on the left, after on the right of the handle.
    await page.keyboard.press('Escape'); // clear the selection
    await tile.click();
    const handle = page.getByRole('slider', { name: 'Compare the original and the colour version' });
    await handle.waitFor();
    await imagesLoaded(page, '.stage img');
    await handle.press('Home');
    for (let i = 0; i < 25; i++) await handle.press('ArrowRight'); // 2 % a step: the handle at 50 %
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await shot(page, 'first-3-compare.jpg');

    // 4. Colour hints: a point placed on the photo, the network's suggestions for it, one picked.
    await page.keyboard.press('h');
    await handle.waitFor({ state: 'detached' });
    const box = (await page.locator('.stage').boundingBox())!;
    const [hx, hy] = hint.split(',').map(Number);
    await page.mouse.click(box.x + box.width * hx, box.y + box.height * hy);
    const pop = page.locator('[data-hint-popover]');
    await pop.locator('[data-swatch]').first().waitFor({ timeout: 60_000 });
    // The most colourful suggestion unless --swatch names one (0 = the first).
    const swatches = await pop.locator('[data-swatch]').evaluateAll((els: { dataset: { swatch: string } }[]) => els.map((e) => e.dataset.swatch));
    const chroma = (hex: string): number => {
      const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      return Math.max(...c) - Math.min(...c);
    };
    const pick = swatchFlag === '' ? swatches.reduce((best, c) => (chroma(c) > chroma(best) ? c : best)) : swatches[Number(swatchFlag)];
    await pop.locator(`[data-swatch="${pick}"]`).click();
    await page.waitForTimeout(4000); // the live preview follows
    await page.mouse.move(0, 0);
    await shot(page, 'first-4-hints.jpg');
  } finally {
    await browser.close();
    await stopServe(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
