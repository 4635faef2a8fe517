// The window at 800×600 (issue 30 item 10), in English and Russian: the gallery toolbar takes one
// row (the path field keeps its own, wide enough to read a path), the gallery shows three tiles a row
// with the first row whole, the export dialog's buttons stay in sight however far it scrolls, and a finished job
// with fifteen problems leaves most of the window to the gallery and the fine-tune form.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { writePhoto } from '../helpers/fixtures';
import { callApi, closeApp, e2eSkip, e2eTempDir, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// Callbacks passed to page.evaluate run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

describe('the window at 800×600', { skip: e2eSkip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  const problems: string[] = [];
  const photos = (): string => path.join(dir, 'photos');
  const lang = (l: 'en' | 'ru') => page.locator('footer select').selectOption(l);
  /** Bottom edge of the gallery toolbar: what the header and the toolbar take from the top. */
  const chromeHeight = (): Promise<number> =>
    page.evaluate(
      () => (document.querySelector('.toolbar:not(.away)') as { getBoundingClientRect(): { bottom: number } }).getBoundingClientRect().bottom,
    );
  const tilesInFirstRow = (): Promise<number> =>
    page.evaluate(() => {
      const tops = [...document.querySelectorAll('.tile')].map((t: { getBoundingClientRect(): { top: number } }) =>
        Math.round(t.getBoundingClientRect().top),
      );
      return tops.filter((y: number) => y === Math.min(...tops)).length;
    });

  before(async () => {
    dir = e2eTempDir('heirloom-e2e-small-');
    for (let i = 0; i < 16; i++) await writePhoto(path.join(photos(), `p${String(i).padStart(2, '0')}.jpg`), 200, 150, { seed: i });
    app = await openApp(path.join(dir, 'library'), problems, { width: 800, height: 600 });
    page = app.page;
    await callApi(page, 'importPaths', [photos()]);
    await page.reload();
    await page.locator('.tile').first().waitFor();
  });

  after(async () => {
    if (app) await closeApp(app);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the toolbar takes one row, and the gallery shows three tiles a row (English and Russian)', async () => {
    for (const l of ['en', 'ru'] as const) {
      await lang(l);
      await page.waitForTimeout(200);
      await screenshot(page, `small-01-gallery-${l}.png`);
      const h = await chromeHeight();
      // The path field keeps a row of its own, wide enough to read a path (pickers.test.ts); the toolbar is one row.
      assert.ok(h <= 205, `${l}: header and toolbar end at ${h} px (they took 245)`);
      assert.equal(await tilesInFirstRow(), 3, `${l}: three tiles a row`);
    }
    await lang('en');
    // The hidden labels still name their controls.
    assert.equal(await page.locator('label.sat').getAttribute('title'), 'Colour strength');
    assert.equal(await page.getByRole('combobox', { name: 'Sort' }).count(), 1);
  });

  test('the export dialog keeps Export and Cancel in sight', async () => {
    const ids = ((await callApi(page, 'listPhotos', { sort: 'name', filter: 'all', offset: 0, limit: 5 })) as { items: { id: number }[] }).items.map(
      (p) => p.id,
    );
    const album = (await callApi(page, 'createAlbum', { name: 'Summer' })) as { id: number };
    await callApi(page, 'addToAlbum', { albumId: album.id, photoIds: ids });
    await page.reload();
    await page.locator('.side').getByText('Summer').click();
    for (const l of ['en', 'ru'] as const) {
      await lang(l);
      await page.getByRole('button', { name: l === 'en' ? 'Export…' : 'Экспорт…' }).click();
      const dialog = page.locator('[data-modal="export"]');
      const start = dialog.locator('.buttons button.primary');
      await start.waitFor();
      const box = (await start.boundingBox())!;
      assert.ok(box.y >= 0 && box.y + box.height <= 600, `${l}: the Export button is in the window (y ${box.y.toFixed(0)})`);
      await screenshot(page, `small-02-export-${l}.png`);
      await dialog.locator('.buttons button').first().click();
      await dialog.waitFor({ state: 'detached' });
    }
    await lang('en');
  });

  test('a finished job with fifteen problems leaves most of the window to the view above it', async () => {
    await page.locator('.side').getByText('All photos').click();
    for (let i = 1; i < 16; i++) fs.rmSync(path.join(photos(), `p${String(i).padStart(2, '0')}.jpg`));
    await page.getByRole('button', { name: 'Colorize all' }).click();
    const panel = page.locator('section.job');
    await panel.getByText('15 photos could not be colorized').waitFor({ timeout: 120_000 });
    const jobBox = (await panel.boundingBox())!;
    assert.ok(jobBox.height <= 0.3 * 600, `the job panel is ${jobBox.height.toFixed(0)} px high (it took 225)`);
    await screenshot(page, 'small-03-job-panel.png');
    await page.locator('nav.sections').getByRole('button', { name: 'Fine-tune' }).click();
    await page.getByRole('button', { name: 'Start fine-tuning' }).scrollIntoViewIfNeeded();
    const startBox = (await page.getByRole('button', { name: 'Start fine-tuning' }).boundingBox())!;
    assert.ok(startBox.y + startBox.height <= jobBox.y, 'the fine-tune Start button can be reached above the job panel');
    await screenshot(page, 'small-04-finetune-with-job.png');
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
