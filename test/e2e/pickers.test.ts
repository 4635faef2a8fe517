// End to end, adding photos in a browser without typing a path: next to the path field of `heirloom serve`
// the window offers "Choose files…" and "Choose folder…", the browser's own choosers. The chosen files go
// through the streamed upload endpoint one by one, counted "Uploading n of N…", and the result is worded
// as for a path ("Added 5 new photos, 3 were already in the library"). A chosen folder gives its photos
// only (a README or a hidden folder is no error, as with a folder path); a chosen file that is no photo
// is named. The real sample photos (samples/, public domain) are used. Screenshots: test-artifacts/e2e/k*.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, closeApp, E2E_ROOT, e2eSkip, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// Callbacks passed to page.evaluate / waitForFunction run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const SAMPLES = path.join(E2E_ROOT, 'samples');
const sample = (name: string): string => path.join(SAMPLES, name);

describe('choosing files and folders in the browser', { skip: e2eSkip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  const problems: string[] = [];
  const notice = () => page.locator('.notice').first();
  const thumbs = (n: number) => page.waitForFunction((k: number) => document.querySelectorAll('.thumb img').length === k, n);

  /** Clicks the button, takes the chooser it opens and gives it these paths. */
  async function choose(button: string, paths: string[]): Promise<{ multiple: boolean }> {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()]);
    await chooser.setFiles(paths);
    return { multiple: chooser.isMultiple() };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-pickers-'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // A folder as a user has it: every sample, its README, a hidden folder and a sub-folder.
    const box = path.join(dir, 'Attic box');
    fs.mkdirSync(path.join(box, 'Letters'), { recursive: true });
    fs.mkdirSync(path.join(box, '.thumbnails'));
    for (const f of fs.readdirSync(SAMPLES))
      fs.copyFileSync(sample(f), path.join(f.endsWith('.jpg') && f.startsWith('18') ? box : path.join(box, 'Letters'), f));
    fs.copyFileSync(sample('1870Girl.jpg'), path.join(box, '.thumbnails', 'thumb.jpg'));
    app = await openApp(path.join(dir, 'library'), problems);
    page = app.page;
  });

  after(async () => {
    await closeApp(app ?? {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the path field keeps its room, with the two choosers beside it', async () => {
    assert.equal(await page.locator('#import-path').count(), 1, 'browser mode: the path field is there');
    for (const name of ['Choose files…', 'Choose folder…']) assert.ok(await page.getByRole('button', { name }).isVisible(), name);
    assert.match(await page.locator('.empty .hint').innerText(), /Choose files…/);
    const files = page.locator('input[data-picker="files"]');
    assert.equal(await files.getAttribute('accept'), 'image/*,.jpg,.jpeg,.png,.tif,.tiff,.webp,.gif,.heic,.heif,.avif,.jp2');
    assert.equal(await page.locator('input[data-picker="folder"]').evaluate((el: { webkitdirectory: boolean }) => el.webkitdirectory), true);
    await screenshot(page, 'k01-pickers-1280.png');

    // At 800 px the path field still has a row of its own, wide enough to read a path; the choosers go below.
    await page.setViewportSize({ width: 800, height: 600 });
    const width = await page.locator('#import-path').evaluate((el: { clientWidth: number }) => el.clientWidth);
    assert.ok(width >= 500, `the path field is ${width} px wide`);
    assert.ok(await page.getByRole('button', { name: 'Choose folder…' }).isVisible());
    await screenshot(page, 'k02-pickers-800.png');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('"Choose files…" uploads the chosen photos, counting them as they go', async () => {
    // Each upload held back a little, so the count can be seen.
    await page.route('**/upload?*', async (route) => {
      await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
    const { multiple } = await choose('Choose files…', [sample('1860Girls.jpg'), sample('1870Girl.jpg'), sample('1880Paris.jpg')]);
    assert.ok(multiple, 'several files at once');
    const status = page.locator('.uploading[role="status"]');
    await status.getByText(/Uploading [12] of 3…/).waitFor();
    assert.equal(await status.locator('progress').getAttribute('max'), '3');
    await screenshot(page, 'k03-uploading.png');
    await notice().getByText('Added 3 photos').waitFor();
    assert.equal(await notice().getAttribute('data-kind'), 'ok');
    assert.equal(await status.count(), 0, 'the count goes when the upload is done');
    await thumbs(3);
    await page.unroute('**/upload?*');
    await notice().locator('.close').click();
  });

  test('"Choose folder…" takes the folder\'s photos only and tells new ones from those already there', async () => {
    await choose('Choose folder…', [path.join(dir, 'Attic box')]);
    // 8 samples (3 of them added above), the README and the hidden folder are left out without a word.
    await notice().getByText('Added 5 new photos, 3 were already in the library').waitFor();
    assert.equal(await notice().getAttribute('data-kind'), 'ok', 'a README in the folder is no failure');
    await thumbs(8);
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/getStatus', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ arg: null }),
      });
      return ((await r.json()) as { result: { photoCount: number } }).result;
    });
    assert.equal(status.photoCount, 8, 'the hidden copy was not uploaded');
    await screenshot(page, 'k04-folder-added.png');
    await notice().locator('.close').click();
  });

  test('a chosen file that is no photo is named; the same files can be chosen again', async () => {
    await choose('Choose files…', [sample('README.md'), sample('1860Girls.jpg')]);
    await notice().getByText('“1860Girls.jpg” is already in the library · 1 file could not be added').waitFor();
    assert.equal(await notice().getAttribute('data-kind'), 'warn');
    assert.match(await notice().locator('.errors').innerText(), /README\.md — not an image Heirloom can read/);
    await notice().locator('.close').click();
    await choose('Choose files…', [sample('1860Girls.jpg')]);
    await notice().getByText('“1860Girls.jpg” is already in the library').waitFor();
    await notice().locator('.close').click();
  });

  test('in Russian', async () => {
    await page.locator('footer select').selectOption('ru');
    for (const name of ['Выбрать файлы…', 'Выбрать папку…']) assert.ok(await page.getByRole('button', { name }).isVisible(), name);
    await choose('Выбрать файлы…', [sample('1899NycBlizzard.jpg')]);
    await notice().getByText('«1899NycBlizzard.jpg» уже есть в библиотеке').waitFor();
    await screenshot(page, 'k05-pickers-ru.png');
    await notice().locator('.close').click();
    await page.locator('footer select').selectOption('en');
  });

  test('no console errors, page errors or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
