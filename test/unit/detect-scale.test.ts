// Detection tied to the print, not to the scan: the same damaged print at two scan sizes gives masks
// that agree, and the mask thresholded row by row (no full-size probability map held) is exactly the
// full-size probabilities thresholded.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import sharp = require('sharp');
import { rgb8ToL } from '../../src-main/core/color/lab';
import { initBackend } from '../../src-main/core/engine/backend';
import { synthesizeAgedDamage } from '../../src-main/core/restore/damage-aged';
import { loadDamageNet, type DamageNet } from '../../src-main/core/restore/damage-net';
import { damageProbabilitiesAtPrintScale, detectDamageAtPrintScale } from '../../src-main/core/restore/detect-scale';
import { toleranceScores } from '../../src-main/core/restore/mask-scores';
import { resizePlane, resizeRows } from '../../src-main/core/restore/resample';
import { REPO_ROOT } from '../helpers/fixtures';

let net: DamageNet;
before(async () => {
  await initBackend();
  net = loadDamageNet();
});

/** A public-domain sample print's L at `width` px wide, with cracks, a fold and flakes at that print's scale. */
async function damagedPrint(width: number): Promise<{ L: Float32Array; width: number; height: number; mask: Uint8Array }> {
  const { data, info } = await sharp(path.join(REPO_ROOT, 'samples', '1870Girl.jpg'))
    .resize({ width })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const L = rgb8ToL(data, 3);
  const dmg = synthesizeAgedDamage(L, info.width, info.height, 7, {
    presence: 0,
    counts: { craquelure: 1, wideCrack: 2, fold: 1, flake: 2 },
    scale: Math.max(info.width, info.height) / (net.manifest.workingSide ?? 768),
  });
  return { L: dmg.L, width: info.width, height: info.height, mask: dmg.mask };
}

test('the same damaged print scanned at two sizes (×3 apart) gives masks that agree', async () => {
  const big = await damagedPrint(1500);
  const mBig = detectDamageAtPrintScale(net, big.L, big.width, big.height);
  // The small scan is the big one shrunk (area-averaged, as a scanner at a third of the resolution sees it).
  const w = 500,
    h = Math.round((big.height * w) / big.width);
  const Ls = resizePlane(big.L, big.width, big.height, w, h);
  const mSmall = detectDamageAtPrintScale(net, Ls, w, h);
  const bigAtSmall = Uint8Array.from(resizePlane(mBig, big.width, big.height, w, h), (v) => (v >= 0.5 ? 1 : 0));
  const agree = toleranceScores(mSmall, bigAtSmall, w, h, 1);
  assert.ok(agree.truth > 0.005 * w * h, 'the big scan has damage found on it');
  assert.ok(
    agree.f1 >= 0.7,
    `masks at 500 and 1500 px agree: F1 ${agree.f1.toFixed(3)} (p ${agree.precision.toFixed(3)}, r ${agree.recall.toFixed(3)})`,
  );
  // Both are the damage: each finds what was painted (at 500 px a 1 px crack of the big print covers a
  // third of a pixel, so the small truth counts pixels a fifth covered).
  const truthSmall = Uint8Array.from(resizePlane(big.mask, big.width, big.height, w, h), (v) => (v >= 0.2 ? 1 : 0));
  const fSmall = toleranceScores(mSmall, truthSmall, w, h, 1).f1,
    fBig = toleranceScores(mBig, big.mask, big.width, big.height, 3).f1;
  assert.ok(fSmall >= 0.55 && fBig >= 0.55, `F1 against the painted damage: ${fSmall.toFixed(3)} at 500 px, ${fBig.toFixed(3)} at 1500 px`);
});

test('the mask thresholded row by row is the full-size probabilities thresholded, pixel for pixel', async () => {
  const p = await damagedPrint(1100);
  const mask = detectDamageAtPrintScale(net, p.L, p.width, p.height);
  const prob = damageProbabilitiesAtPrintScale(net, p.L, p.width, p.height);
  const t = net.manifest.threshold;
  let differ = 0;
  for (let i = 0; i < prob.length; i++) if (mask[i] !== (prob[i]! >= t ? 1 : 0)) differ++;
  assert.equal(differ, 0);
  assert.ok(mask.some((v) => v === 1));
});

test('resizeRows hands out exactly the rows of resizePlane, shrinking and enlarging, floats and masks', () => {
  const w = 37,
    h = 23;
  const f = Float32Array.from({ length: w * h }, (_, i) => Math.sin(i * 0.37) * 40 + 50);
  const m = Uint8Array.from({ length: w * h }, (_, i) => (i % 7 < 2 ? 1 : 0));
  for (const src of [f, m])
    for (const [nw, nh] of [
      [11, 9],
      [80, 51],
      [37, 23],
    ] as const) {
      const whole = resizePlane(src, w, h, nw, nh);
      const rows = new Float32Array(nw * nh);
      let seen = 0;
      resizeRows(src, w, h, nw, nh, (y, row) => {
        rows.set(row, y * nw);
        seen++;
      });
      assert.equal(seen, nh);
      assert.deepEqual(rows, whole, `${src.constructor.name} ${w}×${h} → ${nw}×${nh}`);
    }
});
