import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { rgb8ToL, rgb8ToLab } from '../../src-main/core/color/lab';
import { meanDeltaE00 } from '../../src-main/core/metrics';
import { detectDamage, maskScores, synthesizeDamage, restorePhoto, recolorFaded, fadeColour } from '../../src-main/core/restore';
import { makeTempDir, photoPixels, removeDir, writePhoto } from '../helpers/fixtures';

function smoothPhoto(w: number, h: number): Float32Array {
  const L = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) L[y * w + x] = 35 + 25 * Math.sin(x / 40) + 10 * (y / h);
  return L;
}

test('detector finds synthetic scratches on a smooth photo', () => {
  const w = 256,
    h = 192,
    L = smoothPhoto(w, h);
  const d = synthesizeDamage(L, w, h, 5, { scratches: 5, dust: 0, creases: 1, grain: 1, fade: false });
  const s = maskScores(detectDamage(d.L, w, h), d.mask);
  assert.ok(s.f1 >= 0.5, `F1 ${s.f1.toFixed(3)} (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)})`);
});

test('detector finds ~nothing on a clean photo', () => {
  const w = 256,
    h = 192,
    L = smoothPhoto(w, h);
  const m = detectDamage(L, w, h);
  let c = 0;
  for (const v of m) c += v;
  assert.ok(c <= 0.001 * m.length, `${c} pixels flagged`);
});

test('recolorFaded reduces ΔE00 of a faded colour picture', () => {
  const rgb = new Uint8Array(photoPixels(96, 64, { seed: 1 }));
  const faded = fadeColour(rgb, 2),
    rec = recolorFaded(faded);
  const truth = rgb8ToLab(rgb, 3);
  const before = meanDeltaE00(rgb8ToLab(faded, 3), truth),
    after = meanDeltaE00(rgb8ToLab(rec, 3), truth);
  // A sanity bar on a synthetic picture; the ≤ 0.6 target is measured on real photos by scripts/restore-eval.ts.
  assert.ok(after < 0.8 * before, `ΔE00 ${after.toFixed(2)} vs faded ${before.toFixed(2)}`);
});

test('restore of a real JPEG works at full resolution and keeps its size', async () => {
  const dir = makeTempDir();
  try {
    const file = await writePhoto(path.join(dir, 'old.jpg'), 1500, 1000, { colour: false });
    const r = await restorePhoto(file);
    assert.equal(r.width, 1500);
    assert.equal(r.height, 1000);
    assert.equal(r.rgb.length, 1500 * 1000 * 3);
    assert.ok(r.grey);
    for (let i = 0; i < r.rgb.length; i += 3 * 997) assert.ok(r.rgb[i] === r.rgb[i + 1] && r.rgb[i] === r.rgb[i + 2]);
    const out = await sharp(r.rgb, { raw: { width: r.width, height: r.height, channels: 3 } })
      .jpeg()
      .toBuffer();
    assert.ok(out.length > 0 && fs.existsSync(file));
    const L = rgb8ToL(r.rgb, 3);
    assert.equal(L.length, 1500 * 1000);
  } finally {
    removeDir(dir);
  }
});
