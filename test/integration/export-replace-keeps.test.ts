// Replacing an earlier export (`export --overwrite`, the window's "Replace") replaces exactly the files
// that export's manifest says Heirloom wrote; whatever the person added there (a letter, a folder of
// scans, an edited photo) stays, and the export says how many files it kept. A file of theirs at a name
// the new export would write is never replaced: the export is refused before anything is written.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ExportError, runExport, type ExportRunOptions } from '../../src-main/core/export';
import { MANIFEST_NAME } from '../../src-main/core/export/manifest';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { listFilesDeep, makeTempDir, removeDir, runCli, sha256File, snapshotFiles, writePhoto } from '../helpers/fixtures';

let dir: string;
let library: string;
let core: HeirloomCore;
let albumId: number;
const opts = (extra: Partial<ExportRunOptions> = {}): ExportRunOptions => ({ appVersion: 'test', ...extra });

before(async () => {
  dir = makeTempDir('heirloom-export-keeps-');
  library = path.join(dir, 'library');
  const files = [];
  for (let k = 0; k < 2; k++) files.push(await writePhoto(path.join(dir, 'scans', `gran-${k}.jpg`), 120, 90, { colour: false, seed: k }));
  core = HeirloomCore.open({ library });
  assert.equal((await core.colorizeBatch(files, { workingSize: 64 })).status, 'done');
  albumId = core.catalogue.createAlbum('gran').id;
  core.catalogue.addToAlbum(
    albumId,
    core.catalogue.listOriginals().map((o) => o.id),
  );
});
after(() => {
  core?.close();
  if (dir) removeDir(dir);
});

/** The person's own additions to an export folder: a letter and a folder with a photo. */
async function addTheirs(target: string): Promise<Map<string, string>> {
  fs.writeFileSync(path.join(target, 'letter.txt'), 'Dear Anna, these are the photos from the attic.');
  await writePhoto(path.join(target, 'my-scans', 'attic.jpg'), 64, 48, { seed: 7 });
  return new Map(['letter.txt', path.join('my-scans', 'attic.jpg')].map((r) => [r, sha256File(path.join(target, r))]));
}

function assertKept(target: string, theirs: Map<string, string>): void {
  for (const [rel, sha] of theirs) {
    assert.ok(fs.existsSync(path.join(target, rel)), `${rel} is still there`);
    assert.equal(sha256File(path.join(target, rel)), sha, `${rel} is unchanged`);
  }
}

const hiddenBeside = (target: string): string[] => fs.readdirSync(path.dirname(target)).filter((n) => n.startsWith('.heirloom-export'));

test('replacing an earlier export keeps the files Heirloom did not write, and says how many', async () => {
  const target = path.join(dir, 'e1', 'gran');
  await runExport(core.catalogue, albumId, target, opts());
  const theirs = await addTheirs(target);
  const res = await runExport(core.catalogue, albumId, target, opts({ overwrite: true, format: 'png' }));
  assertKept(target, theirs);
  assert.equal(res.kept, 2, 'two files kept');
  const files = listFilesDeep(target);
  assert.equal(files.filter((f) => f.endsWith('.jpg') && !f.startsWith('my-scans')).length, 0, "the old export's photos were replaced");
  assert.equal(files.filter((f) => f.endsWith('.png')).length, 2);
  assert.deepEqual(hiddenBeside(target), [], 'nothing left aside');
  // A third export keeps them again: they are still not the export's own files.
  const third = await runExport(core.catalogue, albumId, target, opts({ overwrite: true }));
  assert.equal(third.kept, 2);
  assertKept(target, theirs);
});

test('`heirloom export --overwrite` keeps the added files and tells the user', async () => {
  const target = path.join(dir, 'e2', 'gran');
  core.close(); // the CLI takes the library's lock
  try {
    const first = runCli(['export', 'gran', '--to', target], { library });
    assert.equal(first.status, 0, first.stderr);
    const theirs = await addTheirs(target);
    const again = runCli(['export', 'gran', '--to', target, '--overwrite'], { library });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /kept 2 files that Heirloom did not write/);
    assertKept(target, theirs);
  } finally {
    core = HeirloomCore.open({ library });
  }
});

test('an edited photo or an added file at a name the new export writes is never replaced: the export is refused, nothing changes', async () => {
  const target = path.join(dir, 'e3', 'gran');
  await runExport(core.catalogue, albumId, target, opts());
  const photo = fs.readdirSync(target).find((n) => n.endsWith('.jpg'))!;
  fs.writeFileSync(path.join(target, photo), 'the photo, cropped and saved again by the user');
  const before = snapshotFiles(target);
  await assert.rejects(
    runExport(core.catalogue, albumId, target, opts({ overwrite: true })),
    (e: unknown) => e instanceof ExportError && e.code === 'user-files-in-the-way' && e.message.includes(photo),
  );
  assert.deepEqual(snapshotFiles(target), before, 'nothing in the folder changed');
  assert.deepEqual(hiddenBeside(target), []);

  fs.rmSync(target, { recursive: true });
  await runExport(core.catalogue, albumId, target, opts());
  fs.writeFileSync(path.join(target, 'index.html'), '<p>my own page</p>'); // the first export made no web album
  const before2 = snapshotFiles(target);
  await assert.rejects(
    runExport(core.catalogue, albumId, target, opts({ overwrite: true, html: true })),
    (e: unknown) => e instanceof ExportError && e.code === 'user-files-in-the-way' && e.message.includes('index.html'),
  );
  assert.deepEqual(snapshotFiles(target), before2);
});

test('files added to an export that a killed replace left moved aside come back into the new export', async () => {
  const target = path.join(dir, 'e4', 'gran');
  await runExport(core.catalogue, albumId, target, opts());
  const theirs = await addTheirs(target);
  // The kill's state: the earlier export (with the person's files) moved aside, the new one already in place.
  const aside = path.join(path.dirname(target), '.heirloom-export-gran.old-0badcafe');
  fs.renameSync(target, aside);
  fs.cpSync(aside, target, { recursive: true, filter: (src) => !/letter\.txt$|my-scans/.test(src) });
  assert.ok(!fs.existsSync(path.join(target, 'letter.txt')));
  const res = await runExport(core.catalogue, albumId, target, opts({ overwrite: true }));
  assertKept(target, theirs);
  assert.equal(res.kept, 2);
  assert.deepEqual(hiddenBeside(target), [], 'the hidden copy is gone, nothing of the person lost with it');
  assert.ok(fs.existsSync(path.join(target, MANIFEST_NAME)));
});
