// Heirloom's fine-tune of the ESRGAN-slim enlarger for scans (training/upscale_train.py, PyTorch): the
// exported folder loads in tfjs and computes what PyTorch computed on the exported fixture, it really
// differs from the package's weights it started from, and the restore step uses it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../src-main/core/engine/backend';
import {
  esrganPackageDir,
  loadUpscaler,
  loadUpscalerFrom,
  UPSCALER_DIR,
  UPSCALER_MANIFEST,
  type UpscaleFactor,
} from '../../src-main/core/restore/upscale';

interface Manifest {
  name: string;
  version: string;
  startedFrom: string;
  factors: Record<string, { parity?: { inputShape: number[]; outputShape: number[] }; passes?: number; network?: string }>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(UPSCALER_DIR(), UPSCALER_MANIFEST), 'utf8')) as Manifest;
/** Factors with a network of their own (×4 may be the ×2 network run twice). */
const factors = Object.keys(manifest.factors)
  .filter((k) => manifest.factors[k]!.parity)
  .map((k) => Number(k.slice(1)) as UpscaleFactor);

const floats = (file: string): Float32Array => {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** One run of a network on a fixture input (NHWC, 0..255), as raw floats. */
const predict = (net: tf.LayersModel, x: Float32Array, shape: number[]): Float32Array =>
  tf.tidy(() => (net.predict(tf.tensor4d(x, shape as [number, number, number, number])) as tf.Tensor4D).dataSync() as Float32Array);

before(async () => {
  await initBackend('wasm');
});

test('the shipped fine-tune makes ×2 with its own network and ×4 as that network run twice', async () => {
  assert.ok(factors.includes(2), `factors: ${factors.join(', ')}`);
  assert.deepEqual(manifest.factors.x4 && { passes: manifest.factors.x4.passes, network: manifest.factors.x4.network }, { passes: 2, network: 'x2' });
  const [x2, x4] = [await loadUpscaler(2), await loadUpscaler(4)];
  assert.equal(x4.passes, 2);
  assert.equal(x4.model, `${manifest.name}@${manifest.version}`);
  // Same weights as ×2: on the ×2 fixture the ×4 upscaler's network gives the ×2 network's answer.
  const { parity } = manifest.factors.x2!;
  const x = floats(path.join(UPSCALER_DIR(), 'x2', 'parity', 'input.bin'));
  assert.deepEqual(predict(x4.net, x, parity!.inputShape), predict(x2.net, x, parity!.inputShape));
});

for (const f of factors) {
  test(`×${f}: tfjs reproduces PyTorch on the exported fixture`, async () => {
    const parity = manifest.factors[`x${f}`]!.parity!;
    const dir = path.join(UPSCALER_DIR(), `x${f}`);
    const x = floats(path.join(dir, 'parity', 'input.bin'));
    const want = floats(path.join(dir, 'parity', 'output.bin'));
    const up = await loadUpscalerFrom(UPSCALER_DIR(), f);
    const got = predict(up.net, x, parity.inputShape);
    assert.equal(got.length, want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    assert.ok(worst < 0.05, `largest difference ${worst} levels (of 255)`);
  });

  test(`×${f}: the fine-tune is not the package's network, and the restore step uses it`, async () => {
    const parity = manifest.factors[`x${f}`]!.parity!;
    const x = floats(path.join(UPSCALER_DIR(), `x${f}`, 'parity', 'input.bin'));
    const shipped = await loadUpscaler(f);
    assert.equal(shipped.model, `${manifest.name}@${manifest.version}`);
    const original = await loadUpscalerFrom(esrganPackageDir(), f);
    assert.equal(original.model, 'esrgan-slim@1.0.0');
    const a = predict(shipped.net, x, parity.inputShape),
      b = predict(original.net, x, parity.inputShape);
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    assert.ok(sum / a.length > 0.5, `mean difference ${sum / a.length} levels`);
  });
}
