// The learned fill: TypeScript computes what PyTorch computed (the harmonic pyramid and the net, on
// the exported fixture); the guarantee that nothing outside the mask changes, on a real photo at its
// own size, through the large-photo path and for colour planes; and that on a wide hole shaped like
// real damage (a committed hand mask, cut into a shipped public-domain sample) it is closer to the
// photo than the harmonic fill it starts from.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import sharp = require('sharp');
import { rgb8ToL, rgb8ToLab } from '../../src-main/core/color/lab';
import { initBackend } from '../../src-main/core/engine/backend';
import { repairPlanes } from '../../src-main/core/restore';
import { FILL_MODEL_DIR, fillLearned, learnedFillPlane, loadFillNet, type FillNet } from '../../src-main/core/restore/fill-net';
import { harmonicPyramid } from '../../src-main/core/restore/harmonic-pyramid';
import { resizePlane } from '../../src-main/core/restore/resample';
import { REPO_ROOT } from '../helpers/fixtures';

before(async () => {
  await initBackend();
});

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

async function sample(name: string, side: number): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path.join(REPO_ROOT, 'samples', name))
    .resize(side, side, { fit: 'inside' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

/** A committed hand mask (our drawing of real damage), resized to w × h. */
async function handMask(stem: string, w: number, h: number): Promise<Uint8Array> {
  const { data } = await sharp(path.join(REPO_ROOT, 'training', 'real-masks', `${stem}.png`))
    .greyscale()
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Uint8Array.from(data, (v) => (v >= 128 ? 1 : 0));
}

test('learned fill: TypeScript reproduces the PyTorch harmonic pyramid and fill on the fixture', () => {
  const net = loadFillNet();
  const fx = JSON.parse(fs.readFileSync(path.join(FILL_MODEL_DIR(), 'parity-fill.json'), 'utf8')) as {
    width: number;
    height: number;
    L: number[];
    mask: number[];
    harmonic: number[];
    fill: number[];
  };
  const L = Float32Array.from(fx.L),
    mask = Uint8Array.from(fx.mask);
  assert.ok(maxAbs(harmonicPyramid(L, fx.width, fx.height, mask), fx.harmonic) <= 1e-3, 'harmonic pyramid');
  const got = learnedFillPlane(net, L, fx.width, fx.height, mask);
  const diff = maxAbs(got, fx.fill);
  assert.ok(diff <= 1e-2, `fill max |Δ| ${diff} L`);
});

test('learned fill: pixels outside the mask are bit-identical, at any size and in every plane', async () => {
  const net = loadFillNet();
  const { rgb, width, height } = await sample('1890CliffHouseSF.jpg', 200);
  const mask = await handMask('auroraka-scratchdet_3', width, height);
  const lab = rgb8ToLab(rgb, 3);
  const before = [lab.L, lab.a, lab.b].map((p) => Float32Array.from(p));
  // Its own size, and the large-photo path (filled at a smaller working side, the correction enlarged).
  const small: FillNet = { ...net, manifest: { ...net.manifest, maxSide: 96 } };
  for (const n of [net, small]) {
    const planes = before.map((p) => Float32Array.from(p));
    fillLearned(n, planes, width, height, mask);
    let changed = 0;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < mask.length; i++) {
        if (mask[i]) changed += planes[c]![i] !== before[c]![i] ? 1 : 0;
        else assert.equal(planes[c]![i], before[c]![i], `plane ${c} pixel ${i} outside the mask`);
      }
    assert.ok(changed > 0, 'the hole was filled');
  }
  // Through the repair, with the mask as the detector's.
  const planes = before.map((p) => Float32Array.from(p));
  const filled = repairPlanes(planes, width, height, { detector: () => mask, fill: 'learned', fillNet: net });
  assert.equal(
    filled,
    mask.reduce((s, v) => s + v, 0),
  );
  for (let c = 0; c < 3; c++) for (let i = 0; i < mask.length; i++) if (!mask[i]) assert.equal(planes[c]![i], before[c]![i]);
});

test('learned fill: on a wide hole shaped like real damage it is closer to the photo than the harmonic fill', async () => {
  const net = loadFillNet();
  const { rgb, width, height } = await sample('1880Paris.jpg', 192);
  const L = rgb8ToL(rgb, 3);
  // Enlarged 3× so the cracks and flakes are several pixels wide, then cut back to the photo.
  const big = await handMask('sushmapyakurel-irdls_e', width * 3, height * 3);
  const hole = Uint8Array.from(resizePlane(Float32Array.from(big), width * 3, height * 3, width, height), (v) => (v >= 0.5 ? 1 : 0));
  const n = hole.reduce((s, v) => s + v, 0);
  assert.ok(n > 0.01 * width * height, `hole share ${n / (width * height)}`);
  const err = (f: Float32Array): number => {
    let se = 0;
    for (let i = 0; i < hole.length; i++) if (hole[i]) se += (f[i]! - L[i]!) ** 2;
    return Math.sqrt(se / n);
  };
  const harmonic = err(harmonicPyramid(L, width, height, hole));
  const learned = err(learnedFillPlane(net, L, width, height, hole));
  assert.ok(learned < harmonic, `RMS error in the hole: learned ${learned.toFixed(2)} L, harmonic ${harmonic.toFixed(2)} L`);
});
