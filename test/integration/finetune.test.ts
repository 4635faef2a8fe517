// Fine-tuning with real photos, real model weights and a real catalogue: bad input, cancel and
// resume, a SIGKILL mid-run, a full disk while saving, activate / revert, and outputs naming the
// checkpoint that made them. Runs are tiny (seconds of training): these test the machinery; the
// quality gain is measured by scripts/finetune-proof.ts.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { after, before, describe, test } from 'node:test';
import { loadModel } from '../../src-main/core/engine/model-store';
import { listRunCheckpoints } from '../../src-main/core/finetune/checkpoints';
import { decodeCandidates, manifestDecode } from '../../src-main/core/finetune/decode-fit';
import { FinetuneCancelled, trainableCopy } from '../../src-main/core/finetune/trainer';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

const SMALL = { batchSize: 2, crop: 64, heldOutLimit: 1 };

async function colourFolder(dir: string, n: number): Promise<string> {
  for (let k = 0; k < n; k++) await fx.writePhoto(path.join(dir, `colour-${k}.jpg`), 120 + 8 * k, 96, { seed: k });
  return dir;
}

describe('heirloom finetune', () => {
  let root: string;
  const shippedSha = fx.sha256File(path.join(fx.SHIPPED_MODEL_DIR, 'weights.bin'));
  before(() => (root = fx.makeTempDir('heirloom-ft-')));
  after(() => {
    fx.removeDir(root);
    // The model it started from is never written to.
    assert.equal(fx.sha256File(path.join(fx.SHIPPED_MODEL_DIR, 'weights.bin')), shippedSha);
  });

  test('an empty folder and a folder of only black-and-white photos each get one clear message', async () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    let r = fx.runCli(['finetune', empty, '--minutes', '0.1'], { library: path.join(root, 'lib-bad') });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /There are no photos in .*empty/);
    const grey = path.join(root, 'grey');
    await fx.writePhoto(path.join(grey, 'a.jpg'), 100, 80, { colour: false });
    await fx.writePhoto(path.join(grey, 'b.png'), 100, 80, { colour: false, seed: 3 });
    r = fx.runCli(['finetune', grey, '--minutes', '0.1'], { library: path.join(root, 'lib-bad') });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /None of the 2 photos .* can teach colour .*black and white.*Choose a folder of colour photos/);
    assert.deepEqual(fs.readdirSync(path.join(root, 'lib-bad', 'models')), [], 'no checkpoint for a run that never started');
  });

  test('cancel keeps a checkpoint; the same run resumes from it; rows chain parent to child; activate and revert', async () => {
    const dir = await colourFolder(path.join(root, 'family'), 6);
    await fx.writePhoto(path.join(dir, 'old-bw.jpg'), 100, 90, { colour: false });
    // A sepia print: colour pixels, but one warm hue that follows the lightness (nothing to learn).
    await sharp(fx.photoPixels(100, 90, { colour: false, seed: 2 }), { raw: { width: 100, height: 90, channels: 3 } })
      .tint('#a0703c')
      .jpeg()
      .toFile(path.join(dir, 'old-sepia.jpg'));
    await fx.writePhoto(path.join(dir, 'tiny.png'), 40, 30);
    fs.writeFileSync(path.join(dir, 'broken.jpg'), Buffer.from('not a jpeg at all'));
    const core = HeirloomCore.open({ library: path.join(root, 'lib') });
    try {
      const controller = new AbortController();
      const progress: string[] = [];
      const first = await core
        .finetune({
          folder: dir,
          name: 'Our family',
          minutes: 5,
          checkpointMinutes: 100,
          signal: controller.signal,
          ...SMALL,
          onProgress: (p) => {
            progress.push(p.phase);
            if (p.phase === 'training' && p.step >= 3) controller.abort();
          },
        })
        .then(
          () => assert.fail('should have been cancelled'),
          (e: unknown) => e,
        );
      assert.ok(first instanceof FinetuneCancelled, String(first));
      const cancelled = (first as FinetuneCancelled).checkpoint;
      assert.equal(cancelled.id, 'Our-family-s000003');
      assert.deepEqual([...new Set(progress)], ['loading', 'measuring', 'training', 'saved']);
      const skipped = cancelled.state.data.skipped.map((s) => `${path.basename(s.file)}: ${s.reason}`).sort();
      assert.equal(skipped.length, 4, skipped.join('\n'));
      assert.match(skipped[0], /^broken\.jpg: /);
      assert.match(skipped[1], /^old-bw\.jpg: black and white/);
      assert.match(skipped[2], /^old-sepia\.jpg: sepia or toned/);
      assert.match(skipped[3], /^tiny\.png: too small to learn from \(40×30/);
      assert.equal(cancelled.state.data.train + cancelled.state.data.heldOut, 6);
      assert.ok(cancelled.state.base, 'the starting model was measured on the held-out photo');

      // Resume: continues at step 3 with the saved optimizer state, until the (tiny) budget is spent.
      const budget = (cancelled.state.trainSeconds + 1.5) / 60;
      const resumed = await core.finetune({ folder: dir, name: 'Our family', minutes: budget, ...SMALL });
      assert.equal(resumed.status, 'finished');
      assert.equal(resumed.resumedFrom, cancelled.id);
      assert.ok(resumed.checkpoint.state.step > 3);
      assert.ok(resumed.heldOut && resumed.base, 'held-out metrics before and after');
      const loaded = await loadModel(resumed.checkpoint.dir);
      assert.equal(loaded.manifest.parentId, cancelled.id);
      // Its decode is the shipped model's (too few held-out photos to re-fit one), and is what the checkpoint uses.
      const shipped = manifestDecode(await loadModel(fx.SHIPPED_MODEL_DIR));
      assert.deepEqual(resumed.checkpoint.state.baseDecode, shipped);
      assert.ok(decodeCandidates(shipped).some((d) => JSON.stringify(d) === JSON.stringify(resumed.checkpoint.state.decode)));
      assert.deepEqual(manifestDecode(loaded), resumed.checkpoint.state.decode);
      // A checkpoint is recommended only if it is better than the start beyond the noise of the held-out
      // photos (the cancelled one was not measured); either way the run says how it compares.
      const measured = listRunCheckpoints(path.join(root, 'lib', 'models'), resumed.run).filter((c) => c.state.heldOutPerPhoto);
      assert.ok(resumed.judgement, 'the run judges its result against the start');
      if (resumed.recommended) {
        assert.ok(measured.some((c) => c.id === resumed.recommended!.id));
        assert.ok(resumed.judgement!.better && resumed.judgement!.ci[1] < 0);
      } else {
        assert.equal(resumed.judgement!.better, false, 'no recommendation means nothing was better beyond noise');
      }
      assert.deepEqual(resumed.checkpoint.state.heldOutFiles, cancelled.state.heldOutFiles, 'the same held-out photos across the resume');

      const rows = core.catalogue.listCheckpoints().filter((r) => r.kind === 'finetuned');
      assert.deepEqual(
        rows.map((r) => [r.id, r.parentId]),
        [
          [cancelled.id, DEFAULT_MODEL_ID],
          [resumed.checkpoint.id, cancelled.id],
        ],
      );

      // Activate: colorizing now uses (and records) the checkpoint; revert goes back one step.
      await core.activateModel(resumed.checkpoint.id);
      const photo = path.join(dir, 'colour-0.jpg');
      const out = await core.colorizeBatch([photo], { outDir: path.join(root, 'out') });
      assert.equal(out.modelId, resumed.checkpoint.id);
      const output = core.catalogue.getOutput(out.results[0].outputId!);
      assert.equal(output?.checkpointId, resumed.checkpoint.id);
      assert.equal(await core.revertModel(), cancelled.id);
      assert.equal(await core.revertModel(), DEFAULT_MODEL_ID);
      assert.equal((await core.model()).model.manifest.id, DEFAULT_MODEL_ID);
    } finally {
      core.close();
    }
  });

  test('SIGKILL mid-run loses at most the steps since the last checkpoint, and the run resumes', async () => {
    const dir = await colourFolder(path.join(root, 'kill-photos'), 4);
    const library = path.join(root, 'lib-kill');
    const child = spawn(process.execPath, [fx.CLI, 'finetune', dir, '--name', 'crash', '--minutes', '10', '--checkpoint-every', '0.01'], {
      env: fx.cliEnv(library),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no checkpoint within 240 s:\n${stderr}`)), 240_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/checkpoint crash-s\d+ saved/.test(stderr)) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const saved = listRunCheckpoints(path.join(library, 'models'), 'crash');
    assert.ok(saved.length >= 1, 'the saved checkpoint survives the kill');
    for (const ck of saved) await loadModel(ck.dir); // complete and checksummed, never half-written
    const last = saved.at(-1)!;
    const r = fx.runCli(['finetune', dir, '--name', 'crash', '--minutes', String((last.state.trainSeconds + 1) / 60), '--json'], {
      library,
      timeoutMs: 240_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`resuming from checkpoint ${last.id}`));
    const result = JSON.parse(r.stdout);
    assert.equal(result.resumedFrom, last.id);
    assert.ok(result.checkpoint > last.id);
    assert.deepEqual(
      fs.readdirSync(path.join(library, 'models')).filter((n) => n.includes('.partial')),
      [],
    );
  });

  const canMount = process.platform === 'linux' && spawnSync('unshare', ['-r', '-m', 'true']).status === 0;
  test(
    'a full disk while saving a checkpoint is a clear error and the earlier checkpoint is kept',
    { skip: canMount ? false : 'needs unshare to mount a small tmpfs' },
    async () => {
      const dir = await colourFolder(path.join(root, 'disk-photos'), 4);
      const library = path.join(root, 'lib-full');
      const models = path.join(library, 'models');
      fs.mkdirSync(models, { recursive: true });
      // Room for one checkpoint but not two. A checkpoint is the whole network's weights, plus three
      // float32 copies of the trainable ones: Adam's two moments and the training difference (delta.bin).
      const start = await loadModel(fx.SHIPPED_MODEL_DIR);
      const trainable = trainableCopy(start)
        .trainableWeights.map((w) => w.shape.reduce((a: number, b) => a * (b ?? 1), 1))
        .reduce((a, b) => a + b, 0);
      const checkpointMB = (start.manifest.files.weightsBytes + 3 * 4 * trainable) / 2 ** 20;
      const tmpfsMB = Math.ceil(1.3 * checkpointMB);
      const script = `mount -t tmpfs -o size=${tmpfsMB}m heirloom-full "$0" || exit 90; "$@"; rc=$?; echo "@@LISTING@@"; ls -A1 "$0"; exit $rc`;
      const r = fx.runCli(['finetune', dir, '--name', 'full', '--minutes', '10', '--checkpoint-every', '0.01'], {
        library,
        wrapper: ['unshare', '-r', '-m', 'sh', '-c', script, models],
        timeoutMs: 300_000,
      });
      assert.notEqual(r.status, 90, `mounting the tmpfs failed: ${r.stderr}`);
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /The disk is full: the checkpoint at step \d+ could not be saved \(checkpoint full-s\d{6} is kept\)\. Free some space and run the same command again to resume\./,
      );
      const listing = r.stdout.split('@@LISTING@@\n')[1]!.split('\n').filter(Boolean);
      assert.equal(listing.length, 1, `one complete checkpoint and no half-written folder: ${listing.join(', ')}`);
      assert.match(listing[0], /^full-s\d{6}$/);
    },
  );
});
