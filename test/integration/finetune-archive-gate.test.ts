// A fine-tuned checkpoint changes only photos like its archive: it carries a gate fitted on the
// archive's features, the start network is rebuilt exactly from the saved training difference, and
// a photo unlike the archive (a real 1880 street scene against an archive of drawn test scenes) is
// colorized exactly as the start model would. Real model (v2 with its pool summary), real photos,
// real catalogue; the quality effect is measured by scripts/finetune-proof.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARCHIVE_GATE_FILE } from '../../src-main/core/engine/archive-gate';
import { loadModel, readManifest } from '../../src-main/core/engine/model-store';
import { decodePhoto } from '../../src-main/core/imaging/decode';
import { runNetworkStage } from '../../src-main/core/pipeline/colorize';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('a fine-tune carries an archive gate', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-gate-')));
  after(() => fx.removeDir(root));

  test('the start network is rebuilt exactly, and a photo unlike the archive gets the start model’s colours', async () => {
    const archive = path.join(root, 'archive');
    for (let k = 0; k < 6; k++) await fx.writePhoto(path.join(archive, `colour-${k}.jpg`), 120 + 8 * k, 96, { seed: k });
    const core = HeirloomCore.open({ library: path.join(root, 'lib') });
    try {
      // A high learning rate so that a few steps move the weights well beyond float rounding.
      const r = await core.finetune({
        folder: archive,
        name: 'gate',
        minutes: 0.05,
        checkpointMinutes: 100,
        batchSize: 2,
        crop: 64,
        heldOutLimit: 1,
        learningRate: 1e-3,
      });
      const manifest = readManifest(r.checkpoint.dir);
      assert.equal(manifest.archiveGate, ARCHIVE_GATE_FILE);
      assert.equal(manifest.poolEmbedding, undefined, 'the pool summary stays with the base model');
      assert.ok(fs.existsSync(path.join(r.checkpoint.dir, ARCHIVE_GATE_FILE)));

      const base = await loadModel(fx.SHIPPED_MODEL_DIR);
      const tuned = await loadModel(r.checkpoint.dir);
      assert.ok(base.pool, 'the shipped model carries its pool summary');
      assert.ok(tuned.gate, 'the checkpoint loads with its gate');
      const { layers, scale } = tuned.gate.gate.parentDelta;
      assert.equal(scale, 0.3, 'the default share');
      let moved = 0;
      for (const name of layers) {
        const want = base.net.getLayer(name).getWeights();
        const rebuilt = tuned.gate.parent.getLayer(name).getWeights();
        const trained = tuned.net.getLayer(name).getWeights();
        want.forEach((w, i) => {
          assert.ok(maxDiff(rebuilt[i].dataSync(), w.dataSync()) < 1e-6, `${name}: the rebuilt start differs from the base`);
          moved = Math.max(moved, maxDiff(trained[i].dataSync(), w.dataSync()));
        });
      }
      assert.ok(moved > 1e-4, `the fine-tune moved its weights (${moved})`);

      // An 1880 street photograph is nothing like the drawn test scenes: the start's logits, exactly.
      const street = await decodePhoto(path.join(fx.REPO_ROOT, 'samples', '1880Paris.jpg'));
      const gated = await runNetworkStage(street, tuned);
      const start = await runNetworkStage(street, base);
      assert.ok(gated.raw.archiveShare! < 0.01, `share for an unlike photo: ${gated.raw.archiveShare}`);
      assert.ok(maxDiff(gated.raw.data, start.raw.data) < 1e-4, 'colorized as the start model would');
      // The archive's training photos get the fine-tuned network: the gate's midpoint sits at their 10th percentile.
      const shares = [];
      for (const f of fs.readdirSync(archive))
        shares.push((await runNetworkStage(await decodePhoto(path.join(archive, f)), tuned)).raw.archiveShare!);
      const trained = r.checkpoint.state.data.train;
      assert.ok(trained >= 2);
      assert.ok(shares.filter((s) => s >= 0.5 - 1e-6).length >= trained, `shares ${shares.map((s) => s.toFixed(2))} for ${trained} training photos`);
      assert.equal(base.gate, undefined);
      assert.equal(start.raw.archiveShare, undefined, 'a model without a gate reports no share');
    } finally {
      core.close();
    }
  });

  test('a base model whose pool summary is missing is refused with a clear message', async () => {
    const copy = path.join(root, 'base-copy');
    fs.cpSync(fx.SHIPPED_MODEL_DIR, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'pool-embedding.json'));
    await assert.rejects(loadModel(copy), /pool-embedding\.json is missing or invalid/);
    fs.writeFileSync(path.join(copy, 'pool-embedding.json'), '{"layer": "global_pool"}');
    await assert.rejects(loadModel(copy), /pool-embedding\.json is missing or invalid/);
  });
});
