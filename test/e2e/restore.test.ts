// End to end, restoration from the window: the built renderer in headless Chromium against `heirloom serve`
// on a temporary library (same setup as hints.test.ts). A scratched grey print (smooth shading with curved
// bright and dark scratches and specks) is opened; the photo view's Restore section runs with colorize off;
// the new version is listed as restored and in use, and differs from the original only slightly overall but
// clearly at the scratches. Then the gallery's "Restore selected" and the job panel's words. Screenshots at
// 1280×800 and 800×600, English and Russian, go to test-artifacts/e2e/ (r*.png).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import type { Page } from 'playwright-core';
import { addFolder, callApi, closeApp, cutOffAtSides, e2eSkip, e2eTempDir, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// Callbacks passed to page.evaluate / waitForFunction run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const localStorage: any;

const [W, H] = [640, 480];

/** A grey print, not faded (deep blacks, clean whites), with scratches and specks; `mask` marks the damaged pixels. */
async function scratchedPrint(file: string): Promise<{ mask: Uint8Array }> {
  const base = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const door = x > 400 && x < 490 && y > 210 && y < 420;
      const v = door ? 12 : 128 + 117 * Math.sin(x / 67) * Math.cos(y / 53);
      base.fill(Math.round(v), (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  // Curved scratches (never long straight lines: those are real structure) and dust specks.
  const damage = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <g fill="none" stroke-linecap="round">
      <path d="M60 40 Q180 150 140 300 T230 460" stroke="#f4f4f4" stroke-width="2.5"/>
      <path d="M330 20 Q300 140 380 220 T350 430" stroke="#fafafa" stroke-width="2"/>
      <path d="M520 60 Q600 180 540 320" stroke="#101010" stroke-width="2.5"/>
      <path d="M90 400 Q250 340 330 390" stroke="#0c0c0c" stroke-width="2"/>
    </g>
    <g fill="#f8f8f8">
      <circle cx="250" cy="90" r="3"/><circle cx="470" cy="140" r="2.5"/><circle cx="200" cy="250" r="3"/><circle cx="590" cy="420" r="2.5"/>
    </g>
    <g fill="#0a0a0a">
      <circle cx="120" cy="180" r="3"/><circle cx="420" cy="330" r="2.5"/><circle cx="300" cy="300" r="3"/>
    </g>
  </svg>`;
  const overlay = await sharp(Buffer.from(damage)).ensureAlpha().raw().toBuffer();
  const mask = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) mask[i] = overlay[i * 4 + 3]! > 128 ? 1 : 0;
  await sharp(base, { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(damage) }])
    .greyscale()
    .png()
    .toFile(file);
  return { mask };
}

describe('restoration in the photo view', { skip: e2eSkip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  let photoId: number;
  let mask: Uint8Array;
  let file: string;
  const problems: string[] = [];
  const apiCall = (method: string, arg: unknown): Promise<unknown> => callApi(page, method, arg);
  type Output = { id: number; current: boolean; restored: boolean; url: string };
  const getPhoto = async () => (await apiCall('getPhoto', photoId)) as { outputs: Output[] };
  /** The bytes behind a media URL, fetched by the page (the bridge's own session). */
  const download = async (url: string): Promise<Buffer> =>
    Buffer.from(
      (await page.evaluate(async (u: string) => {
        const b = new Uint8Array(await (await fetch(u)).arrayBuffer());
        let s = '';
        for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
        return btoa(s);
      }, url)) as string,
      'base64',
    );
  const grey = async (img: Buffer | string): Promise<Buffer> => sharp(img).greyscale().raw().toBuffer();
  const versionShown = () =>
    page.waitForFunction(
      () => {
        const img = document.querySelector('.stage img.after');
        return img && !img.hasAttribute('data-preview') && img.src.includes('/media/output/') && img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 60_000 },
    );
  const closeViewer = async () => {
    for (let i = 0; i < 4 && (await page.locator('.overlay').count()); i++) await page.locator('.overlay header .back').click();
    await page.locator('.overlay').waitFor({ state: 'detached' });
  };
  /** Nothing of the viewer's panel or toolbar is cut off at the window's sides. */
  const insideWindow = () => cutOffAtSides(page, '.overlay button, .overlay .tag, .panel h3, .panel label');

  before(async () => {
    dir = e2eTempDir('heirloom-e2e-restore-');
    fs.mkdirSync(path.join(dir, 'Photos'));
    file = path.join(dir, 'Photos', 'Scratched 1931.png');
    ({ mask } = await scratchedPrint(file));
    app = await openApp(path.join(dir, 'library'), problems);
    ({ page } = app);
  });

  after(async () => {
    await closeApp(app ?? {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Restore with colorize off: a restored version in use, changed at the scratches only', async () => {
    await addFolder(page, path.join(dir, 'Photos'), 'Added 1 photo');
    photoId = ((await apiCall('listPhotos', {})) as { items: { id: number }[] }).items[0]!.id;

    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    const section = page.locator('.panel section.restore');
    await section.waitFor();
    // The defaults: repair, tone and colorize on; faded colour off.
    const box = (name: string) => section.getByRole('checkbox', { name, exact: true });
    assert.equal(await box('Repair scratches and dust').isChecked(), true);
    assert.equal(await box('Restore faded tone').isChecked(), true);
    assert.equal(await box('Restore faded colour (colour prints)').isChecked(), false);
    assert.equal(await box('Colorize afterwards').isChecked(), true);
    await screenshot(page, 'r01-before-1280.png');
    // By keyboard: focus the checkbox, Space unticks it.
    await box('Colorize afterwards').focus();
    await page.keyboard.press('Space');
    assert.equal(await box('Colorize afterwards').isChecked(), false);
    await section.getByRole('button', { name: 'Restore', exact: true }).click();
    await section.getByText('Restored: the new version is in use.').waitFor({ timeout: 120_000 });
    await versionShown();

    const items = page.locator('.panel .versions li');
    assert.equal(await items.count(), 1);
    const listed = await items.first().innerText();
    assert.match(listed, /Restored/);
    assert.match(listed, /In use/);
    assert.match(await page.locator('.stage .tag.right').innerText(), /^Restored, /);
    const photo = await getPhoto();
    assert.equal(photo.outputs.length, 1);
    assert.ok(photo.outputs[0]!.restored && photo.outputs[0]!.current);
    assert.match((await page.locator('.stage img.after').getAttribute('src'))!, new RegExp(`/media/output/${photo.outputs[0]!.id}`));
    // The remembered choice: colorize stays off for the next photo.
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('heirloom.restoreSteps')).colorize), false);

    const before = await grey(file);
    const after = await grey(await download(photo.outputs[0]!.url));
    assert.equal(after.length, W * H);
    let all = 0,
      on = 0,
      nOn = 0,
      off = 0;
    for (let i = 0; i < W * H; i++) {
      const d = Math.abs(after[i]! - before[i]!);
      all += d;
      if (mask[i]) {
        on += d;
        nOn++;
      } else off += d;
    }
    const [mAll, mOn, mOff] = [all / (W * H), on / nOn, off / (W * H - nOn)];
    console.log(`# mean abs difference: ${mAll.toFixed(2)} overall, ${mOn.toFixed(1)} on ${nOn} scratch pixels, ${mOff.toFixed(2)} elsewhere`);
    assert.ok(mAll < 6, `little changed overall (${mAll.toFixed(2)})`);
    assert.ok(mOn > 25, `the scratches were repaired (${mOn.toFixed(1)} levels on average)`);
    assert.ok(mOn > 8 * mOff, 'changed at the scratches far more than elsewhere');
    await page.mouse.move(2, 2);
    await screenshot(page, 'r02-restored-1280.png');
  });

  test('layout: 800×600 and 1280×800, English and Russian', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    await page.locator('.panel section.restore').scrollIntoViewIfNeeded();
    await page.mouse.move(2, 2);
    assert.deepEqual(await insideWindow(), [], '800×600: inside the window');
    await screenshot(page, 'r03-800-en.png');
    await closeViewer();
    await page.locator('footer select').selectOption('ru');
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await versionShown();
    const section = page.locator('.panel section.restore');
    await section.getByRole('button', { name: 'Восстановить', exact: true }).waitFor();
    await section.scrollIntoViewIfNeeded();
    await page.mouse.move(2, 2);
    assert.deepEqual(await insideWindow(), [], '800×600 ru: inside the window');
    await screenshot(page, 'r04-800-ru.png');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.mouse.move(2, 2);
    assert.deepEqual(await insideWindow(), [], '1280×800 ru: inside the window');
    await screenshot(page, 'r05-1280-ru.png');
    await closeViewer();
    await page.locator('footer select').selectOption('en');
  });

  test('the gallery restores the selected photos; the job panel says restoring', async () => {
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click({ modifiers: ['Control'] });
    await page.getByText('1 selected').waitFor();
    await page.getByRole('button', { name: 'Restore selected' }).click();
    // The photo view's restore job may still show as done: wait for this job's version to land.
    let photo = await getPhoto();
    for (const until = Date.now() + 120_000; photo.outputs.length < 2 && Date.now() < until; photo = await getPhoto()) await page.waitForTimeout(250);
    assert.equal(photo.outputs.length, 2);
    const panel = page.locator('section.job[data-job-kind="restore"][data-job-state="done"]');
    await panel.waitFor({ timeout: 30_000 });
    assert.match(await panel.innerText(), /1 photo restored/);
    await screenshot(page, 'r06-gallery-restored-1280.png');
    assert.ok(photo.outputs[0]!.restored && photo.outputs[0]!.current, 'the newest, restored and colorized, is in use');
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
