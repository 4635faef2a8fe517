// The smallest working sizes a photo can get (a 1-pixel image, a 10000×50 strip) run through every
// shipped colorizer: v3's MobileNetV2 trunk halves its input five times, and an input that vanishes
// there made the wasm backend read out of bounds and broke every photo after it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { shippedModelsDir } from '../../src-main/core/app-paths';
import { initBackend } from '../../src-main/core/engine/backend';
import { loadModel } from '../../src-main/core/engine/model-store';
import { listShippedModels } from '../../src-main/core/engine/model-registry';
import { predictAb } from '../../src-main/core/engine/predict';
import { workingDims } from '../../src-main/core/pipeline/working-size';

for (const id of listShippedModels()) {
  test(`${id}: the tiniest working sizes give colour of the right size, and the next photo still works`, async () => {
    await initBackend();
    const model = await loadModel(path.join(shippedModelsDir(), id));
    const stride = model.manifest.output.type === 'ab-bins' ? model.manifest.output.stride : 1;
    for (const [w, h] of [
      [1, 1],
      [10000, 50],
      [50, 10000],
      [640, 480],
    ] as const) {
      const work = workingDims(w, h, model.manifest.workingSize);
      const L = new Float32Array(work.width * work.height).map((_, i) => 20 + (i % 60));
      const ab = predictAb(model, L, work.width, work.height);
      assert.equal(ab.width, work.width / stride, `${w}×${h}`);
      assert.equal(ab.height, work.height / stride, `${w}×${h}`);
      assert.ok(ab.a.every(Number.isFinite) && ab.b.every(Number.isFinite), `${w}×${h}: finite colour`);
    }
  });
}
