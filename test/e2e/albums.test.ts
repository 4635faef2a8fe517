// End to end, albums: the built renderer in headless Chromium against `heirloom serve` on a temporary
// library (same setup as app.test.ts). Create an album, drag two colorized photos onto it, reorder them
// by drag and with Alt+arrows, caption one, export it with the web album into a temp folder, see the job
// finish and the files on disk in the new order; a second export to the same folder asks "Replace it?" and keeps the person's own files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import type { Page } from 'playwright-core';
import { OLD_PHOTO_COLOURS, sceneLayout, writeScene } from '../helpers/fixtures';
import { callApi, closeApp, e2eSkip, e2eTempDir, eventually, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const skip = e2eSkip;

/** A small grey "old photo" (sky, hill, house), different per variant. */
const scene = (file: string, variant: number): Promise<void> =>
  writeScene(file, {
    width: 480,
    height: 360,
    layout: sceneLayout(variant),
    colours: { ...OLD_PHOTO_COLOURS, sky: ['#7fa7d9', '#9db9d0', '#88a0c8'][variant] },
  });

describe('albums in the window: create, drag photos in, reorder, caption, export', { skip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  const problems: string[] = [];
  const cards = () => page.locator('.album li.card');
  /** Closes the job panel if it is still there (a finished job's line closes by itself after a few seconds). */
  const dismissJob = async (): Promise<void> => {
    const close = page.locator('section.job').getByRole('button', { name: 'Close' });
    if (await close.count()) await close.click({ timeout: 2000 }).catch(() => undefined);
  };
  const order = async (): Promise<number[]> =>
    await cards().evaluateAll((els: { dataset: { photoId: string } }[]) => els.map((e) => Number(e.dataset.photoId)));
  const apiCall = (method: string, arg: unknown): Promise<unknown> => callApi(page, method, arg);

  before(async () => {
    dir = e2eTempDir('heirloom-e2e-albums-');
    fs.mkdirSync(path.join(dir, 'Photos'));
    fs.mkdirSync(path.join(dir, 'Exports'));
    for (let i = 0; i < 3; i++) await scene(path.join(dir, 'Photos', `Lake ${1955 + i}.jpg`), i);
    app = await openApp(path.join(dir, 'library'), problems);
    ({ page } = app);
  });

  after(async () => {
    await closeApp(app ?? {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('import and colorize three photos', async () => {
    await page.fill('#import-path', path.join(dir, 'Photos'));
    await page.getByRole('button', { name: 'Add photos' }).click();
    await page.locator('.notice').getByText('Added 3 photos').waitFor();
    await page.locator('.notice .close').click();
    await page.getByRole('button', { name: 'Colorize all' }).click();
    await page.waitForSelector('section.job[data-job-state="done"]', { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelectorAll('.thumb .badge').length === 3);
    await dismissJob();
  });

  test('create an album inside the window (no window.prompt)', async () => {
    await page.getByText('No albums yet').waitFor();
    await page.getByRole('button', { name: 'New album' }).click();
    await page.fill('#new-album', 'Summer at the lake');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('.album h2', { hasText: 'Summer at the lake' }).waitFor();
    await page.getByText('This album is empty.').waitFor();
    assert.equal(await page.locator('.toolbar').isVisible(), false, 'the library toolbar is hidden in an album');
    await screenshot(page, '20-album-empty.png');
  });

  let dragged: number[] = [];
  test('drag two selected photos from the gallery onto the album', async () => {
    await page.getByRole('button', { name: /All photos/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('.thumb img').length === 3);
    for (let i = 0; i < 2; i++) await page.locator('.check').nth(i).click({ force: true });
    dragged = await page
      .locator('.thumb')
      .evaluateAll((els: { dataset: { photoId: string } }[]) => els.slice(0, 2).map((e) => Number(e.dataset.photoId)));
    const album = page.locator('nav button[data-album-id]');
    await page.locator('.thumb').nth(1).dragTo(album);
    await page.locator('nav .flash').getByText('Added 2 photos to “Summer at the lake”').waitFor();
    await album.getByText('2 photos').waitFor();
    await page.getByRole('button', { name: 'Clear selection' }).click();
    // The keyboard way: select the third photo and use "Add to album", then take it out again in the album.
    await page.locator('.check').nth(2).click({ force: true });
    await page.getByRole('button', { name: 'Add to album' }).click();
    await album.getByText('3 photos').waitFor();
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await album.click();
    await page.waitForFunction(() => document.querySelectorAll('.album li.card').length === 3);
    assert.deepEqual((await order()).slice(0, 2), dragged);
    const third = (await order())[2];
    await cards().nth(2).getByRole('button', { name: 'Remove' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.album li.card').length === 2);
    assert.ok(!(await order()).includes(third));
    await album.getByText('2 photos').waitFor();
  });

  test('reorder by drag, and with Alt+arrows; caption and cover', async () => {
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.album .frame img')].every(
        (i: { complete: boolean; naturalWidth: number; src: string }) => i.src.includes('/media/output-thumb/') && i.complete && i.naturalWidth > 0,
      ),
    );
    const [a, b] = await order();
    // Drag the second photo onto the left half of the first.
    await cards()
      .nth(1)
      .dragTo(cards().nth(0), { targetPosition: { x: 20, y: 60 } });
    await page.waitForFunction((id: number) => document.querySelector('.album li.card')?.dataset.photoId === String(id), b);
    assert.deepEqual(await order(), [b, a]);
    const saved = (await apiCall('getAlbum', 1)) as { items: { id: number }[] };
    assert.deepEqual(
      saved.items.map((i) => i.id),
      [b, a],
      'the new order is in the catalogue',
    );
    // Keyboard: Alt+→ moves the focused photo right (focus follows it), Alt+← moves it back.
    await cards().nth(0).focus();
    await page.keyboard.press('Alt+ArrowRight');
    await page.waitForFunction((id: number) => document.querySelector('.album li.card')?.dataset.photoId === String(id), a);
    await page.waitForFunction((id: number) => document.activeElement?.dataset.photoId === String(id), b); // focus stays on the moved photo
    await page.keyboard.press('Alt+ArrowLeft');
    await page.waitForFunction((id: number) => document.querySelector('.album li.card')?.dataset.photoId === String(id), b);
    assert.deepEqual(await order(), [b, a]);
    // Caption the first photo; make the second the cover.
    const cap = cards().nth(0).locator('textarea.caption');
    await cap.fill('Grandma at the lake');
    await cap.press('Enter');
    await eventually(
      async () => ((await apiCall('getAlbum', 1)) as { items: { caption: string | null }[] }).items[0].caption === 'Grandma at the lake',
      'caption saved',
    );
    await cards().nth(1).getByRole('button', { name: 'Make cover' }).click();
    await cards().nth(1).locator('.badge', { hasText: 'Cover' }).waitFor();
    await page.mouse.move(5, 790);
    await page.waitForTimeout(200);
    await screenshot(page, '21-album-view.png');
  });

  test('export with the web album into a temp folder: the job shows progress and where it went', async () => {
    const [b, a] = await order();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.locator('[data-modal="export"]');
    await dialog.getByText('Export “Summer at the lake”').waitFor();
    await dialog.getByText('place in the album (01, 02…)').waitFor();
    await dialog.getByRole('checkbox', { name: /Web album/ }).check();
    await dialog.locator('select').selectOption('1200');
    await page.fill('#export-parent', path.join(dir, 'Exports'));
    await screenshot(page, '22-export-dialog.png');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const panel = page.locator('section.job[data-job-kind="export"]');
    await page.waitForSelector('section.job[data-job-kind="export"][data-job-state="done"]', { timeout: 60_000 });
    const target = path.join(dir, 'Exports', 'Summer at the lake');
    assert.match(await panel.innerText(), /Album “Summer at the lake” exported/);
    assert.ok((await panel.innerText()).includes(`Saved to ${target}`), await panel.innerText());
    await screenshot(page, '23-export-done.png');
    // On disk: the folder, the web album, and the photos in the album's order.
    assert.ok(fs.existsSync(path.join(target, 'index.html')), 'index.html');
    const photos = fs
      .readdirSync(target)
      .filter((f) => /\.jpg$/i.test(f))
      .sort();
    const names = (await apiCall('getAlbum', 1)) as { items: { id: number; name: string }[] };
    const nameOf = (id: number) => names.items.find((i) => i.id === id)!.name.replace(/\.jpg$/i, '');
    assert.equal(photos.length, 2, photos.join(', '));
    assert.ok(photos[0].startsWith('01') && photos[0].includes(nameOf(b)), `${photos} / first ${nameOf(b)}`);
    assert.ok(photos[1].startsWith('02') && photos[1].includes(nameOf(a)), `${photos} / second ${nameOf(a)}`);
    const meta = await sharp(path.join(target, photos[0])).metadata();
    assert.ok(Math.max(meta.width!, meta.height!) <= 1200);
    const html = fs.readFileSync(path.join(target, 'index.html'), 'utf8');
    assert.ok(html.includes('Grandma at the lake'), 'the caption is in the web album');
    await dismissJob();
  });

  test('a second export to the same folder asks "Replace it?" first', async () => {
    const target = path.join(dir, 'Exports', 'Summer at the lake');
    fs.writeFileSync(path.join(target, 'marker.txt'), 'from the first export');
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.locator('[data-modal="export"]');
    assert.equal(await page.inputValue('#export-parent'), path.join(dir, 'Exports'), 'the folder is remembered');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Replace it?' });
    await ask.waitFor();
    assert.ok((await ask.innerText()).includes(target));
    await screenshot(page, '24-export-replace.png');
    await ask.getByRole('button', { name: 'Keep it' }).click();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('section.job').count(), 0, 'keeping it starts nothing');
    assert.ok(fs.existsSync(path.join(target, 'marker.txt')));
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await ask.getByRole('button', { name: 'Replace' }).click();
    await page.waitForSelector('section.job[data-job-kind="export"][data-job-state="done"]', { timeout: 60_000 });
    assert.equal(await page.locator('[data-modal="export"]').count(), 0, 'the dialog closed when the job started');
    // Replacing replaces Heirloom's own files only: the note the person put in the folder stays, and the panel says so.
    assert.equal(fs.readFileSync(path.join(target, 'marker.txt'), 'utf8'), 'from the first export', "the person's file is kept");
    assert.ok(fs.existsSync(path.join(target, 'index.html')));
    await page.locator('section.job[data-job-kind="export"] .message.kept').getByText('Kept 1 file in it that Heirloom did not write').waitFor();
  });

  test('an export into the folder of originals asks "Export here?" first; agreed, it is made there', async () => {
    const originals = path.join(dir, 'Photos');
    const before = fs.readdirSync(originals).sort();
    await dismissJob();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.locator('[data-modal="export"]');
    await page.fill('#export-parent', originals);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const ask = page.getByRole('alertdialog', { name: 'Export here?' });
    await ask.waitFor();
    assert.match(await ask.innerText(), /a folder that holds your original photos/);
    await screenshot(page, '24b-export-place.png');
    await ask.getByRole('button', { name: 'Choose another folder' }).click();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('section.job').count(), 0, 'nothing started');
    assert.deepEqual(fs.readdirSync(originals).sort(), before, 'nothing written beside the originals');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await ask.getByRole('button', { name: 'Export here' }).click();
    await page.waitForSelector('section.job[data-job-kind="export"][data-job-state="done"]', { timeout: 60_000 });
    const made = path.join(originals, 'Summer at the lake');
    assert.ok(fs.existsSync(path.join(made, 'index.html')));
    // Adding the originals folder again brings no copies back as photos.
    const count = async (): Promise<number> => ((await apiCall('getStatus', undefined)) as { photoCount: number }).photoCount;
    const photosBefore = await count();
    const again = (await apiCall('importPaths', [originals])) as { imported: { folder: string }[] };
    assert.ok(
      again.imported.every((p) => p.folder === 'Photos'),
      'only the originals, none of the copies',
    );
    assert.equal(await count(), photosBefore);
    fs.rmSync(made, { recursive: true });
    await dismissJob();
  });

  test('dark theme and Russian: album view, export dialog, job panel', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200);
    await screenshot(page, '25-album-dark.png');
    await page.locator('footer select').selectOption('ru');
    await page.getByRole('button', { name: 'Экспорт…' }).waitFor();
    await screenshot(page, '26-album-ru-dark.png');
    await page.getByRole('button', { name: 'Экспорт…' }).click();
    await page.locator('[data-modal="export"]').waitFor();
    await screenshot(page, '27-export-dialog-ru-dark.png');
    await page.keyboard.press('Escape');
    await page.locator('[data-modal="export"]').waitFor({ state: 'detached' });
    await page.locator('footer select').selectOption('en');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('rename, then delete the album: the photos stay in the library', async () => {
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.fill('#album-name', 'Lake 1955–57');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('nav button[data-album-id]').getByText('Lake 1955–57').waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Delete the album “Lake 1955–57”?' });
    await ask.getByText('its photos stay in your library').waitFor();
    await screenshot(page, '28-delete-confirm.png');
    await ask.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No albums yet').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.thumb img').length === 3);
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
