// End to end, the damage overlay and its brush (issue 12, item 5): the built renderer in headless Chromium
// against `heirloom serve` on a temporary library. A historic sample (samples/1890CliffHouseSF.jpg) is
// opened; Restore → Show damage overlays the detected mask in red (the same pixels damageMask sends); a
// drag with Add paints a missed "scratch" across the sky, a drag with Erase takes back a mark on the sand,
// Ctrl+Z and [ ] work from the keyboard; Repair again makes a new version, listed with its strokes, whose
// record holds them. Screenshots at 1280×800 and 800×600, light and dark, English and Russian, go to
// test-artifacts/e2e/ (d*.png).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addFolder, callApi, closeApp, cutOffAtSides, E2E_ROOT, e2eSkip, e2eTempDir, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// Callbacks passed to page.evaluate / waitForFunction run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

type Stroke = { mode: 'add' | 'erase'; radius: number; points: [number, number][] };
type Output = { id: number; current: boolean; restored: boolean; maskEdit: Stroke[] };

describe('the damage mask and its brush in the photo view', { skip: e2eSkip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  let photoId: number;
  const problems: string[] = [];
  const apiCall = (method: string, arg: unknown): Promise<unknown> => callApi(page, method, arg);
  /** Red pixels of the overlay's canvas (inside a box of fractions, or all). */
  const redPixels = (box: [number, number, number, number] = [0, 0, 1, 1]): Promise<number> =>
    page.evaluate(([x0, y0, x1, y1]: number[]) => {
      const c = document.querySelector('.stage .damage canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let y = Math.floor(y0! * c.height); y < Math.ceil(y1! * c.height); y++) {
        for (let x = Math.floor(x0! * c.width); x < Math.ceil(x1! * c.width); x++) if (d[(y * c.width + x) * 4 + 3] > 0) n++;
      }
      return n;
    }, box);
  /** A drag over the photo through these points (fractions of the photo), as a person's pointer would. */
  const drag = async (points: [number, number][]): Promise<void> => {
    const box = (await page.locator('.stage').boundingBox())!;
    const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
    await page.mouse.move(...at(points[0]!));
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 12 });
    await page.mouse.up();
  };
  const section = () => page.locator('.panel section.restore');
  const strokesShown = (n: number) => page.locator(`.stage .damage[data-strokes="${n}"]`).waitFor();
  /** Nothing of the viewer's panel or toolbar is cut off at the window's sides. */
  const insideWindow = () => cutOffAtSides(page, '.overlay button, .overlay .tag, .panel h3, .panel label, .damage-mask output');

  before(async () => {
    dir = e2eTempDir('heirloom-e2e-damage-');
    fs.mkdirSync(path.join(dir, 'Photos'));
    fs.copyFileSync(path.join(E2E_ROOT, 'samples', '1890CliffHouseSF.jpg'), path.join(dir, 'Photos', 'Cliff House 1890.jpg'));
    app = await openApp(path.join(dir, 'library'), problems);
    ({ page } = app);
  });

  after(async () => {
    await closeApp(app ?? {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Show damage overlays the detected mask in red over the original', async () => {
    await addFolder(page, path.join(dir, 'Photos'), 'Added 1 photo');
    photoId = ((await apiCall('listPhotos', {})) as { items: { id: number }[] }).items[0]!.id;
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await section().waitFor();
    // Faster without colour; the choice is the Restore section's, which Repair again runs.
    await section().getByRole('checkbox', { name: 'Colorize afterwards', exact: true }).uncheck();

    const toggle = section().getByRole('button', { name: 'Show damage' });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await section()
      .getByText(/of the photo marked as damage|No damage found/)
      .waitFor({ timeout: 60_000 });
    await page.locator('.stage .damage canvas').waitFor();
    assert.equal(await page.locator('.stage .tag.left').innerText(), 'Original · damage in red');
    assert.equal(await page.locator('.stage img.damaged').count(), 1, 'the original is shown under the mask');
    assert.equal(await page.locator('.stage .handle').count(), 0, 'no before/after slider while the mask is shown');

    // The overlay shows exactly the pixels the core sent.
    const m = (await apiCall('damageMask', { photoId, maxSize: 1280 })) as { width: number; height: number; bits: string; fraction: number };
    assert.deepEqual([m.width, m.height], [640, 479]);
    const bits = Buffer.from(m.bits, 'base64');
    let marked = 0;
    for (let k = 0; k < m.width * m.height; k++) marked += (bits[k >> 3]! >> (7 - (k & 7))) & 1;
    console.log(`# ${marked} px marked (${(m.fraction * 100).toFixed(2)} %)`);
    assert.equal(await redPixels(), marked);
    await page.mouse.move(2, 2);
    await screenshot(page, 'd01-damage-shown-1280.png');
  });

  test('Add paints a missed scratch, Erase takes back a mark; Ctrl+Z and [ ] from the keyboard', async () => {
    const tool = (name: string) => section().getByRole('radio', { name, exact: true });
    assert.equal(await tool('Add').getAttribute('aria-checked'), 'true', 'Add is the brush at first');
    const skyBefore = await redPixels([0.1, 0.15, 0.5, 0.25]);
    await drag([
      [0.12, 0.2],
      [0.3, 0.17],
      [0.45, 0.22],
    ]);
    await strokesShown(1);
    await section().getByText('1 stroke', { exact: true }).waitFor();
    const skyAfter = await redPixels([0.1, 0.15, 0.5, 0.25]);
    assert.ok(skyAfter > skyBefore + 400, `the stroke is painted on the overlay (${skyBefore} → ${skyAfter} red px)`);
    await page.mouse.move(300, 200);
    await screenshot(page, 'd02-stroke-added-1280.png');

    // Erase: chosen by keyboard (the tools are a radio group: Tab reaches the chosen one, arrows move), a
    // bigger brush with ], a drag over the sand.
    await tool('Add').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await tool('Erase').getAttribute('aria-checked'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.tool), 'erase', 'the focus follows the choice');
    const size = section().getByRole('slider');
    const before = Number(await size.inputValue());
    await page.locator('.stage').hover();
    await page.keyboard.press(']');
    assert.ok(Number(await size.inputValue()) > before, 'the brush grew');
    // Paint everything red on the sand first, so the erase has something to take back whatever was detected.
    await tool('Add').click();
    await drag([
      [0.3, 0.85],
      [0.6, 0.85],
    ]);
    await strokesShown(2);
    await tool('Erase').click();
    await drag([
      [0.35, 0.85],
      [0.55, 0.85],
    ]);
    await strokesShown(3);
    // Ctrl+Z takes back the erase, Erase again.
    const erased = await redPixels([0.35, 0.83, 0.55, 0.87]);
    await page.keyboard.press('Control+z');
    await strokesShown(2);
    assert.ok((await redPixels([0.35, 0.83, 0.55, 0.87])) > erased + 200, 'undone: red again');
    await drag([
      [0.35, 0.85],
      [0.55, 0.85],
    ]);
    await strokesShown(3);
    assert.equal(await redPixels([0.38, 0.845, 0.52, 0.855]), 0, 'the eraser cleared the mask under it');
    await page.mouse.move(300, 200);
    await screenshot(page, 'd03-stroke-erased-1280.png');
  });

  test('Repair again makes a new version in use that records the strokes', async () => {
    await section().getByRole('button', { name: 'Repair again' }).click();
    await section().getByText('Repaired with your changes: the new version is in use.').waitFor({ timeout: 180_000 });
    await page.waitForFunction(
      () => {
        const img = document.querySelector('.stage img.after');
        return img && img.src.includes('/media/output/') && img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(
      await section().getByRole('button', { name: 'Show damage' }).getAttribute('aria-pressed'),
      'false',
      'the mask steps aside for the new version',
    );

    const items = page.locator('.panel .versions li');
    assert.equal(await items.count(), 1);
    const listed = await items.first().innerText();
    assert.match(listed, /Restored/);
    assert.match(listed, /In use/);
    assert.match(listed, /3 brush strokes on the damage mask/);

    const photo = (await apiCall('getPhoto', photoId)) as { outputs: Output[] };
    assert.equal(photo.outputs.length, 1);
    const v = photo.outputs[0]!;
    assert.ok(v.restored && v.current);
    assert.deepEqual(
      v.maskEdit.map((s) => s.mode),
      ['add', 'add', 'erase'],
    );
    const sky = v.maskEdit[0]!;
    assert.ok(
      Math.abs(sky.points[0]![0] - 0.12) < 0.01 && Math.abs(sky.points[0]![1] - 0.2) < 0.01,
      `the stroke starts where it was painted: ${JSON.stringify(sky.points[0])}`,
    );
    assert.ok(sky.points.length >= 10, `${sky.points.length} points along the drag`);
    assert.ok(v.maskEdit[2]!.radius > sky.radius, 'the bigger brush is recorded');
    await page.mouse.move(2, 2);
    await screenshot(page, 'd04-repaired-1280.png');

    // Shown again, the strokes are still there to go on from.
    await page.keyboard.press('d');
    await strokesShown(3);
    await section().getByText('3 strokes', { exact: true }).waitFor();
  });

  test('layout: 800×600 and 1280×800, light and dark, English and Russian', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    await section().locator('.damage-mask').scrollIntoViewIfNeeded();
    await page.mouse.move(2, 2);
    assert.deepEqual(await insideWindow(), [], '800×600: inside the window');
    await screenshot(page, 'd05-800-en.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.mouse.move(2, 2);
    await screenshot(page, 'd06-1280-dark-en.png');
    // Russian: the viewer closed, the language changed, opened again with the mask shown.
    await page.locator('.overlay header .back').click();
    await page.locator('.overlay').waitFor({ state: 'detached' });
    await page.locator('footer select').selectOption('ru');
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    const show = section().getByRole('button', { name: 'Показать повреждения' });
    await show.click();
    await section()
      .getByText(/снимка|Повреждений не найдено/)
      .waitFor({ timeout: 60_000 });
    await page.setViewportSize({ width: 800, height: 600 });
    await section().locator('.damage-mask').scrollIntoViewIfNeeded();
    await page.mouse.move(2, 2);
    assert.deepEqual(await insideWindow(), [], '800×600 ru: inside the window');
    await screenshot(page, 'd07-800-dark-ru.png');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('.stage').hover();
    await screenshot(page, 'd08-1280-ru.png');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.stage .damage').count(), 0, 'Esc hides the mask');
    await page.locator('.overlay header .back').click();
    await page.locator('footer select').selectOption('en');
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
