// A fine-tuned checkpoint's decode choice: the candidates tried, and that the choice and its reported
// metrics are what the real pipeline gives for it on real photos.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { initBackend } from '../../src-main/core/engine/backend';
import { loadModel } from '../../src-main/core/engine/model-store';
import type { LoadedModel } from '../../src-main/core/engine/model-store';
import { evaluateModel } from '../../src-main/core/eval/evaluate';
import { decodeCandidates, fitDecode, manifestDecode, MIN_COLOURFULNESS } from '../../src-main/core/finetune/decode-fit';
import * as fx from '../helpers/fixtures';

let model: LoadedModel;
before(async () => {
  await initBackend('wasm');
  model = await loadModel(fx.SHIPPED_MODEL_DIR);
});

test('candidates keep T and gain, and move prior correction up and the lift both ways', () => {
  const base = { temperature: 0.2, priorCorrection: 0.4, chromaGain: 1, chromaLift: 14 };
  const c = decodeCandidates(base);
  assert.equal(c.length, 6);
  assert.ok(c.every((d) => d.temperature === 0.2 && d.chromaGain === 1));
  assert.deepEqual([...new Set(c.map((d) => d.priorCorrection))], [0.4, 0.55]);
  assert.deepEqual([...new Set(c.map((d) => d.chromaLift))], [7, 14, 21]);
  assert.ok(
    c.some((d) => JSON.stringify(d) === JSON.stringify(base)),
    'the unchanged decode is a candidate',
  );
  assert.deepEqual(
    decodeCandidates({ ...base, chromaLift: 0, priorCorrection: 0.95 }).map((d) => [d.priorCorrection, d.chromaLift]),
    [
      [0.95, 0],
      [1, 0],
    ],
  );
});

test('the choice is a candidate, and its metrics are those of the full pipeline with it', async () => {
  const root = fx.makeTempDir('heirloom-fit-');
  try {
    const files: string[] = [];
    for (let k = 0; k < 3; k++) {
      files.push(path.join(root, `c${k}.png`));
      await fx.writePhoto(files[k], 120, 96, { seed: 10 + k });
    }
    const base = manifestDecode(model);
    const fit = await fitDecode(model, files, base);
    assert.ok(decodeCandidates(base).some((d) => JSON.stringify(d) === JSON.stringify(fit.decode)));
    const again = (await evaluateModel(files, model, fit.decode)).colorized;
    assert.ok(Math.abs(again.deltaE00 - fit.metrics.deltaE00) < 1e-9);
    const unchanged = (await evaluateModel(files, model, base)).colorized;
    assert.ok(fit.metrics.colourfulnessRatio >= Math.min(MIN_COLOURFULNESS, unchanged.colourfulnessRatio) - 1e-9);
    // The unchanged decode always qualifies, so the choice is never worse than it on ΔE00.
    assert.ok(fit.metrics.deltaE00 <= unchanged.deltaE00 + 1e-9, `${fit.metrics.deltaE00} vs ${unchanged.deltaE00}`);
  } finally {
    fx.removeDir(root);
  }
});
