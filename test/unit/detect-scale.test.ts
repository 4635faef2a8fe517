// Detection at a scale tied to the print: the same synthetic print at 600 px and at 2,400 px gives
// masks that agree once brought to one size, and each finds the damage that was put there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { synthesizeAgedDamage } from '../../src-main/core/restore/damage-aged';
import { loadDamageNet } from '../../src-main/core/restore/damage-net';
import { detectDamageAtPrintScale } from '../../src-main/core/restore/detect-scale';
import { toleranceScores } from '../../src-main/core/restore/mask-scores';
import { resizePlane } from '../../src-main/core/restore/resample';

/** A print with some structure (soft shapes and a few edges), 600 × 450 px. */
function print(w: number, h: number): Float32Array {
  const L = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const u = x / w,
        v = y / h;
      L[y * w + x] = 40 + 20 * Math.sin(u * 7) * Math.cos(v * 5) + (Math.hypot(u - 0.5, v - 0.45) < 0.2 ? 18 : 0) + (u > 0.8 ? -15 : 0);
    }
  return L;
}

const toMask = (p: Float32Array): Uint8Array => Uint8Array.from(p, (v) => (v >= 0.5 ? 1 : 0));

test('the same print scanned at two sizes gives masks that agree', () => {
  const net = loadDamageNet();
  assert.ok(net.manifest.workingSide, 'the shipped detector looks at prints on a working scale');
  const w = 600,
    h = 450;
  const dmg = synthesizeAgedDamage(print(w, h), w, h, 9, {
    presence: 0,
    counts: { craquelure: 1, wideCrack: 1, fold: 1, tear: 1, flake: 1 },
    classic: { scratches: 3, dust: 20, creases: 0, grain: 0.5, fade: false },
  });
  const small = detectDamageAtPrintScale(net, dmg.L, w, h);
  // The "6,000 px scan" of the same print: four times the pixels each way, as a scanner would give.
  const W = w * 4,
    H = h * 4;
  const big = detectDamageAtPrintScale(net, resizePlane(dmg.L, w, h, W, H), W, H);
  const bigSmall = toMask(resizePlane(Float32Array.from(big), W, H, w, h));
  const agree = toleranceScores(bigSmall, small, w, h, 1);
  assert.ok(agree.f1 >= 0.85, `masks at 600 and 2,400 px agree: F1 ${agree.f1.toFixed(3)}`);
  for (const [name, m] of [
    ['600 px', small],
    ['2,400 px', bigSmall],
  ] as const) {
    const s = toleranceScores(m, dmg.mask, w, h, 2);
    assert.ok(s.f1 >= 0.6, `${name}: F1 against the truth ${s.f1.toFixed(3)} (p ${s.precision.toFixed(2)}, r ${s.recall.toFixed(2)})`);
  }
});
