// Automatic backups are ordered and pruned by their own sequence numbers, never by the dates in their
// names: backups made while the clock was set years ahead must not make every new backup the "oldest"
// one, pruned the moment it is made (a hostile probe found repair then restoring an empty catalogue).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Catalogue, listBackups } from '../../src-main/core/catalogue/catalogue';
import { makeTempDir, removeDir } from '../helpers/fixtures';

let dir: string;
before(() => (dir = makeTempDir('heirloom-backups-seq-')));
after(() => removeDir(dir));

const photo = (i: number) => ({ path: path.join(dir, 'photos', `p${i}.jpg`), sha256: i.toString(16).padStart(64, '0') });
const photos = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM originals').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test('backups dated in the future (a wrong clock) never get a new backup pruned at once; order is by sequence', () => {
  const file = path.join(dir, 'lib', 'catalogue.sqlite');
  const backups = path.join(dir, 'lib', 'backups');
  fs.mkdirSync(backups, { recursive: true });
  let c = Catalogue.open(file);
  c.close();
  // Three backups of the empty catalogue, made while the clock said 2099 (named as Heirloom named them then).
  for (const d of ['20990101', '20990102', '20990103']) fs.copyFileSync(file, path.join(backups, `catalogue-${d}T000000000Z.sqlite`));
  c = Catalogue.open(file);
  c.transaction(() => {
    for (let i = 0; i < 5; i++) c.upsertOriginal(photo(i));
  });
  c.close();

  c = Catalogue.open(file, { now: () => '2024-06-01T10:00:00.000Z', backupDir: backups });
  const made = c.backup?.file;
  c.close();
  assert.ok(made, 'a backup was made');
  assert.ok(fs.existsSync(made), 'and kept: it is the newest, whatever the old ones are dated');
  assert.equal(listBackups(backups)[0]!.file, made);
  assert.equal(photos(made), 5);
  assert.equal(listBackups(backups).length, 3, 'three kept in all');

  // The next days: each new backup is newer than the one before, by number.
  c = Catalogue.open(file, { now: () => '2024-06-02T10:00:00.000Z', backupDir: backups });
  c.upsertOriginal(photo(5));
  c.close();
  c = Catalogue.open(file, { now: () => '2024-06-03T10:00:00.000Z', backupDir: backups });
  const third = c.backup?.file;
  c.close();
  const kept = listBackups(backups);
  assert.deepEqual(
    kept.map((b) => b.seq),
    [3, 2, 1],
  );
  assert.equal(kept[0]!.file, third);
  assert.deepEqual(
    kept.map((b) => photos(b.file)),
    [6, 5, 5],
  );
  assert.ok(
    kept.every((b) => !b.takenAt.startsWith('2099')),
    'the future-dated ones were pruned first',
  );
});

test('a backup made while the clock is behind still counts as the newest', () => {
  const file = path.join(dir, 'lib2', 'catalogue.sqlite');
  const backups = path.join(dir, 'lib2', 'backups');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let c = Catalogue.open(file);
  c.upsertOriginal(photo(1));
  c.close();
  for (const [now, n] of [
    ['2024-06-10T10:00:00.000Z', 2],
    ['2021-01-01T10:00:00.000Z', 3], // the clock set years back: due (the newest is over an hour ahead)
  ] as const) {
    c = Catalogue.open(file, { now: () => now, backupDir: backups });
    c.upsertOriginal(photo(n));
    c.close();
  }
  const kept = listBackups(backups);
  assert.equal(kept.length, 2);
  assert.equal(kept[0]!.takenAt, '2021-01-01T10:00:00.000Z', 'newest by number, though dated earlier');
  assert.equal(photos(kept[0]!.file), 2);
});
