// A kill between the two renames that replace an earlier export (old one moved aside, new one moved in)
// left the old export hidden as ".heirloom-export-<name>.old-<hex>" with nothing at the target, and no
// later run removed it. Reproduced here by putting the folders in that state (see scripts/soak.ts for
// the random-kill soak): the next export brings the old one back or drops the hidden copy.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ExportError, runExport } from '../../src-main/core/export';
import { MANIFEST_NAME } from '../../src-main/core/export/manifest';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, sha256File, writePhoto } from '../helpers/fixtures';

let dir: string;
let core: HeirloomCore;
let albumId: number;
before(async () => {
  dir = makeTempDir('heirloom-export-aside-');
  const files = [];
  for (let k = 0; k < 2; k++) files.push(await writePhoto(path.join(dir, 'scans', `old-${k}.jpg`), 160, 120, { colour: false, seed: k }));
  core = HeirloomCore.open({ library: path.join(dir, 'library') });
  assert.equal((await core.colorizeBatch(files, { workingSize: 64 })).status, 'done');
  albumId = core.catalogue.createAlbum('family').id;
  core.catalogue.addToAlbum(
    albumId,
    core.catalogue.listOriginals().map((o) => o.id),
  );
});
after(() => {
  core?.close();
  if (dir) removeDir(dir);
});

const hidden = (parent: string): string[] => fs.readdirSync(parent).filter((n) => n.includes('.old-'));

test('an export moved aside by a replace that was killed comes back, and no hidden copy is left', async () => {
  const target = path.join(dir, 'out', 'family');
  await runExport(core.catalogue, albumId, target, { appVersion: 'test' });
  const photo = fs.readdirSync(target).find((n) => n.endsWith('.jpg'))!;
  const before = sha256File(path.join(target, photo));
  // The kill's state: the earlier export moved aside, the new one not yet moved in.
  fs.renameSync(target, path.join(dir, 'out', '.heirloom-export-family.old-0badcafe'));

  // Without --overwrite the earlier export is back in its place and left alone.
  await assert.rejects(
    runExport(core.catalogue, albumId, target, { appVersion: 'test' }),
    (e: unknown) => e instanceof ExportError && e.code === 'target-exists',
  );
  assert.equal(sha256File(path.join(target, photo)), before);
  assert.ok(fs.existsSync(path.join(target, MANIFEST_NAME)));
  assert.deepEqual(hidden(path.join(dir, 'out')), []);

  // With the target there, a hidden copy left beside it is dropped; the replace completes.
  fs.cpSync(target, path.join(dir, 'out', '.heirloom-export-family.old-12345678'), { recursive: true });
  const res = await runExport(core.catalogue, albumId, target, { appVersion: 'test', overwrite: true });
  assert.equal(res.photos, 2);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'out')), ['family']);
});

test('a replace killed while deleting the earlier export never brings its photos back as "name (2)"', async () => {
  const target = path.join(dir, 'out', 'family');
  // The kill came mid-delete: the earlier export, already renamed for deletion, has lost its manifest
  // but still holds photos. They are Heirloom's own, never taken for the person's.
  const doomed = path.join(dir, 'out', '.heirloom-export-family.drop-0badf00d');
  fs.cpSync(target, doomed, { recursive: true });
  fs.rmSync(path.join(doomed, MANIFEST_NAME));
  const res = await runExport(core.catalogue, albumId, target, { appVersion: 'test', overwrite: true });
  assert.equal(res.kept, 0);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'out')), ['family']);
  assert.ok(
    fs.readdirSync(target).every((f) => !f.includes('(2)')),
    fs.readdirSync(target).join(', '),
  );
});
