// The colour pipeline's pieces: working size, edge-aware upsampling, and full-resolution recombination.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rgb8ToL } from '../../src-main/core/color/lab';
import { guidedUpsample } from '../../src-main/core/imaging/guided-upsample';
import { resolveModel } from '../../src-main/core/engine/model-registry';
import { boxDownsample, colorizePixels } from '../../src-main/core/pipeline/colorize';
import { workingDims } from '../../src-main/core/pipeline/working-size';

test('working size: short side as asked, long side at most twice, multiples of 8', () => {
  assert.deepEqual(workingDims(4000, 3000, 256), { width: 344, height: 256 });
  assert.deepEqual(workingDims(3000, 4000, 256), { width: 256, height: 344 });
  assert.deepEqual(workingDims(1, 1, 256), { width: 256, height: 256 });
  const thin = workingDims(10000, 50, 256);
  assert.equal(thin.width, 512);
  assert.equal(thin.height, 8);
});

test('the network-resolution guide is the mean of each footprint of the working L', () => {
  // 8 × 4 → 2 × 1: exact 4 × 4 block means.
  const src = Float32Array.from({ length: 32 }, (_, i) => (i % 8 < 4 ? 10 : 30) + Math.floor(i / 8));
  assert.deepEqual(Array.from(boxDownsample(src, 8, 4, 2, 1)), [11.5, 31.5]);
  // A ratio that does not divide (5 → 2): footprints [0, 2) and [2, 5).
  assert.deepEqual(Array.from(boxDownsample(Float32Array.from([1, 3, 5, 7, 9]), 5, 1, 2, 1)), [2, 7]);
});

test('guided upsampling puts a colour edge on the lightness edge, not halfway between samples', () => {
  // Low res: 8 samples, colour changes between samples 3 and 4; high res: 64 px, L edge at x = 29.
  const lowW = 8,
    highW = 64,
    h = 4;
  const lowL = new Float32Array(lowW * h);
  const a = new Float32Array(lowW * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < lowW; x++) {
      lowL[y * lowW + x] = x < 4 ? 30 : 70;
      a[y * lowW + x] = x < 4 ? -40 : 40;
    }
  const highL = new Float32Array(highW * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < highW; x++) highL[y * highW + x] = x < 29 ? 30 : 70;
  const up = guidedUpsample(lowL, { width: lowW, height: h, a, b: new Float32Array(lowW * h) }, highL, highW, h, 2, 1);
  // Plain bilinear gives about -15 at x = 30; guided follows L exactly.
  assert.ok(up.a[27] < -20, `left of the edge ${up.a[27]}`);
  assert.ok(up.a[30] > 20, `right of the edge ${up.a[30]}`);
});

test('colorizing keeps size and lightness (mean |ΔL| < 1) on a real model, inline and threaded', async () => {
  const { model } = await resolveModel(undefined);
  for (const [width, height] of [
    [120, 90],
    [1600, 1200],
  ]) {
    const rgb = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const v = Math.round(128 + 100 * Math.sin(x / 17) * Math.cos(y / 23));
        rgb.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    const photo = { file: 'synthetic', width, height, rgb, meta: { format: 'raw', width, height, hasAlpha: false } };
    const out = await colorizePixels(photo, model);
    assert.equal(out.rgb.length, rgb.length);
    const Lin = rgb8ToL(rgb, 3);
    const Lout = rgb8ToL(out.rgb, 3);
    let d = 0;
    for (let i = 0; i < Lin.length; i++) d += Math.abs(Lin[i] - Lout[i]);
    assert.ok(d / Lin.length < 1, `mean |ΔL| ${d / Lin.length} at ${width}×${height}`);
    let chroma = 0;
    for (let i = 0; i < out.rgb.length; i += 3) chroma += Math.abs(out.rgb[i] - out.rgb[i + 2]);
    assert.ok(chroma > 0, 'the model added some colour');
  }
});
