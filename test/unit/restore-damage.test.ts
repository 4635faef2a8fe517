import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inpaint, relaxHarmonic, synthesizeDamage, restoreTone, fadeGrey, tonePoints } from '../../src-main/core/restore';
import { Rng } from '../../src-main/core/rng';

function smooth(w: number, h: number): Float32Array {
  const L = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) L[y * w + x] = 30 + 30 * (x / w) + 15 * (y / h);
  return L;
}

test('damage generator is deterministic for a seed and differs between seeds', () => {
  const L = smooth(128, 96);
  const a = synthesizeDamage(L, 128, 96, 7),
    b = synthesizeDamage(L, 128, 96, 7),
    c = synthesizeDamage(L, 128, 96, 8);
  assert.deepEqual(a.L, b.L);
  assert.deepEqual(a.mask, b.mask);
  assert.notDeepEqual(a.L, c.L);
  assert.equal(L[0], 30, 'input untouched');
});

test('damage mask covers the scratches (and grain-free, fade-free pixels off the mask are unchanged)', () => {
  const w = 160,
    h = 120,
    L = smooth(w, h);
  const d = synthesizeDamage(L, w, h, 3, { scratches: 4, dust: 0, creases: 0, grain: 0, fade: false });
  let marked = 0,
    unmarkedBig = 0;
  for (let i = 0; i < L.length; i++) {
    const delta = Math.abs(d.L[i]! - L[i]!);
    if (d.mask[i]) {
      marked++;
      assert.ok(delta >= 3);
    } else if (delta >= 3) unmarkedBig++;
  }
  assert.ok(marked > 50, `scratches marked: ${marked}`);
  assert.equal(unmarkedBig, 0, 'every visible change is in the mask');
});

test('inpainting leaves unmasked pixels bit-identical and fills a line in a gradient closely', () => {
  const w = 64,
    h = 48,
    L = smooth(w, h);
  const damaged = Float32Array.from(L),
    mask = new Uint8Array(w * h);
  for (let x = 5; x < 60; x++)
    for (let y = 20; y < 23; y++) {
      const i = y * w + x;
      mask[i] = 1;
      damaged[i] = 95;
    }
  const out = inpaint(damaged, w, h, mask);
  let maxErr = 0;
  for (let i = 0; i < L.length; i++) {
    if (!mask[i]) assert.ok(Object.is(out[i], damaged[i]), `pixel ${i} changed`);
    else maxErr = Math.max(maxErr, Math.abs(out[i]! - L[i]!));
  }
  assert.ok(maxErr < 1, `max error in the hole: ${maxErr}`);
});

test('harmonic relaxation: unmasked pixels bit-identical, a ramp filled exactly, grain averaged out better than Telea', () => {
  const w = 96,
    h = 64;
  // A plane ramp is harmonic, so the relaxed fill must reproduce it (to the stopping tolerance).
  const ramp = smooth(w, h);
  const mask = new Uint8Array(w * h);
  for (let x = 10; x < 86; x++) for (let y = 30; y < 33; y++) mask[y * w + x] = 1;
  const holed = Float32Array.from(ramp);
  for (let i = 0; i < mask.length; i++) if (mask[i]) holed[i] = 95;
  const relaxed = inpaint(holed, w, h, mask);
  relaxHarmonic([relaxed], w, h, mask);
  let maxErr = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) assert.ok(Object.is(relaxed[i], holed[i]), `pixel ${i} changed`);
    else maxErr = Math.max(maxErr, Math.abs(relaxed[i]! - ramp[i]!));
  }
  assert.ok(maxErr < 0.05, `max error on a ramp: ${maxErr}`);
  // The same hole in a grainy print (seeded noise of ±4 L on the ramp): Telea carries the grain's
  // gradients into the hole, the harmonic fill averages them out.
  const rng = new Rng(5);
  const grainy = Float32Array.from(ramp, (v) => v + (rng.next() - 0.5) * 8);
  for (let i = 0; i < mask.length; i++) if (mask[i]) grainy[i] = 95;
  const telea = inpaint(grainy, w, h, mask);
  const harmonic = Float32Array.from(telea);
  relaxHarmonic([harmonic], w, h, mask);
  const rms = (f: Float32Array): number => {
    const err: number[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i]) err.push((f[i]! - ramp[i]!) ** 2);
    return Math.sqrt(err.reduce((a, b) => a + b, 0) / err.length);
  };
  assert.ok(rms(harmonic) < 0.8 * rms(telea), `harmonic ${rms(harmonic).toFixed(2)} vs Telea ${rms(telea).toFixed(2)} L rms`);
});

test('tone stretches a faded ramp back without clipping', () => {
  const w = 200,
    h = 10,
    L = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) L[y * w + x] = 3 + 94 * (x / (w - 1));
  const faded = fadeGrey(L, 11);
  const restored = Float32Array.from(faded);
  restoreTone(restored, w, h, { localAmount: 0 });
  let before = 0,
    after = 0,
    clipped = 0;
  for (let i = 0; i < L.length; i++) {
    before += Math.abs(faded[i]! - L[i]!);
    after += Math.abs(restored[i]! - L[i]!);
    if (restored[i]! <= 0 || restored[i]! >= 100) clipped++;
  }
  assert.ok(after < 0.5 * before, `|ΔL| ${after / L.length} vs faded ${before / L.length}`);
  assert.ok(clipped <= 0.01 * L.length, `clipped ${clipped}`);
  const p = tonePoints(restored);
  assert.ok(p.hi - p.lo > 90, `range after: ${p.lo}..${p.hi}`);
  // With local contrast on, still no clipping beyond the percentile tails.
  const r2 = Float32Array.from(faded);
  restoreTone(r2, w, h);
  assert.ok(r2.every((v) => v >= 0 && v <= 100));
});
