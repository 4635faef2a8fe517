// The desktop window's dropped paths, checked in the main process before the core reads anything
// (src-main/electron/drop-paths.ts; Electron itself cannot run here).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { checkDroppedPaths, MAX_DROPPED } from '../../src-main/electron/drop-paths';
import { NOT_AN_IMAGE } from '../../src-main/contract/problems';
import * as fx from '../helpers/fixtures';

let root: string;
before(() => (root = fx.makeTempDir('heirloom-drop-')));
after(() => fx.removeDir(root));

test('anything a real drop cannot produce refuses the whole call', () => {
  const photo = path.join(root, 'x.jpg');
  for (const bad of [
    undefined,
    null,
    'one/path.jpg',
    {},
    [],
    [42],
    [''],
    ['relative/photo.jpg'],
    ['photo.jpg'],
    [`${root}/../etc/passwd`],
    [`${root}/./x.jpg`],
    [`${photo}\0.jpg`],
    ['/' + 'a'.repeat(5000) + '.jpg'],
    Array(MAX_DROPPED + 1).fill(photo),
  ]) {
    assert.throws(() => checkDroppedPaths(bad), /^Error: refused: /, JSON.stringify(bad)?.slice(0, 80));
  }
});

test('photo files and folders pass; other files, special files and missing paths are refused with a reason', async () => {
  const photo = await fx.writePhoto(path.join(root, 'Grandma 1951.jpg'), 24, 16);
  const folder = path.join(root, 'album');
  await fx.writePhoto(path.join(folder, 'p.png'), 24, 16, { seed: 1 });
  const notes = path.join(root, 'notes.txt');
  fs.writeFileSync(notes, 'not a photo');
  const fifo = path.join(root, 'pipe.jpg'); // a reader would hang on it forever
  const haveFifo = process.platform !== 'win32' && spawnSync('mkfifo', [fifo]).status === 0;
  const r = checkDroppedPaths([photo, folder, notes, path.join(root, 'gone.jpg'), ...(haveFifo ? [fifo] : []), photo]);
  assert.deepEqual(r.paths, [photo, folder]);
  assert.deepEqual(r.refused, [
    { name: 'notes.txt', error: NOT_AN_IMAGE, problem: { code: 'photo.notAnImage', params: { name: 'notes.txt' } } },
    { name: 'gone.jpg', error: 'not found (was it moved or deleted?)', problem: { code: 'import.notFound', params: {} } },
    ...(haveFifo ? [{ name: 'pipe.jpg', error: 'not a file or folder', problem: { code: 'import.notAFileOrFolder', params: {} } }] : []),
  ]);
});
