// A checkpoint goes only part of the way from the run's start towards the trained weights, and keeps
// the difference so a resumed run recovers both exactly. Real model (v2), real tfjs weights.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { appRoot } from '../../src-main/core/app-paths';
import { initBackend, tf } from '../../src-main/core/engine/backend';
import { loadModel, LoadedModel } from '../../src-main/core/engine/model-store';
import { blendWeights, unblend, weightDelta } from '../../src-main/core/finetune/blend';
import { trainableCopy } from '../../src-main/core/finetune/trainer';
import { Rng } from '../../src-main/core/rng';

/** Every weight of the network, flattened, in layer order (copies). */
function weightsOf(net: tf.LayersModel): Float32Array[] {
  return net.layers.flatMap((l) => l.getWeights().map((w) => new Float32Array(w.dataSync())));
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => x.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

describe('blending a fine-tune with its start', () => {
  let model: LoadedModel;
  let start: tf.LayersModel;
  let trained: tf.LayersModel;

  before(async () => {
    await initBackend();
    model = await loadModel(path.join(appRoot(), 'models', 'heirloom-base-v2'));
    start = trainableCopy(model);
    trained = trainableCopy(model);
    // "Training": move every weight of the layers fine-tuning changes by a seeded amount.
    const rng = new Rng(3);
    for (const layer of trained.layers.filter((l) => l.trainable && l.weights.length)) {
      const moved = layer.getWeights().map((w) => {
        const noise = Float32Array.from({ length: w.size }, () => (rng.next() - 0.5) * 0.02);
        return w.add(tf.tensor(noise, w.shape));
      });
      layer.setWeights(moved);
      tf.dispose(moved);
    }
  });

  test('a share of 0.3 lands 30 % of the way, layer by layer; frozen layers stay as they were', () => {
    const shown = trainableCopy(model);
    blendWeights(shown, start, trained, 0.3);
    const [s, t, b] = [weightsOf(start), weightsOf(trained), weightsOf(shown)];
    let moved = 0;
    s.forEach((x, i) =>
      x.forEach((v, j) => {
        const want = v + 0.3 * (t[i]![j]! - v);
        assert.ok(Math.abs(b[i]![j]! - want) < 1e-6, `weight ${i}/${j}: ${b[i]![j]} != ${want}`);
        if (t[i]![j] !== v) moved++;
      }),
    );
    assert.ok(moved > 1000, 'the trained layers did move');
    const frozen = shown.layers.find((l) => !l.trainable && l.weights.length)!;
    assert.ok(frozen, 'the model has frozen layers');
    const fz = frozen.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(
      fz,
      start
        .getLayer(frozen.name)
        .getWeights()
        .map((w) => Array.from(w.dataSync())),
    );
    shown.dispose();
    assert.throws(() => blendWeights(start, start, trained, 1.5), /within 0..1/);
  });

  test('the saved difference recovers the start and the trained weights from the blend', () => {
    const share = 0.3;
    const shown = trainableCopy(model);
    blendWeights(shown, start, trained, share);
    const delta = weightDelta(trained, start);
    // A resumed run loads the checkpoint (the blend) twice, then undoes the blend.
    const s2 = trainableCopy(model);
    const t2 = trainableCopy(model);
    for (const net of [s2, t2]) for (const l of net.layers) if (l.weights.length) l.setWeights(shown.getLayer(l.name).getWeights());
    unblend(s2, t2, delta, share);
    assert.ok(maxDiff(weightsOf(s2), weightsOf(start)) < 1e-6, 'start recovered');
    assert.ok(maxDiff(weightsOf(t2), weightsOf(trained)) < 1e-6, 'trained weights recovered');
    assert.throws(() => unblend(s2, t2, delta.subarray(0, delta.length - 4), share), /does not match/);
    for (const n of [shown, s2, t2]) n.dispose();
  });
});
