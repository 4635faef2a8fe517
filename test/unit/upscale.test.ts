// The enlarging step's tiling (core/restore/upscale.ts) with the real ESRGAN-slim network on a small
// real photo: the result is factor × the size, tiles leave no seam (tiled = one whole tile), progress is
// reported per tile, a grey photo stays grey, and a cancel stops between tiles.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import sharp = require('sharp');
import { ApiArgumentError, parseCall } from '../../src-main/api/schemas';
import { appRoot } from '../../src-main/core/app-paths';
import { makeJobParams } from '../../src-main/core/jobs/job-params';
import { loadUpscaler, upscaleRgb, type Upscaler } from '../../src-main/core/restore/upscale';

describe('upscale tiling', () => {
  let rgb: Buffer;
  const [W, H] = [88, 64];
  let x2: Upscaler;
  before(async () => {
    // A street scene from the shipped samples (no people), cropped and shrunk to a few tiles' size.
    rgb = await sharp(path.join(appRoot(), 'samples', '1890CliffHouseSF.jpg'))
      .resize(W, H, { fit: 'cover' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer();
    // A black-and-white scan stored as RGB: make the channels colourful so "stays grey" means something.
    for (let i = 0; i < W * H; i++) rgb[i * 3] = Math.min(255, rgb[i * 3]! + 30);
    x2 = await loadUpscaler(2);
  });

  test('×2 in 20 px tiles equals the photo run as one tile (no seams), and reports each tile', async () => {
    const steps: Array<[number, number]> = [];
    const tiled = await upscaleRgb(x2, rgb, W, H, { tile: 20, margin: 16, onProgress: (d, t) => steps.push([d, t]) });
    const whole = await upscaleRgb(x2, rgb, W, H, { tile: 1000 });
    assert.equal(tiled.width, 2 * W);
    assert.equal(tiled.height, 2 * H);
    assert.equal(tiled.rgb.length, 4 * W * H * 3);
    const total = Math.ceil(W / 20) * Math.ceil(H / 20);
    assert.deepEqual(
      steps,
      Array.from({ length: total }, (_, i) => [i + 1, total]),
    );
    let maxDiff = 0;
    for (let i = 0; i < tiled.rgb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tiled.rgb[i]! - whole.rgb[i]!));
    assert.ok(maxDiff <= 2, `tiled and whole differ by up to ${maxDiff} levels`);
    // Without context the tile edges would show: the test can see a seam when there is one.
    const seamy = await upscaleRgb(x2, rgb, W, H, { tile: 20, margin: 0 });
    let seamDiff = 0;
    for (let i = 0; i < seamy.rgb.length; i++) seamDiff = Math.max(seamDiff, Math.abs(seamy.rgb[i]! - whole.rgb[i]!));
    assert.ok(seamDiff > 4, `tiles without margins differ by ${seamDiff} levels`);
    // And the network did something beyond copying pixels: close to a plain resize, not equal to it.
    const cubic = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
      .resize(2 * W, 2 * H, { kernel: 'cubic' })
      .raw()
      .toBuffer();
    let sum = 0;
    for (let i = 0; i < cubic.length; i++) sum += Math.abs(cubic[i]! - whole.rgb[i]!);
    const mean = sum / cubic.length;
    assert.ok(mean > 0.2 && mean < 12, `mean difference from bicubic ${mean.toFixed(2)}`);
  });

  test('×4 gives 4 × the size; a grey photo comes out grey', async () => {
    const [w, h] = [24, 20];
    const small = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) small.fill(rgb[(y * W + x) * 3 + 1]!, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const out = await upscaleRgb(await loadUpscaler(4), small, w, h, { tile: 16, grey: true });
    assert.equal(out.width, 4 * w);
    assert.equal(out.height, 4 * h);
    for (let i = 0; i < out.width * out.height; i++) {
      assert.ok(out.rgb[i * 3] === out.rgb[i * 3 + 1] && out.rgb[i * 3] === out.rgb[i * 3 + 2], `pixel ${i} is not grey`);
    }
  });

  test('×4 made by running the ×2 network twice equals ×2 of ×2, with progress over both passes', async () => {
    const x4 = await loadUpscaler(4);
    assert.equal(x4.passes, 2, 'the shipped ×4 is the scan-tuned ×2 twice (models/upscaler/upscaler.json)');
    const [w, h] = [30, 22];
    const small = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
      .resize(w, h)
      .raw()
      .toBuffer();
    const steps: Array<[number, number]> = [];
    const out = await upscaleRgb(x4, small, w, h, { tile: 16, onProgress: (d, t) => steps.push([d, t]) });
    const once = await upscaleRgb(x2, small, w, h, { tile: 16 });
    const twice = await upscaleRgb(x2, once.rgb, once.width, once.height, { tile: 16 });
    assert.deepEqual([out.width, out.height], [4 * w, 4 * h]);
    assert.ok(out.rgb.equals(twice.rgb), 'the same bytes as two ×2 runs');
    const total = Math.ceil(w / 16) * Math.ceil(h / 16) + Math.ceil((2 * w) / 16) * Math.ceil((2 * h) / 16);
    assert.deepEqual(
      steps,
      Array.from({ length: total }, (_, i) => [i + 1, total]),
    );
  });

  test('a cancel stops between tiles with an AbortError', async () => {
    const ctrl = new AbortController();
    let seen = 0;
    await assert.rejects(
      upscaleRgb(x2, rgb, W, H, {
        tile: 20,
        signal: ctrl.signal,
        onProgress: (d) => {
          seen = d;
          if (d === 2) ctrl.abort();
        },
      }),
      (e: Error) => e.name === 'AbortError',
    );
    assert.equal(seen, 2, 'no tile after the cancel');
  });

  test("only ×2 and ×4 are offered, in the core, the window API and a job's saved steps", () => {
    assert.throws(() => loadUpscaler(3 as 2), /×2 or ×4/);
    const steps = { repair: true, tone: true, recolorFaded: false, colorize: true };
    assert.doesNotThrow(() => parseCall('restorePhotos', { photoIds: [1], steps: { ...steps, upscale: 4 } }));
    assert.throws(
      () => parseCall('restorePhotos', { photoIds: [1], steps: { ...steps, upscale: 3 } }),
      (e: Error) => e instanceof ApiArgumentError && /upscale/.test(e.message),
    );
    assert.equal(makeJobParams('restore', { steps: { upscale: 2 } }).steps.upscale, 2);
    assert.equal(makeJobParams('restore', { steps: {} }).steps.upscale, undefined);
    assert.throws(() => makeJobParams('restore', { steps: { upscale: 8 as 2 } }));
  });
});
