// What Heirloom made is never imported as a photo again (issue: a photos folder used as the library
// had its own thumbnails imported; exported copies came back as new photos), and a pipe or device
// named like a photo inside a folder is reported per file, never skipped without a word.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { writeFinishedManifest } from '../../src-main/core/export/manifest';
import { collectPhotos } from '../../src-main/core/photo-files';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, writePhoto } from '../helpers/fixtures';

let dir: string;
before(() => (dir = makeTempDir('heirloom-own-files-')));
after(() => removeDir(dir));

const rel = (files: string[], root: string): string[] => files.map((f) => path.relative(root, f).split(path.sep).join('/')).sort();

test("a photos folder that is also the library: its thumbnails, versions and backups are not the person's photos", async () => {
  const photos = path.join(dir, 'photos');
  await writePhoto(path.join(photos, 'gran.jpg'), 160, 120, { colour: false, seed: 1 });
  await writePhoto(path.join(photos, '1950s', 'lake.png'), 160, 120, { colour: false, seed: 2 });
  const core = HeirloomCore.open({ library: photos });
  try {
    const summary = await core.colorizeBatch([path.join(photos, 'gran.jpg')]);
    assert.equal(summary.status, 'done');
  } finally {
    core.close();
  }
  // The library made its own image files beside the photos.
  const made = ['thumbs', 'outputs'].flatMap((d) => fs.readdirSync(path.join(photos, d), { recursive: true }) as string[]);
  assert.ok(
    made.some((f) => /\.(jpe?g|png|webp)$/i.test(f)),
    `the library wrote images: ${made.join(', ')}`,
  );
  const { files, problems } = collectPhotos([photos]);
  assert.deepEqual(rel(files, photos), ['1950s/lake.png', 'gran.jpg']);
  assert.deepEqual(problems, []);
});

test('an album export inside a folder of originals is passed over, with a word', async () => {
  const scans = path.join(dir, 'scans');
  await writePhoto(path.join(scans, 'a.jpg'), 64, 48, { colour: false, seed: 3 });
  const exported = path.join(scans, 'Summer at the lake');
  await writePhoto(path.join(exported, '01 a.jpg'), 64, 48, { colour: true, seed: 3 });
  await writePhoto(path.join(exported, 'before', '01 a.jpg'), 64, 48, { colour: false, seed: 3 });
  writeFinishedManifest(exported, {
    generator: 'Heirloom test',
    album: 'Summer at the lake',
    albumId: 1,
    fingerprint: 'x',
    madeAt: new Date().toISOString(),
    files: ['01 a.jpg', 'before/01 a.jpg'],
  });
  const { files, problems } = collectPhotos([scans]);
  assert.deepEqual(rel(files, scans), ['a.jpg']);
  assert.deepEqual(
    problems.map((p) => [p.input, p.problem.code]),
    [[exported, 'import.heirloomExport']],
  );
  // Named directly, it is passed over too.
  assert.deepEqual(collectPhotos([exported]).files, []);
});

test(
  'a pipe named like a photo inside a folder is reported per file',
  { skip: process.platform === 'win32' ? 'no mkfifo on Windows' : false },
  async () => {
    const folder = path.join(dir, 'odd');
    await writePhoto(path.join(folder, 'real.jpg'), 32, 24, { seed: 4 });
    assert.equal(spawnSync('mkfifo', [path.join(folder, 'pipe.jpg')]).status, 0, 'mkfifo');
    fs.symlinkSync(path.join(folder, 'pipe.jpg'), path.join(folder, 'link-to-pipe.jpg'));
    const { files, problems } = collectPhotos([folder]);
    assert.deepEqual(rel(files, folder), ['real.jpg']);
    assert.deepEqual(
      problems.map((p) => [path.basename(p.input), p.problem.code, p.problem.params.name]),
      [
        ['link-to-pipe.jpg', 'photo.notAFile', 'link-to-pipe.jpg'],
        ['pipe.jpg', 'photo.notAFile', 'pipe.jpg'],
      ],
    );
  },
);
