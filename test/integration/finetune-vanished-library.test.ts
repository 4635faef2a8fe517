// A library folder that vanished (deleted, moved, its drive unplugged) while `finetune` holds it is an
// error before anything is written: the run never makes the folder again to put a checkpoint in it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LibraryVanishedError } from '../../src-main/core/catalogue/catalogue';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';

const SMALL = { batchSize: 2, crop: 64, heldOutLimit: 1 };
let root: string;
let photos: string;

before(async () => {
  root = fx.makeTempDir('heirloom-ft-vanished-');
  photos = path.join(root, 'family');
  for (let k = 0; k < 4; k++) await fx.writePhoto(path.join(photos, `colour-${k}.jpg`), 120 + 8 * k, 96, { seed: k });
});
after(() => fx.removeDir(root));

test('a library deleted before fine-tuning starts is an error, and the folder is not made again', async () => {
  const library = path.join(root, 'lib-before');
  const core = HeirloomCore.open({ library });
  try {
    fs.rmSync(library, { recursive: true, force: true });
    await assert.rejects(
      core.finetune({ folder: photos, name: 'family', minutes: 0.01, ...SMALL }),
      (e: unknown) => e instanceof LibraryVanishedError,
    );
    assert.equal(fs.existsSync(library), false, 'nothing was written where the library was');
  } finally {
    core.close();
  }
});

test('a library deleted while fine-tuning runs stops the run before its checkpoint is written', async () => {
  const library = path.join(root, 'lib-during');
  const core = HeirloomCore.open({ library });
  try {
    let removed = false;
    await assert.rejects(
      core.finetune({
        folder: photos,
        name: 'family',
        minutes: 0.01,
        ...SMALL,
        onProgress: (p) => {
          if (p.phase === 'training' && !removed) {
            removed = true;
            fs.rmSync(library, { recursive: true, force: true });
          }
        },
      }),
      (e: unknown) => e instanceof LibraryVanishedError,
    );
    assert.ok(removed, 'the library was removed mid-run');
    assert.equal(fs.existsSync(library), false, 'no checkpoint was written into a new folder at its place');
  } finally {
    core.close();
  }
});
