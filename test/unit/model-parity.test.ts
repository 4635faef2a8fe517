// The shipped models load in tfjs and reproduce the outputs PyTorch saved on fixed inputs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { shippedModelsDir } from '../../src-main/core/app-paths';
import { loadModel } from '../../src-main/core/engine/model-store';
import { DEFAULT_MODEL_ID, listShippedModels } from '../../src-main/core/engine/model-registry';
import { checkParity } from '../../src-main/core/engine/torch-import';

const models = listShippedModels();

test('at least the base model ships', () => {
  assert.ok(models.includes(DEFAULT_MODEL_ID), `models found: ${models.join(', ')}`);
});

for (const id of models) {
  test(`${id}: tfjs reproduces PyTorch within 1e-3 on the parity fixtures`, async () => {
    const dir = path.join(shippedModelsDir(), id);
    const model = await loadModel(dir);
    const parity = JSON.parse(fs.readFileSync(path.join(dir, 'parity', 'fixtures.json'), 'utf8'));
    assert.ok(parity.fixtures.length >= 2);
    const results = checkParity(model.net, path.join(dir, 'parity'), parity.fixtures);
    for (const r of results) assert.ok(r.maxAbsDiff <= 1e-3, `${r.name}: max |Δ| ${r.maxAbsDiff}`);
    const bytes = fs.statSync(path.join(dir, model.manifest.files.weights)).size;
    assert.ok(bytes <= 40 * 1024 * 1024, `weights ${bytes} bytes exceed 40 MB`);
  });
}
