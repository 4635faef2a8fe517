// The shipped damage detector loads in tfjs and reproduces what PyTorch computed on a fixed input;
// on a real synthetic scratch it marks the scratch and little else.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tf } from '../../src-main/core/engine/backend';
import { damageLogits, damageProbabilities, DAMAGE_MODEL_DIR, detectDamageLearned, loadDamageNet } from '../../src-main/core/restore/damage-net';
import { maskScores, synthesizeDamage } from '../../src-main/core/restore';

test('damage detector: tfjs reproduces the PyTorch logits within 1e-3', () => {
  const net = loadDamageNet();
  const fx = JSON.parse(fs.readFileSync(path.join(DAMAGE_MODEL_DIR(), 'parity.json'), 'utf8')) as {
    input: number[];
    height: number;
    width: number;
    logits: number[];
  };
  const got = tf.tidy(() => damageLogits(net, tf.tensor4d(fx.input, [1, fx.height, fx.width, 1])).dataSync());
  assert.equal(got.length, fx.logits.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - fx.logits[i]!));
  assert.ok(worst <= 1e-3, `max |Δ| ${worst}`);
});

test('damage detector: finds synthetic scratches on a smooth picture (F1 ≥ 0.6), any size', () => {
  const net = loadDamageNet();
  for (const [w, h] of [
    [203, 157],
    [256, 192],
  ] as const) {
    const L = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) L[y * w + x] = 50 + 25 * Math.sin(x / 31) * Math.cos(y / 27);
    const dmg = synthesizeDamage(L, w, h, 11, { fade: false, grain: 0.5 });
    const mask = detectDamageLearned(net, dmg.L, w, h);
    assert.equal(mask.length, w * h);
    const s = maskScores(mask, dmg.mask);
    assert.ok(s.f1 >= 0.6, `F1 ${s.f1.toFixed(3)} (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}) at ${w}×${h}`);
  }
});

test('damage detector: a U-Net one level deeper, grown from the shipped one, computes exactly what it did', () => {
  // The way training/damage_train.py grows a detector (DamageNet.grow_from): same layers, a new bottom
  // level starting at zero, and a new decoder conv that passes its skip straight through.
  const small = loadDamageNet();
  const widths = small.manifest.widths ?? [16, 32, 64];
  const n = small.levels;
  const cUp = 2 * widths[n - 1]!;
  const cSkip = widths[n - 1]!;
  const kernels = new Map(small.kernels);
  const zeros = (shape: [number, number, number, number]) => ({ w: tf.zeros(shape) as tf.Tensor4D, b: tf.zeros([shape[3]]) as tf.Tensor1D });
  kernels.set(`e${n + 1}a`, zeros([3, 3, cSkip, cUp]));
  kernels.set(`e${n + 1}b`, zeros([3, 3, cUp, cUp]));
  const pass = new Float32Array(3 * 3 * (cUp + cSkip) * cSkip);
  for (let c = 0; c < cSkip; c++) pass[(1 * 3 + 1) * (cUp + cSkip) * cSkip + (cUp + c) * cSkip + c] = 1; // centre tap, skip channel c → c
  kernels.set(`d${n}`, { w: tf.tensor4d(pass, [3, 3, cUp + cSkip, cSkip]), b: tf.zeros([cSkip]) as tf.Tensor1D });
  const deeper = { manifest: { ...small.manifest, widths: [...widths, cUp] }, levels: n + 1, kernels };
  const unit = 2 ** n; // the deeper net's sides must be multiples of 2^(levels − 1)
  const input = tf.randomUniform([1, 3 * unit, 5 * unit, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
  const a = tf.tidy(() => damageLogits(small, input).dataSync());
  const b = tf.tidy(() => damageLogits(deeper, input).dataSync());
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= 1e-4, `max |Δ| ${worst}`);
});

test('damage detector: mirror views are the plain view of the mirrored photo, flipped back and averaged', () => {
  const net = loadDamageNet();
  const w = 96,
    h = 64; // multiples of 8: no padding, so each view is exactly the plain detector on a flipped photo
  const dmg = synthesizeDamage(
    Float32Array.from({ length: w * h }, (_, i) => 45 + 20 * Math.sin((i % w) / 9) + 10 * Math.cos(i / w / 7)),
    w,
    h,
    4,
    { fade: false },
  );
  const flip = (a: Float32Array, lr: boolean, tb: boolean): Float32Array =>
    Float32Array.from({ length: w * h }, (_, i) => {
      const x = i % w,
        y = (i - x) / w;
      return a[(tb ? h - 1 - y : y) * w + (lr ? w - 1 - x : x)]!;
    });
  const viewOf = (lr: boolean, tb: boolean): Float32Array => flip(damageProbabilities(net, flip(dmg.L, lr, tb), w, h), lr, tb);
  const plain = viewOf(false, false),
    lr = viewOf(true, false),
    tb = viewOf(false, true),
    both = viewOf(true, true);
  const two = damageProbabilities(net, dmg.L, w, h, 2),
    four = damageProbabilities(net, dmg.L, w, h, 4);
  let worst = 0,
    differ = 0;
  for (let i = 0; i < w * h; i++) {
    worst = Math.max(worst, Math.abs(two[i]! - (plain[i]! + lr[i]!) / 2), Math.abs(four[i]! - (plain[i]! + lr[i]! + tb[i]! + both[i]!) / 4));
    if (Math.abs(plain[i]! - lr[i]!) > 0.05) differ++;
  }
  assert.ok(worst <= 1e-5, `max |Δ| ${worst}`);
  assert.ok(differ > 0, 'the views see the photo differently, so the test can tell a missing flip-back');
});
