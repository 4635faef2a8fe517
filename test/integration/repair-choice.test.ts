// `heirloom doctor --repair` takes the candidate that keeps the most: what the damaged catalogue still
// yields, or any backup that passes its own check, compared by photos, colorized versions and albums;
// it tells what each would have lost. A hostile probe found it restoring the newest backup (1 photo)
// where salvage kept 10 photos and 2 albums, and, after backups dated in the future had pruned every new
// one, restoring an empty catalogue.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Catalogue } from '../../src-main/core/catalogue/catalogue';
import { ensureLibrary } from '../../src-main/core/library';
import { repairCatalogue } from '../../src-main/core/service/catalogue-repair';
import * as fx from '../helpers/fixtures';

let root: string;
before(() => (root = fx.makeTempDir('heirloom-repair-choice-')));
after(() => fx.removeDir(root));

const photo = (i: number) => ({ path: path.join(root, 'photos', `p${i}.jpg`), sha256: i.toString(16).padStart(64, '0') });

function counts(file: string): { photos: number; albums: number } {
  const db = new Database(file, { readonly: true });
  try {
    const n = (t: string): number => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { photos: n('originals'), albums: n('albums') };
  } finally {
    db.close();
  }
}

/** Overwrites the page of one index with garbage: the tables' own pages (every row) stay readable. */
function damageIndex(file: string, index: string): void {
  const db = new Database(file, { readonly: true });
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(index) as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  fx.writeRandomBytes(file, (rootpage - 1) * pageSize, pageSize);
}

test('repair keeps what salvage reads back (10 photos, 2 albums) rather than the newest backup (1 photo), and says what the backup would lose', () => {
  const paths = ensureLibrary(path.join(root, 'lib1'));
  let c = Catalogue.open(paths.catalogue);
  c.upsertOriginal(photo(0));
  c.close();
  c = Catalogue.open(paths.catalogue, { now: () => '2024-06-01T10:00:00.000Z', backupDir: paths.backups });
  assert.ok(c.backup?.file, 'the backup holds 1 photo');
  c.transaction(() => {
    for (let i = 1; i < 10; i++) c.upsertOriginal(photo(i));
    c.addToAlbum(c.createAlbum('Gran').id, [1, 2, 3]);
    c.addToAlbum(c.createAlbum('Summer 1958').id, [4, 5]);
  });
  c.close();
  damageIndex(paths.catalogue, 'originals_imported_at');

  const r = repairCatalogue(paths);
  assert.equal(r.action, 'rebuilt', JSON.stringify(r, null, 1));
  assert.deepEqual(counts(paths.catalogue), { photos: 10, albums: 2 });
  const salvage = r.candidates.find((k) => k.source === 'salvage')!;
  const backup = r.candidates.find((k) => k.source === 'backup')!;
  assert.equal(salvage.chosen, true);
  assert.deepEqual(salvage.keeps, { photos: 10, versions: 0, albums: 2 });
  assert.deepEqual(salvage.loses, { photos: 0, versions: 0, albums: 0 });
  assert.equal(backup.chosen, false);
  assert.deepEqual(backup.keeps, { photos: 1, versions: 0, albums: 0 });
  assert.deepEqual(backup.loses, { photos: 9, versions: 0, albums: 2 });
  assert.ok(fs.existsSync(backup.file!), 'the backup not taken is kept as it was');
  assert.deepEqual(
    fs.readdirSync(paths.root).filter((f) => f.endsWith('.tmp')),
    [],
    'no candidate left behind',
  );
});

test('`doctor --repair` tells the user what each candidate keeps and would lose', () => {
  const library = path.join(root, 'lib2');
  const paths = ensureLibrary(library);
  let c = Catalogue.open(paths.catalogue);
  c.upsertOriginal(photo(0));
  c.close();
  c = Catalogue.open(paths.catalogue, { now: () => '2024-06-01T10:00:00.000Z', backupDir: paths.backups });
  c.transaction(() => {
    for (let i = 1; i < 10; i++) c.upsertOriginal(photo(i));
    c.addToAlbum(c.createAlbum('Gran').id, [1, 2]);
    c.createAlbum('Summer 1958');
  });
  c.close();
  damageIndex(paths.catalogue, 'originals_imported_at');
  const r = fx.runCli(['doctor', '--repair'], { library });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /what the damaged catalogue still holds: 10 photo\(s\), 0 colorized version\(s\), 2 album\(s\) — taken: it keeps the most/);
  assert.match(
    r.stdout,
    /the backup of 2024-06-01 10:00:00 UTC .*: 1 photo\(s\), 0 colorized version\(s\), 0 album\(s\) — not taken: it would lose 9 photo\(s\) and 2 album\(s\)/,
  );
  assert.match(r.stdout, /^Catalogue: ok/m);
});

test('with backups dated in the future, repair still restores the backup that keeps the most, never an empty one', () => {
  const paths = ensureLibrary(path.join(root, 'lib3'));
  let c = Catalogue.open(paths.catalogue);
  c.close();
  for (const d of ['20990101', '20990102', '20990103'])
    fs.copyFileSync(paths.catalogue, path.join(paths.backups, `catalogue-${d}T000000000Z.sqlite`));
  c = Catalogue.open(paths.catalogue);
  c.transaction(() => {
    for (let i = 0; i < 5; i++) c.upsertOriginal(photo(i));
  });
  c.close();
  c = Catalogue.open(paths.catalogue, { now: () => '2024-06-01T10:00:00.000Z', backupDir: paths.backups });
  c.close();
  fx.writeRandomBytes(paths.catalogue, 0); // the header itself: nothing can be read back
  const r = repairCatalogue(paths);
  assert.equal(r.action, 'restored', JSON.stringify(r, null, 1));
  assert.equal(r.restoredFrom?.takenAt, '2024-06-01T10:00:00.000Z');
  assert.equal(counts(paths.catalogue).photos, 5);
  const emptyOnes = r.candidates.filter((k) => k.source === 'backup' && k.keeps.photos === 0);
  assert.ok(emptyOnes.every((k) => !k.chosen && k.loses.photos === 5));
});
