// End to end, colour hints and versions: the built renderer in headless Chromium against `heirloom serve`
// on a temporary library (same setup as app.test.ts). Colorize a photo, turn on colour hints, place a
// point and pick one of the network's swatches: the live preview's pixels there move towards it; undo
// takes it back; the full picker's colour; Keep makes a new version in use with its hint listed; choosing
// the older version is what an album export uses; Models → Compare only previews (no job, no version);
// deleting the version in use goes back to the newest; zoomed-in clicks, the keyboard, Discard, and a
// photo with no version yet. Screenshots at 1280×800 and 800×600, light and dark, English and Russian go
// to test-artifacts/e2e/ (h*.png).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import type { Page } from 'playwright-core';
import { OLD_PHOTO_COLOURS, sceneLayout, writeScene } from '../helpers/fixtures';
import { addFolder, callApi, closeApp, e2eSkip, e2eTempDir, eventually, openApp, type OpenApp, screenshot } from '../helpers/e2e';

// Callbacks passed to page.evaluate / waitForFunction run in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const skip = e2eSkip;

/** A small grey "old photo": sky, hills, a house with a door and a tree. */
const scene = (file: string, variant: number): Promise<void> =>
  writeScene(file, {
    width: 640,
    height: 480,
    layout: sceneLayout(variant),
    colours: { ...OLD_PHOTO_COLOURS, sky: ['#7fa7d9', '#9db9d0'][variant], door: '#5a3d2b' },
  });

type Rgb = [number, number, number];

/** sRGB (0..255) → CIE a*, b* (D65): hints set only a and b, so closeness is measured there. */
function ab([r, g, b]: Rgb): [number, number] {
  const lin = (v: number): number => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return [500 * (x - y), 200 * (y - z)];
}
const hexRgb = (h: string): Rgb => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
const abDist = (a: Rgb, b: Rgb): number => {
  const [a1, b1] = ab(a);
  const [a2, b2] = ab(b);
  return Math.hypot(a1 - a2, b1 - b2);
};

describe('colour hints and versions in the photo view', { skip }, () => {
  let dir: string;
  let app: OpenApp | undefined;
  let page: Page;
  let photoId: number;
  /** The point the hints go on: the house wall (fractions of the photo). */
  const P = { x: 0.24, y: 0.6 };
  const problems: string[] = [];
  const apiCall = (method: string, arg: unknown): Promise<unknown> => callApi(page, method, arg);
  type Output = { id: number; current: boolean; hints: { color: string; size?: number }[]; modelId: string; url: string };
  const getPhoto = async () => (await apiCall('getPhoto', photoId)) as { outputs: Output[]; currentChosen: boolean };
  const versions = () => page.locator('.panel .versions li');
  /** The colour image's mean colour in a small patch around a point (read from the <img> the viewer shows). */
  const pixelAt = (fx: number, fy: number): Promise<Rgb> =>
    page.evaluate(
      async ([x, y]: [number, number]) => {
        const img = document.querySelector('.stage img.after');
        await img.decode().catch(() => undefined);
        const c = document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const r = Math.max(2, Math.round(c.width * 0.008));
        const d = g.getImageData(Math.round(x * c.width) - r, Math.round(y * c.height) - r, 2 * r + 1, 2 * r + 1).data;
        const s = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) s[k] += d[i + k];
        return s.map((v) => v / (d.length / 4));
      },
      [fx, fy] as [number, number],
    ) as Promise<Rgb>;
  /** Waits until the viewer shows a finished live preview (not the kept version, nothing updating). */
  const previewShown = async (notSrc?: string): Promise<string> => {
    await page.waitForFunction(
      (old: string | null) => {
        const img = document.querySelector('.stage img.after[data-preview]');
        return img && img.complete && img.naturalWidth > 0 && img.src !== old && !document.querySelector('.stage .updating');
      },
      notSrc ?? null,
      { timeout: 60_000 },
    );
    return (await page.locator('.stage img.after').getAttribute('src'))!;
  };
  /** Waits until the viewer shows a kept version (no preview). */
  const versionShown = () =>
    page.waitForFunction(
      () => {
        const img = document.querySelector('.stage img.after');
        return img && !img.hasAttribute('data-preview') && img.src.includes('/media/output/') && img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 60_000 },
    );
  const clickPhoto = async (fx: number, fy: number) => {
    const b = (await page.locator('.stage').boundingBox())!;
    await page.mouse.click(b.x + b.width * fx, b.y + b.height * fy);
  };
  const closeViewer = async () => {
    for (let i = 0; i < 4 && (await page.locator('.overlay').count()); i++) {
      await page.locator('.overlay header .back').click();
    }
    await page.locator('.overlay').waitFor({ state: 'detached' });
  };

  before(async () => {
    dir = e2eTempDir('heirloom-e2e-hints-');
    for (const d of ['Photos', 'Exports']) fs.mkdirSync(path.join(dir, d));
    await scene(path.join(dir, 'Photos', 'House 1952.jpg'), 0);
    await scene(path.join(dir, 'Photos', 'Garden 1953.jpg'), 1);
    app = await openApp(path.join(dir, 'library'), problems);
    ({ page } = app);
  });

  after(async () => {
    await closeApp(app ?? {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('import and colorize two photos', async () => {
    await addFolder(page, path.join(dir, 'Photos'), 'Added 2 photos');
    await page.getByRole('button', { name: 'Colorize all' }).click();
    await page.waitForSelector('section.job[data-job-state="done"]', { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelectorAll('.thumb .badge').length === 2);
    const list = (await apiCall('listPhotos', { sort: 'name' })) as { items: { id: number; name: string }[] };
    photoId = list.items.find((p) => p.name === 'House 1952.jpg')!.id;
  });

  test('hint mode: place a point, pick a suggested swatch, the preview moves towards it; undo and redo', async () => {
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await page.locator('.panel .versions li').first().waitFor();
    await versionShown();
    assert.equal(await versions().count(), 1);
    assert.match(await versions().first().innerText(), /In use/);
    const original = await pixelAt(P.x, P.y);

    await page.getByRole('button', { name: 'Colour hints' }).click();
    assert.equal(await page.getByRole('button', { name: 'Colour hints' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('slider', { name: 'Compare the original and the colour version' }).waitFor({ state: 'detached' });
    await clickPhoto(P.x, P.y);
    const pop = page.locator('[data-hint-popover]');
    await pop.getByText('Choose a colour for this point').waitFor();
    await pop.locator('[data-swatch]').first().waitFor({ timeout: 30_000 });
    const swatches = await pop.locator('[data-swatch]').evaluateAll((els: { dataset: { swatch: string } }[]) => els.map((e) => e.dataset.swatch));
    assert.ok(swatches.length >= 2, swatches.join(' '));
    // The swatch least like what is there now: the clearest change to see.
    const target = swatches.reduce((best, c) => (abDist(hexRgb(c), original) > abDist(hexRgb(best), original) ? c : best));
    await screenshot(page, 'h01-popover-1280.png');
    await pop.locator(`[data-swatch="${target}"]`).click();
    await pop.getByText('Colour of this point').waitFor();
    assert.equal(await page.locator('.stage .point').count(), 1);
    assert.equal(
      await page.locator('.stage .point').evaluate((el: { style: { getPropertyValue(n: string): string } }) => el.style.getPropertyValue('--c')),
      target,
    );
    const previewUrl = await previewShown();
    const hinted = await pixelAt(P.x, P.y);
    const before = abDist(original, hexRgb(target));
    const now = abDist(hinted, hexRgb(target));
    console.log(`# swatch ${target}: a*b* distance at the point ${before.toFixed(1)} before, ${now.toFixed(1)} with the hint`);
    assert.ok(now < before * 0.75 && before - now > 5, `the preview moved towards the swatch (${before} → ${now})`);
    assert.match(await page.locator('.panel .colour').innerText(), /1 colour hint/);
    assert.match(await page.locator('.panel .status').innerText(), /Preview made in \d/);
    await screenshot(page, 'h02-preview-1280.png');

    // Undo (Ctrl+Z): the hint goes and the kept version is shown again; redo brings the hint back.
    await page.keyboard.press('Control+z');
    assert.equal(await page.locator('.stage .point').count(), 0);
    await versionShown();
    const undone = await pixelAt(P.x, P.y);
    assert.ok(abDist(undone, hexRgb(target)) > now + 5, `undo went back (${abDist(undone, hexRgb(target))} vs ${now})`);
    assert.ok(abDist(undone, original) < 3, 'the same colours as before the hint');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await page.locator('.stage .point').count(), 1);
    await previewShown();
    assert.ok(abDist(await pixelAt(P.x, P.y), hexRgb(target)) < before * 0.75, 'redo: the hint again');
    assert.notEqual(previewUrl, '');
  });

  test('the full picker colours the point; the sliders preview too; Keep makes a new version in use with its hint', async () => {
    const green = '#2f9e44';
    await page.locator('.stage .point').first().click();
    const pop = page.locator('[data-hint-popover]');
    await pop.getByText('Colour of this point').waitFor();
    await pop.getByText('Recently used').waitFor(); // the swatch picked before
    const shown = (await page.locator('.stage img.after').getAttribute('src'))!;
    const swatched = await pixelAt(P.x, P.y);
    await pop.locator('input[type="color"]').fill(green);
    await previewShown(shown);
    const greener = await pixelAt(P.x, P.y);
    const was = abDist(swatched, hexRgb(green));
    console.log(
      `# picker ${green}: a*b* distance at the point ${was.toFixed(1)} with the swatch, ${abDist(greener, hexRgb(green)).toFixed(1)} now; a* ${ab(greener)[0].toFixed(1)}`,
    );
    // A light wall cannot be as saturated a green as the picker's: it turns green, at its own lightness.
    assert.ok(abDist(greener, hexRgb(green)) < was * 0.7 && ab(greener)[0] < -10, `the point turned towards ${green}: ${greener}`);
    assert.equal(
      await page.locator('.stage .point').evaluate((el: { style: { getPropertyValue(n: string): string } }) => el.style.getPropertyValue('--c')),
      green,
    );
    await pop.locator(`[data-recent="${green}"]`).waitFor();

    // Drag the point a little: it moves (one undo step), the preview follows.
    const pt = (await page.locator('.stage .point').boundingBox())!;
    await page.mouse.move(pt.x + pt.width / 2, pt.y + pt.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(pt.x + pt.width / 2 + i * 3, pt.y + pt.height / 2);
    await page.mouse.up();
    const moved = (await page.locator('.stage .point').boundingBox())!;
    assert.ok(Math.abs(moved.x - pt.x - 15) < 2, `dragged 15 px (${pt.x} → ${moved.x})`);
    await page.keyboard.press('Control+z');
    await page.waitForFunction((x: number) => Math.abs(document.querySelector('.stage .point').getBoundingClientRect().x - x) < 1, pt.x);

    // The colour's reach (patch size) is the hint's own setting, and previews too.
    const s0 = (await page.locator('.stage img.after').getAttribute('src'))!;
    await pop.locator('input[data-hint-size]').fill('11');
    await previewShown(s0);

    // Colour strength drives the preview too.
    const s1 = (await page.locator('.stage img.after').getAttribute('src'))!;
    await page.locator('.panel .colour input[type="range"]').first().fill('1.5');
    await previewShown(s1);
    await page.keyboard.press('Escape'); // closes the popover
    await page.locator('[data-hint-popover]').waitFor({ state: 'detached' });
    // The focus goes back to the point, not to the page.
    await page.waitForFunction(() => document.activeElement?.classList.contains('point'));
    await screenshot(page, 'h03-picker-strength-1280.png');

    const before = await getPhoto();
    await page.getByRole('button', { name: 'Keep', exact: true }).click();
    await page.getByRole('button', { name: 'Keeping…' }).waitFor();
    await screenshot(page, 'h03b-keeping-1280.png');
    await page.waitForFunction(() => document.querySelectorAll('.panel .versions li').length === 2, undefined, { timeout: 120_000 });
    await page.locator('.panel .versions li').first().locator('.badge.in-use').waitFor();
    await versionShown();
    const after = await getPhoto();
    assert.equal(after.outputs.length, before.outputs.length + 1);
    const [newest, older] = after.outputs;
    assert.ok(newest.current && !older.current && !after.currentChosen);
    assert.deepEqual(
      newest.hints.map((h) => [h.color, h.size]),
      [[green, 11]],
    );
    const first = versions().first();
    assert.match(await first.innerText(), /In use/);
    assert.match(await first.innerText(), /1 hint/);
    assert.match(await first.innerText(), /strength 1\.5/);
    assert.equal(await first.locator('.dot').count(), 1);
    assert.match(await versions().nth(1).innerText(), /0 hints/);
    // The kept version's hints are the starting point: the panel shows them, nothing is pending.
    assert.match(await page.locator('.panel .colour').innerText(), /1 colour hint/);
    assert.match(await page.locator('.panel .status').innerText(), /Showing the kept version/);
    assert.equal(await page.getByRole('button', { name: 'Keep', exact: true }).isDisabled(), true);
    const bright = await pixelAt(P.x, P.y);
    assert.ok(ab(bright)[0] < -10, `the kept version has the hint's colour (${bright})`);
    await page.mouse.move(5, 5);
    await screenshot(page, 'h04-kept-1280.png');
  });

  test('"Use this version" on the older one: getPhoto and an album export use it', async () => {
    const { outputs } = await getPhoto();
    const [newest, older] = outputs;
    await versions().nth(1).getByRole('button', { name: 'Use this version' }).click();
    await versions().nth(1).locator('.badge.in-use').waitFor();
    assert.equal(await versions().first().locator('.badge.in-use').count(), 0);
    await page.getByRole('button', { name: 'Always use the newest' }).waitFor();
    const photo = await getPhoto();
    assert.ok(photo.currentChosen);
    assert.equal(photo.outputs.find((o) => o.current)!.id, older.id);

    const album = (await apiCall('createAlbum', { name: 'House' })) as { id: number };
    await apiCall('addToAlbum', { albumId: album.id, photoIds: [photoId] });
    const { jobId } = (await apiCall('exportAlbum', { albumId: album.id, parentDir: path.join(dir, 'Exports'), format: 'png' })) as { jobId: number };
    await eventually(async () => {
      const job = ((await apiCall('listJobs', null)) as { id: number; state: string }[]).find((j) => j.id === jobId)!;
      assert.notEqual(job.state, 'failed', 'export failed');
      return job.state === 'done';
    }, 'export done');
    const folder = path.join(dir, 'Exports', 'House');
    const file = fs.readdirSync(folder).find((f) => f.endsWith('.png'))!;
    const exported = await sharp(path.join(folder, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const diff = async (url: string): Promise<number> => {
      const bytes = (await page.evaluate(async (u: string) => [...new Uint8Array(await (await fetch(u)).arrayBuffer())], url)) as number[];
      const img = await sharp(Buffer.from(bytes)).resize(exported.info.width, exported.info.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
      let s = 0;
      for (let i = 0; i < img.length; i++) s += Math.abs(img[i] - exported.data[i]);
      return s / img.length;
    };
    const dOlder = await diff(older.url);
    const dNewest = await diff(newest.url);
    console.log(`# export vs older version ${dOlder.toFixed(2)}, vs newest ${dNewest.toFixed(2)} (mean abs difference)`);
    assert.ok(dOlder < 2 && dNewest > dOlder + 1, `the export is the chosen older version (${dOlder} vs ${dNewest})`);
  });

  test('Models → Compare previews the photo with that model: no job, no version, the one in use unchanged', async () => {
    const before = await getPhoto();
    const jobsBefore = ((await apiCall('listJobs', null)) as unknown[]).length;
    await closeViewer();
    await page.getByRole('button', { name: 'Models', exact: true }).click();
    const row = page.locator('.models li').first();
    const model = (await row.getAttribute('data-model'))!;
    await page.locator('.models .photo-note').getByText('Compare uses “House 1952.jpg”').waitFor();
    await row.getByRole('button', { name: 'Compare on a photo' }).click();
    const right = page.locator('.stage.after-pane');
    await right.waitFor();
    assert.equal(await right.getAttribute('data-model'), model);
    await page.waitForFunction(
      () => {
        const img = document.querySelector('.stage.after-pane img');
        return img && img.src.includes('/media/preview/') && img.complete && img.naturalWidth > 0 && !document.querySelector('.updating');
      },
      undefined,
      { timeout: 60_000 },
    );
    assert.match(await right.locator('.tag').innerText(), /^Preview by Heirloom base, not kept yet$/);
    assert.match(await page.locator('.stage.before-pane .tag').innerText(), /^Colorized by Heirloom base, /);
    assert.equal(await page.getByRole('button', { name: 'Keep', exact: true }).isDisabled(), false);
    await page.waitForTimeout(200);
    await screenshot(page, 'h05-models-compare-1280.png');
    const during = await getPhoto();
    assert.deepEqual(
      during.outputs.map((o) => [o.id, o.current]),
      before.outputs.map((o) => [o.id, o.current]),
    );
    assert.equal(((await apiCall('listJobs', null)) as unknown[]).length, jobsBefore, 'comparing starts no job');
    await closeViewer();
    const afterwards = await getPhoto();
    assert.deepEqual(
      afterwards.outputs.map((o) => [o.id, o.current]),
      before.outputs.map((o) => [o.id, o.current]),
    );
    assert.ok(afterwards.currentChosen);
    await page.getByRole('button', { name: 'Library', exact: true }).click();
  });

  test('delete the version in use (asked first): the newest is used again', async () => {
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await versions().nth(1).locator('.badge.in-use').waitFor();
    await versions().nth(1).getByRole('button', { name: 'Delete' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Delete this version?' });
    await ask.getByText('It is the one in use').waitFor();
    await screenshot(page, 'h06-delete-confirm-1280.png');
    await ask.getByRole('button', { name: 'Keep it' }).click();
    assert.equal(await versions().count(), 2, 'Keep it deletes nothing');
    await versions().nth(1).getByRole('button', { name: 'Delete' }).click();
    await ask.getByRole('button', { name: 'Delete' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.panel .versions li').length === 1);
    await versions().first().locator('.badge.in-use').waitFor();
    const photo = await getPhoto();
    assert.equal(photo.outputs.length, 1);
    assert.ok(photo.outputs[0].current && !photo.currentChosen);
    assert.equal(await page.getByRole('button', { name: 'Always use the newest' }).count(), 0);
    await closeViewer();
  });

  test('zoomed in, a point lands where clicked; the keyboard adds, colours, moves and removes points; Discard', async () => {
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await versionShown();
    await page.keyboard.press('h');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    const stage = (await page.locator('.stage').boundingBox())!;
    const canvas = (await page.locator('.stage .canvas').boundingBox())!;
    assert.ok(canvas.width > stage.width * 1.9, 'zoomed in');
    const cx = stage.x + stage.width * 0.3;
    const cy = stage.y + stage.height * 0.7;
    await page.mouse.click(cx, cy);
    const pending = page.locator('.stage .point[data-hint="pending"]');
    await pending.waitFor();
    const fx = Number(await pending.getAttribute('data-x'));
    const fy = Number(await pending.getAttribute('data-y'));
    assert.ok(
      Math.abs(fx - (cx - canvas.x) / canvas.width) < 0.003 && Math.abs(fy - (cy - canvas.y) / canvas.height) < 0.003,
      `the point is at the photo's place under the pointer (${fx}, ${fy})`,
    );
    const pb = (await pending.boundingBox())!;
    assert.ok(Math.abs(pb.x + pb.width / 2 - cx) < 2 && Math.abs(pb.y + pb.height / 2 - cy) < 2, 'and drawn there');
    await page.keyboard.press('Escape'); // the point without a colour goes
    assert.equal(await pending.count(), 0);
    await page.keyboard.press('0');

    // Keyboard only: Add a point (in the middle), Tab to a swatch, Enter; arrows move it, Delete removes it.
    const points = () => page.locator('.stage .point');
    const before = await points().count();
    await page.getByRole('button', { name: 'Add a point' }).focus();
    await page.keyboard.press('Enter');
    await pending.waitFor();
    assert.ok(Math.abs(Number(await pending.getAttribute('data-x')) - 0.5) < 0.01);
    await page.locator('[data-hint-popover] [data-swatch]').first().waitFor({ timeout: 30_000 });
    for (let i = 0; i < 4 && !(await page.evaluate(() => document.activeElement?.dataset?.swatch)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n: number) => document.querySelectorAll('.stage .point:not([data-hint="pending"])').length === n + 1, before);
    const added = points().nth(before);
    await added.focus();
    const x0 = Number(await added.getAttribute('data-x'));
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    const x1 = Number(await added.getAttribute('data-x'));
    assert.ok(Math.abs((x1 - x0) * stage.width - 30) < 1.5, `three Shift+→ move it 30 px (${x0} → ${x1})`);
    await page.keyboard.press('Delete');
    await page.waitForFunction((n: number) => document.querySelectorAll('.stage .point').length === n, before);

    // Discard: back to the version in use, with its own hints and settings.
    await clickPhoto(0.7, 0.2);
    await page.locator('[data-hint-popover] [data-swatch]').first().click();
    await page.locator('.panel .colour input[type="range"]').nth(1).fill('384');
    await previewShown();
    assert.equal(await page.locator('.panel .colour output').nth(1).innerText(), '384');
    await page.getByRole('button', { name: 'Discard' }).click();
    await versionShown();
    assert.equal(await points().count(), before);
    assert.equal(await page.locator('.panel .colour output').nth(1).innerText(), '256');
    assert.match(await page.locator('.panel .status').innerText(), /Showing the kept version/);
    assert.equal((await getPhoto()).outputs.length, 1, 'nothing was recorded');
    await closeViewer();
  });

  test('a photo not colorized yet: hint mode previews its colours, Keep makes its first version', async () => {
    const file = path.join(dir, 'Later', 'Porch 1958.jpg');
    fs.mkdirSync(path.dirname(file));
    await scene(file, 1);
    // Another size: the same bytes as 'Garden 1953.jpg' would be the same photo to the library.
    await sharp(file)
      .resize(600, 450)
      .toFile(path.join(dir, 'Later', 'Porch 1958b.jpg'));
    const r = (await apiCall('importPaths', [path.join(dir, 'Later', 'Porch 1958b.jpg')])) as { imported: { id: number }[] };
    const id = r.imported[0].id;
    await page.reload();
    await page.locator(`.thumb[data-photo-id="${id}"]`).click();
    await page.getByText('Not colorized yet').waitFor();
    await page.getByText('No colour versions yet').waitFor();
    await page.keyboard.press('h');
    await previewShown();
    assert.equal(await page.getByText('Not colorized yet').count(), 0);
    await clickPhoto(0.5, 0.3);
    await page.locator('[data-hint-popover] [data-swatch]').first().click();
    await previewShown();
    await page.getByRole('button', { name: 'Keep', exact: true }).click();
    await page.locator('.panel .versions li .badge.in-use').waitFor({ timeout: 120_000 });
    await versionShown();
    const d = (await apiCall('getPhoto', id)) as { outputs: { hints: unknown[] }[] };
    assert.equal(d.outputs.length, 1);
    assert.equal(d.outputs[0].hints.length, 1);
    await closeViewer();
  });

  test('layout: 800×600 and 1280×800, light and dark, English and Russian', async () => {
    const look = async (name: string) => {
      await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
      await versionShown();
      await page.keyboard.press('h');
      await clickPhoto(0.62, 0.3);
      await page.locator('[data-hint-popover] [data-swatch]').first().waitFor({ timeout: 30_000 });
      await page.locator('[data-hint-popover] [data-swatch]').nth(1).click();
      await previewShown();
      await page.mouse.move(2, 2);
      // Nothing of the panel or the toolbar is cut off or outside the window.
      const out = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const bad: string[] = [];
        for (const el of document.querySelectorAll('.overlay button, .overlay .tag, .panel h3, [data-hint-popover]')) {
          const r = el.getBoundingClientRect();
          if (r.width && (r.right > w + 0.5 || r.left < -0.5)) bad.push(`${el.className}: ${el.textContent.trim().slice(0, 30)}`);
        }
        return bad;
      });
      await screenshot(page, `${name}.png`);
      assert.deepEqual(out, [], `${name}: inside the window`);
      await page.keyboard.press('Control+z');
      await closeViewer();
    };
    await page.setViewportSize({ width: 800, height: 600 });
    await look('h07-800-light-en');
    // The panel folds away for more photo (side by side at 800 px), and is remembered folded.
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await versionShown();
    const wide = (await page.locator('.stage').boundingBox())!.width;
    await page.getByRole('button', { name: 'Hide colour and versions' }).click();
    // At 800×600 a landscape photo soon fills the height (header, toolbar and its hint above and below), so it grows less than the panel's width.
    await page.waitForFunction((w: number) => document.querySelector('.stage').getBoundingClientRect().width > w + 50, wide);
    await page.keyboard.press('s');
    await page.locator('.stage.after-pane').waitFor();
    await page.mouse.move(2, 2);
    await screenshot(page, 'h07b-800-folded-side.png');
    await page.keyboard.press('s');
    await closeViewer();
    await page.locator(`.thumb[data-photo-id="${photoId}"]`).click();
    await versionShown();
    assert.equal(await page.locator('.panel').count(), 0, 'still folded');
    await page.keyboard.press('h'); // hint mode unfolds it
    await page.locator('.panel').waitFor();
    await page.keyboard.press('h');
    await closeViewer();
    await page.emulateMedia({ colorScheme: 'dark' });
    await look('h08-800-dark-en');
    await page.locator('footer select').selectOption('ru');
    await look('h09-800-dark-ru');
    await page.setViewportSize({ width: 1280, height: 800 });
    await look('h10-1280-dark-ru');
    await page.emulateMedia({ colorScheme: 'light' });
    await look('h11-1280-light-ru');
    await page.locator('footer select').selectOption('en');
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
