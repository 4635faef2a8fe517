// v3's pretrained encoder needs inputs in multiples of 16; working sizes are multiples of 8. The
// network runs on an edge-extended input and its output is cropped back.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildHeirloomNet3, inputGrid } from '../../src-main/core/engine/architectures';
import { initBackend, tf } from '../../src-main/core/engine/backend';
import type { ModelManifest } from '../../src-main/core/engine/manifest';
import type { LoadedModel } from '../../src-main/core/engine/model-store';
import { runNetwork } from '../../src-main/core/engine/predict';

before(async () => {
  await initBackend('wasm');
});

function v3(): LoadedModel {
  const net = buildHeirloomNet3(6);
  const manifest = { architecture: 'heirloom3', input: { channels: 4 }, output: { type: 'ab-bins', stride: 4 } } as unknown as ModelManifest;
  return { dir: '', manifest, net };
}

test('v3 takes multiples of 16, at least 32; the others multiples of 8', () => {
  assert.deepEqual(inputGrid('heirloom3'), { multiple: 16, least: 32 });
  assert.deepEqual(inputGrid('heirloom'), { multiple: 8, least: 8 });
});

test('a 72×40 working size (not multiples of 16) gives an 18×10 output, the crop of a run on the edge-extended input', () => {
  const model = v3();
  const w = 72;
  const h = 40;
  const L = new Float32Array(w * h).map((_, i) => 50 + 40 * Math.sin(i / 7));
  const out = runNetwork(model, L, w, h);
  assert.equal(out.width, 18);
  assert.equal(out.height, 10);
  assert.equal(out.data.length, 18 * 10 * 6);
  assert.ok(out.data.every(Number.isFinite));
  // The same as running the network by hand on the edge-extended 80×48 input and cropping.
  const pw = 80;
  const ph = 48;
  const x = new Float32Array(pw * ph * 4);
  for (let y = 0; y < ph; y++) for (let xx = 0; xx < pw; xx++) x[(y * pw + xx) * 4] = (L[Math.min(y, h - 1) * w + Math.min(xx, w - 1)] - 50) / 50;
  const full = tf.tidy(() => (model.net.predict(tf.tensor4d(x, [1, ph, pw, 4])) as tf.Tensor4D).slice([0, 0, 0, 0], [1, 10, 18, 6]).dataSync());
  let max = 0;
  for (let i = 0; i < full.length; i++) max = Math.max(max, Math.abs(full[i] - out.data[i]));
  assert.ok(max < 1e-5, `max |Δ| ${max}`);
  model.net.dispose();
});
