// End to end, everyday use as a new user meets it, in an 800×600 window (English and Russian): re-adding a
// folder counts new and already-there photos apart, a partial import is a warning; the job panel takes its
// own room and a finished job goes away by itself; the keyboard (arrow keys in the grid, one Tab stop,
// Esc, focus back to the photo); albums open their photos and show whole titles and captions; the viewer's
// labels, version menu and slider knob; a ZIP export's wording; numbers and exports in the window's language.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { OLD_PHOTO_COLOURS, sceneLayout, writeScene } from '../helpers/fixtures';
import { callApi, closeApp, e2eSkip, e2eTempDir, eventually, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// Callbacks passed to page.evaluate / waitForFunction run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const getComputedStyle: any;

const skip = e2eSkip;
const ALBUM = 'Summer at the lake with Grandma, Grandpa and all the cousins, 1955';

/** A small grey "old photo" (sky, hill, house, tree), different per variant. */
const scene = (file: string, variant: number): Promise<void> =>
  writeScene(file, {
    width: 480,
    height: 360,
    layout: { ...sceneLayout(variant), hillY: 250 + variant * 15, houseX: 100 + variant * 90, treeX: 520 - variant * 70 },
    colours: { ...OLD_PHOTO_COLOURS, sky: ['#7fa7d9', '#9db9d0', '#88a0c8', '#a3b8d8', '#7f9fc0'][variant] },
  });

describe('everyday use at 800×600: imports, job panel, keyboard, albums, viewer, export, Russian', { skip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  const problems: string[] = [];
  const notice = () => page.locator('.notice').first();
  const lang = (l: 'en' | 'ru') => page.locator('footer select').selectOption(l);
  const apiCall = (method: string, arg: unknown): Promise<unknown> => callApi(page, method, arg);
  const photos = async (): Promise<{ id: number; name: string }[]> =>
    ((await apiCall('listPhotos', { sort: 'name', filter: 'all', offset: 0, limit: 100 })) as { items: { id: number; name: string }[] }).items;
  const addPhotos = async (folder: string) => {
    await page.fill('#import-path', path.join(dir, folder));
    await page.locator('.import button[type="submit"]').click();
  };
  const focused = (): Promise<{ index: string | null; photoId: string | null; inShell: boolean; inOverlay: boolean; tag: string }> =>
    page.evaluate(() => {
      const a = document.activeElement;
      return {
        index: a?.dataset?.index ?? null,
        photoId: a?.dataset?.photoId ?? null,
        inShell: !!a?.closest('.shell'),
        inOverlay: !!a?.closest('.overlay'),
        tag: a?.tagName ?? '',
      };
    });
  const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;

  before(async () => {
    dir = e2eTempDir('heirloom-e2e-polish-');
    for (const d of ['Family', 'Attic box', 'Exports', 'Exports ru']) fs.mkdirSync(path.join(dir, d));
    for (let i = 0; i < 3; i++) await scene(path.join(dir, 'Family', `Lake ${1955 + i}.jpg`), i);
    // The attic box: the same three photos (copies), two new ones and a file that is not a photo.
    for (let i = 0; i < 3; i++)
      fs.copyFileSync(path.join(dir, 'Family', `Lake ${1955 + i}.jpg`), path.join(dir, 'Attic box', `Copy of Lake ${1955 + i}.jpg`));
    for (let i = 3; i < 5; i++) await scene(path.join(dir, 'Attic box', `Garden ${1960 + i}.jpg`), i);
    fs.writeFileSync(path.join(dir, 'Attic box', 'broken.jpg'), 'This is a text file with a .jpg name.\n');
    app = await openApp(path.join(dir, 'library'), problems, { width: 800, height: 600 });
    ({ page } = app);
  });

  after(async () => {
    await closeApp(app ?? {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('import: new and already-there photos are counted apart; a partial success is a warning listing the failures', async () => {
    await addPhotos('Family');
    await notice().getByText('Added 3 photos').waitFor();
    assert.equal(await notice().getAttribute('data-kind'), 'ok');
    await notice().locator('.close').click();

    // At 800 px the path field has a row of its own: a typed path is read whole.
    await page.fill('#import-path', path.join(dir, 'Attic box'));
    const field = await page.locator('#import-path').evaluate((el: { scrollWidth: number; clientWidth: number }) => [el.scrollWidth, el.clientWidth]);
    assert.ok(field[0] <= field[1] && field[1] >= 500, `the path field shows the whole path (${field})`);
    await page.locator('.import button[type="submit"]').click();
    await notice().getByText('Added 2 new photos, 3 were already in the library · 1 file could not be added').waitFor();
    assert.equal(await notice().getAttribute('data-kind'), 'warn', 'some added, some not: a warning, not an error');
    assert.equal(await notice().getAttribute('role'), 'status');
    assert.match(await notice().locator('.errors').innerText(), /broken\.jpg — not an image Heirloom can read/);
    const colours = await notice().evaluate((el: unknown) => [
      getComputedStyle(el).borderTopColor,
      getComputedStyle(document.documentElement).getPropertyValue('--danger').trim(),
    ]);
    assert.notEqual(colours[0], 'rgb(179, 38, 30)', `not the error red (${colours})`);
    await page.waitForFunction(() => document.querySelectorAll('.thumb img').length === 5);
    await screenshot(page, 'p01-import-partial-800.png');

    // Russian, with its plural forms.
    await lang('ru');
    await notice().getByText('Добавлено 2 новых фото, 3 фото уже были в библиотеке · 1 файл не удалось добавить').waitFor();
    await screenshot(page, 'p01b-import-partial-800-ru.png');
    await lang('en');
    await notice().locator('.close').click();

    await addPhotos('Family');
    await notice().getByText('All 3 photos are already in the library').waitFor();
    assert.equal((await photos()).length, 5);
    await notice().locator('.close').click();
  });

  test('the job panel takes its own room (never over the photos); a finished job shrinks to a line and closes by itself', async () => {
    await page.getByRole('button', { name: 'Colorize all' }).click();
    const panel = page.locator('section.job');
    await page.waitForSelector('section.job[data-job-state="running"], section.job[data-job-state="done"]', { timeout: 60_000 });
    const grid = await box('.viewport');
    const running = (await panel.boundingBox())!;
    assert.ok(
      grid.y + grid.height <= running.y + 0.5,
      `the photos end where the panel starts (grid ${JSON.stringify(grid)}, panel ${JSON.stringify(running)})`,
    );
    await page.waitForSelector('section.job[data-job-state="done"]', { timeout: 120_000 });
    const doneAt = Date.now();
    assert.match(await panel.innerText(), /5 photos colorized/);
    const line = (await panel.boundingBox())!;
    assert.ok(line.height <= 40, `a finished job is one slim line (${line.height} px)`);
    const grid2 = await box('.viewport');
    assert.ok(grid2.y + grid2.height <= line.y + 0.5, 'and it covers nothing either');
    await page.waitForFunction(() => document.querySelectorAll('.thumb .badge').length === 5);
    await screenshot(page, 'p02-job-done-line-800.png');
    await panel.waitFor({ state: 'detached', timeout: 20_000 });
    const waited = Date.now() - doneAt;
    assert.ok(waited >= 2000, `it stayed long enough to be read (${waited} ms)`);
    const full = await box('.viewport');
    assert.ok(full.height > grid2.height, 'the photos get the room back');
  });

  test('keyboard: the grid is one Tab stop, arrows move between photos; Esc puts the magnifier away, then closes the viewer and focus returns to the photo', async () => {
    const thumbs = page.locator('.viewport .thumb');
    await thumbs.first().focus();
    assert.equal(await page.locator('.viewport [tabindex="0"]').count(), 1, 'one Tab stop in the grid');
    assert.equal(await page.locator('.viewport .check[tabindex="0"]').count(), 0);
    const tops = await thumbs.evaluateAll((els: { getBoundingClientRect(): { top: number } }[]) =>
      els.map((e) => Math.round(e.getBoundingClientRect().top)),
    );
    const cols = tops.filter((t) => t === tops[0]).length;
    assert.ok(cols >= 2, `${cols} columns`);
    await page.keyboard.press('ArrowRight');
    assert.equal((await focused()).index, '1');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused()).index, String(1 + cols));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focused()).index, '0');
    await page.keyboard.press('End');
    assert.equal((await focused()).index, '4');
    assert.equal(await page.locator('.viewport [tabindex="0"]').getAttribute('data-index'), '4', 'the Tab stop follows');
    // Tab leaves the grid; Shift+Tab comes back to the same photo.
    await page.keyboard.press('Tab');
    const out = await focused();
    assert.ok(out.index === null && out.tag !== 'BODY', `Tab left the grid (${JSON.stringify(out)})`);
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused()).index, '4');
    // Shift+arrows extend the selection from the photo they started on; Esc clears it.
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.locator('.toolbar .sel').getByText('3 selected').waitFor();
    assert.equal(await page.locator('.viewport .check.on').count(), 3);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.toolbar .sel').count(), 0);

    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    const id = (await focused()).photoId;
    await page.keyboard.press('Enter');
    const overlay = page.locator('.overlay');
    await overlay.waitFor();
    await page.locator('.overlay').getByRole('slider', { name: 'Compare the original and the colour version' }).waitFor();
    // Tab walks the viewer's own controls only: the library behind it is inert.
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      assert.ok(!f.inShell, `Tab ${i + 1} reached the hidden library (${JSON.stringify(f)})`);
    }
    await page.keyboard.press('m');
    const loupe = page.getByRole('button', { name: 'Magnifier' });
    assert.equal(await loupe.getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Escape');
    assert.equal(await loupe.getAttribute('aria-pressed'), 'false', 'Esc turned the magnifier off');
    assert.equal(await overlay.count(), 1, 'and left the viewer open');
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached' });
    const back = await focused();
    assert.equal(back.photoId, id, `focus is back on the photo the viewer opened from (${JSON.stringify(back)})`);
    assert.equal(back.index, '1');
  });

  test('viewer: "Original" and "Colorized, <date>", the model named as in the status bar, the knob whole at the far left', async () => {
    await page.locator('.viewport .thumb').first().click();
    const handle = page.getByRole('slider', { name: 'Compare the original and the colour version' });
    await handle.waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.stage img')].every((i: { complete: boolean; naturalWidth: number }) => i.complete && i.naturalWidth > 0),
    );
    assert.equal(await page.locator('.stage .tag.left').innerText(), 'Original');
    assert.match(await page.locator('.stage .tag.right').innerText(), /^Colorized, \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}/);
    const statusModel = (await page.locator('footer.status span', { hasText: 'Model:' }).innerText()).replace(/^Model:\s*/, '');
    assert.equal(statusModel, 'Heirloom base');
    assert.equal(await page.locator('.overlay .model-id').innerText(), `Model: ${statusModel}`, 'the same name in the viewer as in the status bar');

    await handle.focus();
    await page.keyboard.press('Home');
    assert.equal(await handle.getAttribute('aria-valuenow'), '0');
    const stage = await box('.stage');
    const knob = await box('.stage .knob');
    assert.ok(
      knob.x >= stage.x - 0.5 && knob.x + knob.width <= stage.x + stage.width + 0.5,
      `the knob is whole at the far left (${JSON.stringify({ stage, knob })})`,
    );
    await page.mouse.move(5, 5);
    await screenshot(page, 'p03-viewer-far-left-800.png');
    await page.keyboard.press('End');
    const knobR = await box('.stage .knob');
    assert.ok(knobR.x >= stage.x - 0.5 && knobR.x + knobR.width <= stage.x + stage.width + 0.5, 'and at the far right');
    await page.keyboard.press('Escape');
    await page.locator('.overlay').waitFor({ state: 'detached' });
  });

  test('Russian numbers and a second version: "1,3×", the whole version menu, clear labels side by side', async () => {
    await page.locator('.sat input').fill('1.3');
    assert.equal(await page.locator('.sat output').innerText(), '1.3×');
    await lang('ru');
    assert.equal(await page.locator('.sat output').innerText(), '1,3×', 'a decimal comma in Russian');
    await lang('en');
    await page.locator('.viewport .thumb').first().click();
    await page.getByRole('button', { name: 'Colorize again (1.3×)' }).click();
    // A running job shows at the viewer's foot, under the photo, not over it.
    const menu = page.locator('.overlay .history select').first();
    await menu.waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector('section.job[data-job-state="running"]'), undefined, { timeout: 120_000 });
    const options = await menu.locator('option').allInnerTexts();
    assert.equal(options.length, 2);
    assert.match(options[0], / · Heirloom base · strength 1\.3$/);
    assert.match(options[1], / · Heirloom base$/);
    // The menu shows its whole text (no "strengt…").
    const fits = await menu.evaluate((sel: { selectedOptions: { text: string }[]; getBoundingClientRect(): { width: number } }) => {
      const probe = document.createElement('span');
      const cs = getComputedStyle(sel);
      probe.style.font = cs.font;
      probe.style.position = 'absolute';
      probe.style.whiteSpace = 'pre';
      probe.textContent = sel.selectedOptions[0].text;
      document.body.append(probe);
      const w = probe.getBoundingClientRect().width;
      probe.remove();
      return [w, sel.getBoundingClientRect().width];
    });
    assert.ok(fits[1] >= fits[0] + 16, `the version menu is wide enough for its text (${fits})`);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await screenshot(page, 'p04-viewer-versions-800.png');
    await page.keyboard.press('s');
    await page.locator('.stage.after-pane').waitFor();
    const labels = await page.locator('.overlay .history > span').allInnerTexts();
    assert.deepEqual(labels, ['Colour version', 'Compare with']);
    assert.equal(await page.locator('.stage.before-pane .tag').innerText(), 'Original');
    await page.locator('.overlay .history select').nth(1).selectOption({ index: 2 });
    assert.match(await page.locator('.stage.before-pane .tag').innerText(), /^Colorized by Heirloom base, /);
    await screenshot(page, 'p05-viewer-side-800.png');
    await page.keyboard.press('s');
    await page.keyboard.press('Escape');
    await page.locator('.overlay').waitFor({ state: 'detached' });

    await lang('ru');
    await page.locator('.viewport .thumb').first().click();
    await page.waitForFunction(() => document.querySelectorAll('.overlay .history select option').length === 2);
    const ruOptions = await page.locator('.overlay .history select').first().locator('option').allInnerTexts();
    assert.match(ruOptions[0], / · Heirloom base · насыщенность 1,3$/);
    assert.equal(await page.locator('.stage .tag.left').innerText(), 'Оригинал');
    assert.match(await page.locator('.stage .tag.right').innerText(), /^Раскрашено /);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await screenshot(page, 'p04b-viewer-versions-800-ru.png');
    await page.keyboard.press('Escape');
    await page.locator('.overlay').waitFor({ state: 'detached' });
    await lang('en');
    await page.locator('.sat input').fill('1');
  });

  test('albums: long titles are whole at 800 px, captions wrap instead of being cut, clicking a photo opens it', async () => {
    const all = await photos();
    const album = (await apiCall('createAlbum', { name: ALBUM })) as { id: number };
    await apiCall('addToAlbum', { albumId: album.id, photoIds: all.map((p) => p.id) });
    await page.reload();
    await page.locator(`nav button[data-album-id="${album.id}"]`).click();
    await page.waitForFunction(() => document.querySelectorAll('.album li.card').length === 5);
    const clipped = (sel: string) =>
      page
        .locator(sel)
        .evaluate((el: { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number; innerText: string }) => ({
          cut: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
          text: el.innerText,
        }));
    assert.deepEqual(await clipped('.album h2'), { cut: false, text: ALBUM });
    assert.deepEqual(await clipped(`nav button[data-album-id="${album.id}"] .name`), { cut: false, text: ALBUM });

    const caption = 'Grandma Rose on the jetty, the summer before the big storm, with the boat Grandpa built himself and never painted';
    const field = page.locator('.album li.card').first().locator('textarea.caption');
    await field.fill(caption);
    await field.press('Enter');
    const size = await field.evaluate((el: { scrollHeight: number; clientHeight: number }) => [el.scrollHeight, el.clientHeight]);
    assert.ok(size[0] <= size[1] + 1 && size[1] > 40, `the caption grows to show every line (${size})`);
    await eventually(
      async () => ((await apiCall('getAlbum', album.id)) as { items: { caption: string | null }[] }).items[0].caption === caption,
      'caption saved',
    );
    await page.mouse.move(5, 595);
    await screenshot(page, 'p06-album-800.png');
    await lang('ru');
    await page.waitForTimeout(200);
    await screenshot(page, 'p06b-album-800-ru.png');
    await lang('en');

    const second = page.locator('.album li.card').nth(1);
    const id = await second.getAttribute('data-photo-id');
    const name = all.find((p) => String(p.id) === id)!.name;
    await second.locator('.frame').click();
    await page.getByRole('dialog', { name }).waitFor();
    await page.locator('.overlay').getByRole('slider', { name: 'Compare the original and the colour version' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.overlay').waitFor({ state: 'detached' });
    assert.equal((await focused()).photoId, id, 'focus is back on the album card');
    // Enter on a focused card opens it too.
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name }).waitFor();
    await page.keyboard.press('Escape');
  });

  test('export: a ZIP is named after the album and says where it went; the web album and file names follow the window language', async () => {
    const exports = path.join(dir, 'Exports');
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.locator('[data-modal="export"]');
    await dialog.getByRole('checkbox', { name: /ZIP/ }).check();
    await page.fill('#export-parent', exports);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const panel = page.locator('section.job[data-job-kind="export"]');
    await page.waitForSelector('section.job[data-job-kind="export"][data-job-state="done"]', { timeout: 60_000 });
    const text = await panel.innerText();
    assert.ok(text.includes(`Album “${ALBUM}” exported`), text);
    assert.ok(text.includes(`Saved as ${ALBUM}.zip in ${exports}`), text);
    assert.ok(!text.includes('.zip” exported'), text);
    assert.ok(fs.existsSync(path.join(exports, `${ALBUM}.zip`)));
    await screenshot(page, 'p07-export-zip-800.png');
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });

    // In Russian: the web album's words and "undated" in the file names are Russian.
    await lang('ru');
    await page.getByRole('button', { name: 'Экспорт…' }).click();
    await dialog.getByRole('checkbox', { name: /ZIP/ }).uncheck();
    await dialog.getByRole('checkbox', { name: /Веб-альбом/ }).check();
    await page.fill('#export-names', '{n}-{date}');
    await page.fill('#export-parent', path.join(dir, 'Exports ru'));
    await dialog.getByRole('button', { name: 'Экспортировать', exact: true }).click();
    await page.waitForSelector('section.job[data-job-kind="export"][data-job-state="done"]', { timeout: 60_000 });
    const ru = await panel.innerText();
    assert.ok(ru.includes(`Альбом «${ALBUM}» экспортирован`), ru);
    await screenshot(page, 'p07b-export-800-ru.png');
    const target = path.join(dir, 'Exports ru', ALBUM);
    const files = fs
      .readdirSync(target)
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    assert.deepEqual(files, ['01-без даты.jpg', '02-без даты.jpg', '03-без даты.jpg', '04-без даты.jpg', '05-без даты.jpg']);
    const html = fs.readFileSync(path.join(target, 'index.html'), 'utf8');
    assert.match(html, /<html lang="ru">/);
    assert.ok(html.includes('Семейный альбом') && html.includes('5 фото'), 'Russian words in the web album');
    await lang('en');
  });

  test('a job with problems stays until it is closed', async () => {
    await page.getByRole('button', { name: /All photos/ }).click();
    const victim = (await photos()).find((p) => p.name.startsWith('Garden'))!;
    fs.writeFileSync(path.join(dir, 'Attic box', victim.name), 'no longer a JPEG');
    await apiCall('colorize', { photoIds: [victim.id] });
    const panel = page.locator('section.job[data-job-state="failed"]');
    await panel.waitFor({ timeout: 60_000 });
    await page.waitForTimeout(8000);
    assert.equal(await panel.count(), 1, 'still there after 8 s');
    assert.match(await panel.locator('.errors').innerText(), /not an image Heirloom can read/);
    const grid = await box('.viewport');
    const p = (await panel.boundingBox())!;
    assert.ok(grid.y + grid.height <= p.y + 0.5, 'and it covers no photo');
    await screenshot(page, 'p08-job-failed-800.png');
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
