// A kill can land between a fine-tune checkpoint's atomic save (its folder renamed into place) and its
// catalogue row. Found while writing the crash soak (scripts/soak.ts): that checkpoint was then missing
// from the catalogue for good, and resuming from it failed at the next save (the new row's parent was
// unknown: FOREIGN KEY constraint failed), on every later attempt too. Here the window is reproduced
// deterministically: the first part of the run saves a checkpoint without recording it.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { FinetuneCancelled, runFinetune } from '../../src-main/core/finetune/trainer';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

const SMALL = { batchSize: 2, crop: 64, heldOutLimit: 1 };
let root: string;
before(() => (root = fx.makeTempDir('heirloom-ft-unlisted-')));
after(() => fx.removeDir(root));

test('a checkpoint saved but not yet recorded when the process died is recorded on resume, and the run finishes', async () => {
  const dir = path.join(root, 'photos');
  for (let k = 0; k < 4; k++) await fx.writePhoto(path.join(dir, `colour-${k}.jpg`), 120 + 8 * k, 96, { seed: k });
  const core = HeirloomCore.open({ library: path.join(root, 'lib') });
  try {
    const controller = new AbortController();
    // No onCheckpoint: the folder is saved, the row never written — as if killed right after the rename.
    const first = await runFinetune(
      { modelsDir: core.paths.models, startModel: async () => (await core.model()).model },
      {
        folder: dir,
        name: 'gap',
        minutes: 5,
        checkpointMinutes: 100,
        signal: controller.signal,
        ...SMALL,
        onProgress: (p) => {
          if (p.phase === 'training' && p.step >= 2) controller.abort();
        },
      },
    ).then(
      () => assert.fail('should have been cancelled'),
      (e: unknown) => e,
    );
    assert.ok(first instanceof FinetuneCancelled, String(first));
    const orphan = first.checkpoint;
    assert.equal(core.catalogue.getCheckpoint(orphan.id), undefined);

    const resumed = await core.finetune({ folder: dir, name: 'gap', minutes: (orphan.state.trainSeconds + 1) / 60, ...SMALL });
    assert.equal(resumed.status, 'finished');
    assert.equal(resumed.resumedFrom, orphan.id);
    const rows = core.catalogue.listCheckpoints().filter((r) => r.kind === 'finetuned');
    assert.deepEqual(
      rows.map((r) => [r.id, r.parentId]),
      [
        [orphan.id, DEFAULT_MODEL_ID],
        [resumed.checkpoint.id, orphan.id],
      ],
    );
  } finally {
    core.close();
  }
});
