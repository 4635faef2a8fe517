// Torn and missing corners: the crop keeps the largest upright part of the print with none of the
// torn pixels; damage inside the print does not count as torn; the restore step crops when asked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodedPhoto } from '../../src-main/core/imaging/decode';
import { RestoreSteps } from '../../src-main/core/jobs/job-params';
import { restoreDecoded } from '../../src-main/core/restore/restore-step';
import { cropPixels, tornEdgeCrop, tornRegions } from '../../src-main/core/restore/torn-crop';

const W = 200,
  H = 150;

/** A mask with a missing top-left corner (a triangle 60 px along each side) and a scratch inside. */
function cornerAndScratch(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < 60; y++) for (let x = 0; x < 60 - y; x++) m[y * W + x] = 1;
  for (let x = 80; x < 160; x++) m[100 * W + x] = 1;
  return m;
}

test('torn regions are the damage that touches the border; a scratch inside is not torn', () => {
  const torn = tornRegions(cornerAndScratch(), W, H);
  assert.equal(torn[5 * W + 5], 1, 'the corner is torn');
  assert.equal(torn[100 * W + 120], 0, 'the scratch is not');
});

test('the crop leaves out every torn pixel and keeps most of the print', () => {
  const mask = cornerAndScratch();
  const r = tornEdgeCrop(mask, W, H);
  if (!r) throw new assert.AssertionError({ message: 'a crop is offered' });
  const torn = tornRegions(mask, W, H);
  let tornKept = 0;
  for (let y = r.top; y < r.top + r.height; y++) for (let x = r.left; x < r.left + r.width; x++) tornKept += torn[y * W + x]!;
  assert.equal(tornKept, 0, 'no torn pixel inside the crop');
  assert.ok(r.width * r.height >= 0.6 * W * H, `keeps ${((100 * r.width * r.height) / (W * H)).toFixed(0)} % of the print`);
  assert.ok(r.left + r.width <= W && r.top + r.height <= H);
});

test('no crop when nothing is torn, or when the crop would keep too little', () => {
  const inside = new Uint8Array(W * H);
  for (let x = 80; x < 160; x++) inside[100 * W + x] = 1;
  assert.equal(tornEdgeCrop(inside, W, H), null);
  const ragged = new Uint8Array(W * H);
  for (let x = 0; x < W; x++) for (let y = 0; y < 50; y++) ragged[y * W + x] = ragged[(H - 1 - y) * W + x] = 1; // top and bottom thirds gone
  for (let y = 0; y < H; y++) for (let x = 0; x < 70; x++) ragged[y * W + x] = 1;
  assert.equal(tornEdgeCrop(ragged, W, H), null);
});

test('cropPixels cuts the rectangle out of interleaved pixels', () => {
  const px = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i);
  const out = cropPixels(px, 4, 3, { left: 1, top: 1, width: 2, height: 2 });
  assert.deepEqual([...out], [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
});

test('restore with torn edges cropped: a brushed missing corner is left out, the rest repaired as before', () => {
  // A flat grey print with a white missing corner, marked by a brush stroke (so no detector is needed to know it).
  const rgb = Buffer.alloc(W * H * 3, 110);
  for (let y = 0; y < 18; y++) for (let x = 0; x < 18 - y; x++) rgb.fill(250, (y * W + x) * 3, (y * W + x) * 3 + 3);
  const photo: DecodedPhoto = { file: 'corner.png', width: W, height: H, rgb, meta: { width: W, height: H } as DecodedPhoto['meta'] };
  const maskEdit = [{ mode: 'add' as const, radius: 0.1, points: [[0, 0] as [number, number]] }];
  const base = { repair: true, tone: false, recolorFaded: false, colorize: false, maskEdit };
  const filled = restoreDecoded(photo, RestoreSteps.parse(base));
  assert.equal(filled.photo.width, W, 'by default the corner is filled, not cropped');
  assert.equal(filled.crop, undefined);
  const cropped = restoreDecoded(photo, RestoreSteps.parse({ ...base, tornEdges: 'crop' }));
  assert.ok(cropped.crop, 'cropped');
  assert.equal(cropped.photo.width, cropped.crop.width);
  assert.equal(cropped.photo.rgb.length, cropped.crop.width * cropped.crop.height * 3);
  assert.equal(cropped.photo.meta.width, cropped.crop.width);
  for (let i = 0; i < cropped.photo.rgb.length; i++) assert.equal(cropped.photo.rgb[i], 110, 'nothing of the white corner is left');
});
