// Fine-tuning on two threads must compute the same step as on one: the batch's shares, their
// gradients computed on separate replicas (worker threads with their own tfjs) and averaged by
// share size, equal the whole batch's gradient. Real model, real batch from a real photo.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import sharp = require('sharp');
import { appRoot } from '../../src-main/core/app-paths';
import { rgb8ToLab } from '../../src-main/core/color/lab';
import { initBackend, tf } from '../../src-main/core/engine/backend';
import { loadModel, LoadedModel } from '../../src-main/core/engine/model-store';
import { registerWasmConvGradients } from '../../src-main/core/engine/wasm-gradients';
import { Batch, makeBatch } from '../../src-main/core/finetune/batches';
import { finetuneThreads, StepRunner } from '../../src-main/core/finetune/parallel-step';
import { splitBatch, trainableVariables } from '../../src-main/core/finetune/replica';
import { binSpec, trainableCopy } from '../../src-main/core/finetune/trainer';
import { Rng } from '../../src-main/core/rng';

describe('fine-tuning on several threads', () => {
  let model: LoadedModel;
  let batch: Batch;
  let numBins: number;

  before(async () => {
    const backend = await initBackend();
    if (backend.name === 'wasm') registerWasmConvGradients();
    model = await loadModel(path.join(appRoot(), 'models', 'heirloom-base-v2'));
    const src = path.join(appRoot(), 'samples', '1899NycBlizzard.jpg');
    const { data, info } = await sharp(src).resize(160, 128, { fit: 'cover' }).tint('#a07050').raw().toBuffer({ resolveWithObject: true });
    const photos = [{ file: src, width: info.width, height: info.height, ...rgb8ToLab(data, info.channels) }];
    const bins = binSpec(model);
    numBins = bins.centres.length;
    batch = makeBatch(photos, 5, 64, bins, new Rng(7));
  });

  /** The change one plain gradient step (SGD, rate 1) makes to each trainable weight: minus the gradient. */
  async function stepDelta(threads: number): Promise<{ loss: number; delta: Float32Array[] }> {
    const net = trainableCopy(model);
    const vars = trainableVariables(net);
    const before = vars.map((v) => new Float32Array(v.dataSync()));
    const runner = await StepRunner.start(net, 'heirloom', numBins, threads);
    try {
      assert.equal(runner.threads, threads);
      const optimizer = tf.train.sgd(1);
      const loss = await runner.step(optimizer, batch);
      optimizer.dispose();
      return { loss, delta: vars.map((v, i) => v.dataSync().map((x, j) => x - before[i][j]) as Float32Array) };
    } finally {
      await runner.stop();
      net.dispose();
    }
  }

  test('a batch splits into near-equal shares that keep every example once', () => {
    const parts = splitBatch(batch, 2);
    assert.deepEqual(
      parts.map((p) => p.size),
      [3, 2],
    );
    assert.equal(parts[0].input.length + parts[1].input.length, batch.input.length);
    assert.deepEqual(parts[1].weights, batch.weights.slice(parts[0].weights.length));
    assert.equal(splitBatch(batch, 9).length, 5, 'never an empty share');
  });

  test('two threads take the same step as one: the averaged gradient is the whole batch’s', async () => {
    const one = await stepDelta(1);
    const two = await stepDelta(2);
    assert.ok(Math.abs(one.loss - two.loss) < 1e-5 * Math.abs(one.loss), `loss ${one.loss} vs ${two.loss}`);
    let maxDiff = 0;
    let maxDelta = 0;
    one.delta.forEach((d, i) =>
      d.forEach((x, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(x - two.delta[i][j]));
        maxDelta = Math.max(maxDelta, Math.abs(x));
      }),
    );
    assert.ok(maxDelta > 0, 'the step changed the weights');
    assert.ok(maxDiff <= 1e-4 * maxDelta, `largest difference ${maxDiff} against a largest change of ${maxDelta}`);
  });

  test('WebAssembly uses the cores; native TensorFlow, which threads itself, does not start workers', () => {
    assert.equal(finetuneThreads('tensorflow'), 1);
    assert.ok(finetuneThreads('wasm') >= 1 && finetuneThreads('wasm') <= 4);
  });
});
