import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  BACKUPS_KEPT,
  Catalogue,
  CatalogueCorruptError,
  CatalogueMigrationError,
  CatalogueTooNewError,
  CatalogueUnreadableError,
  listBackups,
  MIGRATIONS,
  latestVersion,
  type Migration,
} from '../../src-main/core/catalogue';
import { writeRandomBytes } from '../helpers/fixtures';

let dir: string;
let file: string;
const open: Catalogue[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-cat-'));
  file = path.join(dir, 'catalogue.sqlite');
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A clock that ticks one second per call, so ordering by time is deterministic. */
function fakeClock(start = Date.UTC(2024, 0, 1)): () => string {
  let t = start;
  return () => new Date((t += 1000)).toISOString();
}

function openCat(opts: { migrations?: readonly Migration[] } = {}): Catalogue {
  const c = Catalogue.open(file, { now: fakeClock(), ...opts });
  open.push(c);
  return c;
}

function closeCat(c: Catalogue): void {
  c.close();
  open.splice(open.indexOf(c), 1);
}

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const hashFile = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const photo = (name: string, extra: { takenAt?: string | null } = {}) => ({
  path: path.join(os.tmpdir(), 'photos', name),
  sha256: sha(name),
  bytes: 1000,
  width: 640,
  height: 480,
  takenAt: extra.takenAt ?? null,
  camera: null,
});

/** A second, plain connection for looking under the hood (foreign keys on: better-sqlite3's default). */
function raw(): Database.Database {
  return new Database(file);
}

function addShippedModel(c: Catalogue, id = 'heirloom-base-v2') {
  return c.registerCheckpoint({ id, name: 'Base', path: path.join(os.tmpdir(), 'app', 'models', id), kind: 'shipped' });
}

describe('opening', () => {
  test('a fresh catalogue has the latest schema version, WAL, foreign keys and no backup', () => {
    const c = openCat();
    assert.equal(c.migration.fromVersion, 0);
    assert.equal(c.migration.toVersion, latestVersion(MIGRATIONS));
    assert.equal(c.migration.backupPath, undefined);
    assert.equal(c.integrityCheck(), 'ok');
    // Foreign keys are enforced on the catalogue's own connection.
    assert.throws(() => c.addOutput({ originalId: 999, checkpointId: 'nope', params: {}, path: path.join(dir, 'x.jpg') }), /FOREIGN KEY/);
    const db = raw();
    try {
      assert.equal(db.pragma('user_version', { simple: true }), latestVersion(MIGRATIONS));
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.bak')),
      [],
    );
  });

  test('reopening a current catalogue changes nothing and takes no backup', () => {
    const c1 = openCat();
    c1.upsertOriginal(photo('a.jpg'));
    closeCat(c1);
    const c2 = openCat();
    assert.equal(c2.migration.fromVersion, c2.migration.toVersion);
    assert.equal(c2.countOriginals(), 1);
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.bak')).length, 0);
  });

  for (const journal of ['delete', 'wal']) {
    test(`a catalogue from a newer Heirloom (${journal} journal) is refused and left byte-for-byte unchanged`, () => {
      const db = raw();
      db.pragma(`journal_mode = ${journal}`);
      db.exec('CREATE TABLE future_things (x); INSERT INTO future_things VALUES (1);');
      db.pragma('user_version = 99');
      db.close();
      const before = hashFile(file);
      const filesBefore = fs.readdirSync(dir).sort();

      assert.throws(
        () => Catalogue.open(file),
        (err: unknown) => {
          assert.ok(err instanceof CatalogueTooNewError);
          assert.equal(err.fileVersion, 99);
          assert.equal(err.knownVersion, latestVersion(MIGRATIONS));
          assert.equal(
            err.message,
            `This library was written by a newer version of Heirloom (schema 99, this version knows ${latestVersion(MIGRATIONS)}). Update Heirloom to open it.`,
          );
          return true;
        },
      );
      assert.equal(hashFile(file), before);
      assert.deepEqual(fs.readdirSync(dir).sort(), filesBefore);
    });
  }

  test('a file that is not a database gets a clear error and is not changed', () => {
    fs.writeFileSync(file, 'this is a text file that someone renamed to catalogue.sqlite, not a database at all');
    const before = hashFile(file);
    assert.throws(() => Catalogue.open(file), CatalogueUnreadableError);
    assert.equal(hashFile(file), before);
  });
});

describe('migrations', () => {
  test('a pre-versioned (v0) database with content is backed up before migrating', () => {
    const db = raw();
    db.exec("CREATE TABLE legacy (name TEXT); INSERT INTO legacy VALUES ('grandma');");
    db.close();

    const c = openCat();
    assert.equal(c.migration.fromVersion, 0);
    assert.equal(c.migration.backupPath, `${file}.bak-v0`);
    const bak = new Database(`${file}.bak-v0`, { readonly: true });
    try {
      assert.equal(bak.pragma('user_version', { simple: true }), 0);
      assert.deepEqual(bak.prepare('SELECT name FROM legacy').all(), [{ name: 'grandma' }]);
      assert.deepEqual(bak.prepare("SELECT name FROM sqlite_schema WHERE name = 'originals'").all(), []);
    } finally {
      bak.close();
    }
    assert.equal(c.integrityCheck(), 'ok');
  });

  test('v1 → v2 keeps the data, backs up v1 once, and a failed migration rolls back completely', () => {
    const v1 = MIGRATIONS.slice(0, 1);
    const v2: Migration[] = [...v1, { version: 2, sql: 'ALTER TABLE originals ADD COLUMN note TEXT;' }];

    const c1 = openCat({ migrations: v1 });
    const a = c1.upsertOriginal(photo('a.jpg'));
    closeCat(c1);

    // A broken v3 must leave the file at v1 with its data, and say so.
    const broken: Migration[] = [...v2, { version: 3, sql: 'CREATE TABLE oops (;' }];
    assert.throws(
      () => Catalogue.open(file, { migrations: broken }),
      (err: unknown) => {
        assert.ok(err instanceof CatalogueMigrationError);
        assert.equal(err.fromVersion, 1);
        assert.match(err.message, /from schema 1 to 3/);
        return true;
      },
    );
    let db = raw();
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    assert.equal(db.prepare("SELECT count(*) AS n FROM pragma_table_info('originals') WHERE name = 'note'").pluck().get(), 0);
    db.close();
    fs.rmSync(`${file}.bak-v1`); // the failed attempt's backup; the next attempt makes a fresh one

    const c2 = openCat({ migrations: v2 });
    assert.deepEqual(c2.migration, { fromVersion: 1, toVersion: 2, backupPath: `${file}.bak-v1` });
    assert.equal(c2.getOriginal(a.id)?.sha256, a.sha256);
    closeCat(c2);

    db = raw();
    assert.equal(db.pragma('user_version', { simple: true }), 2);
    db.close();
    const bak = new Database(`${file}.bak-v1`, { readonly: true });
    assert.equal(bak.pragma('user_version', { simple: true }), 1);
    assert.equal(bak.prepare('SELECT count(*) FROM originals').pluck().get(), 1);
    bak.close();

    const c3 = openCat({ migrations: v2 });
    assert.equal(c3.migration.backupPath, undefined);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.bak')),
      ['catalogue.sqlite.bak-v1'],
    );
  });

  test('an existing backup is never overwritten', () => {
    const v1 = MIGRATIONS.slice(0, 1);
    const c1 = openCat({ migrations: v1 });
    c1.upsertOriginal(photo('a.jpg'));
    closeCat(c1);
    fs.writeFileSync(`${file}.bak-v1`, 'older backup');
    const c2 = openCat({ migrations: [...v1, { version: 2, sql: 'CREATE TABLE extra (x);' }] });
    assert.match(c2.migration.backupPath ?? '', /catalogue\.sqlite\.bak-v1-\d{4}-/);
    assert.equal(fs.readFileSync(`${file}.bak-v1`, 'utf8'), 'older backup');
  });

  test('migration lists must be numbered 1..N', () => {
    assert.throws(() => Catalogue.open(file, { migrations: [{ version: 2, sql: '' }] }), /numbered 1\.\.N/);
  });
});

describe('originals', () => {
  test('upsert is idempotent by sha256 and follows a moved file', () => {
    const c = openCat();
    const a1 = c.upsertOriginal(photo('a.jpg', { takenAt: '1952-06-01' }));
    const a2 = c.upsertOriginal(photo('a.jpg'));
    assert.equal(a2.id, a1.id);
    assert.equal(a2.takenAt, '1952-06-01', 'known metadata is not erased by a later import without it');
    assert.equal(a2.importedAt, a1.importedAt);
    assert.equal(c.countOriginals(), 1);

    c.markMissing(a1.id, true);
    assert.equal(c.getOriginal(a1.id)?.missing, true);
    const movedPath = path.join(os.tmpdir(), 'elsewhere', 'a.jpg');
    const moved = c.upsertOriginal({ ...photo('a.jpg'), path: movedPath, sha256: sha('a.jpg').toUpperCase() });
    assert.equal(moved.id, a1.id);
    assert.equal(moved.path, movedPath);
    assert.equal(moved.missing, false);
    assert.equal(c.findOriginalBySha(sha('a.jpg'))?.id, a1.id);
    assert.equal(c.countOriginals(), 1);

    assert.throws(() => c.upsertOriginal({ ...photo('b.jpg'), path: 'relative/b.jpg' }), /absolute/);
    assert.throws(() => c.upsertOriginal({ ...photo('b.jpg'), sha256: 'abc' }), /sha256/);
    assert.equal(c.getOriginal(12345), undefined);
  });

  test('listing sorts and filters, with the latest output joined', () => {
    const c = openCat();
    const model = addShippedModel(c);
    // Imported in this order: b, c, a.
    const b = c.upsertOriginal(photo('b.jpg', { takenAt: '1960-01-01' }));
    const cc = c.upsertOriginal(photo('C.jpg'));
    const a = c.upsertOriginal(photo('a.jpg', { takenAt: '1931-05-02' }));
    c.addOutput({ originalId: b.id, checkpointId: model.id, params: { v: 1 }, path: path.join(dir, 'outputs', 'b1.jpg') });
    const newest = c.addOutput({
      originalId: b.id,
      checkpointId: model.id,
      params: { v: 2 },
      path: path.join(dir, 'outputs', 'b2.jpg'),
    });

    const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
    assert.deepEqual(ids(c.listOriginals({ sort: 'taken' })), [a.id, b.id, cc.id], 'oldest first, undated last');
    assert.deepEqual(ids(c.listOriginals({ sort: 'name' })), [a.id, b.id, cc.id], 'by file name, case-insensitive');
    assert.deepEqual(ids(c.listOriginals({ sort: 'imported' })), [a.id, cc.id, b.id], 'newest import first');
    assert.deepEqual(ids(c.listOriginals({ sort: 'imported', limit: 1, offset: 1 })), [cc.id]);

    assert.deepEqual(ids(c.listOriginals({ sort: 'name', filter: 'colorized' })), [b.id]);
    assert.deepEqual(ids(c.listOriginals({ sort: 'name', filter: 'uncolorized' })), [a.id, cc.id]);
    assert.equal(c.countOriginals('all'), 3);
    assert.equal(c.countOriginals('colorized'), 1);
    assert.equal(c.countOriginals('uncolorized'), 2);

    const rowB = c.listOriginals({ filter: 'colorized' })[0]!;
    assert.equal(rowB.hasOutput, true);
    assert.equal(rowB.latestOutputId, newest.id);
    assert.equal(rowB.latestOutputPath, newest.path);
    assert.equal(c.listOriginals({ filter: 'uncolorized' })[0]!.hasOutput, false);

    assert.deepEqual(ids(c.listOutputs(b.id)), [newest.id, newest.id - 1]);
    assert.equal(c.latestOutput(b.id)?.id, newest.id);
    assert.deepEqual(c.latestOutput(b.id)?.params, { v: 2 });
    assert.equal(c.latestOutput(a.id), undefined);
    assert.throws(() => c.listOriginals({ limit: -1 }), /limit/);
    assert.throws(() => c.listOriginals({ sort: 'x' as never }), /Unknown sort/);
  });

  test('files inside the library are stored relative (the library can move) and returned absolute', () => {
    const c = openCat();
    const model = addShippedModel(c);
    const a = c.upsertOriginal(photo('a.jpg'));
    const outPath = path.join(dir, 'outputs', String(a.id), 'result one.jpg');
    const thumb = path.join(dir, 'thumbs', `${a.id}.jpg`);
    assert.equal(c.addOutput({ originalId: a.id, checkpointId: model.id, params: {}, path: outPath }).path, outPath);
    c.setThumb(a.id, thumb);
    assert.equal(c.getOriginal(a.id)?.thumbPath, thumb);

    const db = raw();
    try {
      assert.equal(db.prepare('SELECT path FROM outputs').pluck().get(), `outputs/${a.id}/result one.jpg`);
      assert.equal(db.prepare('SELECT thumb_path FROM originals').pluck().get(), `thumbs/${a.id}.jpg`);
      assert.equal(db.prepare('SELECT path FROM originals').pluck().get(), a.path, 'originals stay absolute');
      assert.equal(db.prepare('SELECT path FROM model_checkpoints').pluck().get(), model.path, 'outside: absolute');
    } finally {
      db.close();
    }
    assert.throws(() => c.setThumb(999, thumb), /No photo with id 999/);
  });
});

describe('model checkpoints', () => {
  test('exactly one is active, switched in one transaction', () => {
    const c = openCat();
    const base = addShippedModel(c);
    const tuned = c.registerCheckpoint({
      id: crypto.randomUUID(),
      name: 'Family tune',
      parentId: base.id,
      path: path.join(dir, 'models', 'tuned'),
      kind: 'finetuned',
      metrics: { deltaE: 9.5 },
      dataSummary: { photos: 120 },
    });
    assert.equal(c.getActiveCheckpoint(), undefined);
    c.setActiveCheckpoint(base.id);
    assert.equal(c.getActiveCheckpoint()?.id, base.id);
    const active = c.setActiveCheckpoint(tuned.id);
    assert.equal(active.active, true);
    assert.deepEqual(
      c.listCheckpoints().map((k) => [k.id, k.active]),
      [
        [base.id, false],
        [tuned.id, true],
      ],
    );
    assert.deepEqual(c.getCheckpoint(tuned.id)?.metrics, { deltaE: 9.5 });
    assert.equal(c.getCheckpoint(tuned.id)?.parentId, base.id);

    assert.throws(() => c.setActiveCheckpoint('no-such-model'), /No model checkpoint/);
    assert.equal(c.getActiveCheckpoint()?.id, tuned.id, 'a failed switch keeps the active model');

    // The database itself refuses a second active row.
    const db = raw();
    try {
      assert.throws(() => db.prepare('UPDATE model_checkpoints SET active = 1').run(), /UNIQUE/);
    } finally {
      db.close();
    }

    // Registering the shipped model again on start-up updates it in place and keeps it inactive.
    const again = c.registerCheckpoint({ id: base.id, name: 'Base 1.1', path: path.join(dir, 'elsewhere'), kind: 'shipped' });
    assert.equal(again.name, 'Base 1.1');
    assert.equal(again.active, false);
    assert.equal(c.listCheckpoints().length, 2);
  });
});

describe('albums', () => {
  test('add (in order, duplicates ignored), reorder, cover, remove, rename, delete keeps photos', () => {
    const c = openCat();
    const [p1, p2, p3] = ['1.jpg', '2.jpg', '3.jpg'].map((n) => c.upsertOriginal(photo(n)));
    const album = c.createAlbum('  Summer 1958 ');
    assert.equal(album.name, 'Summer 1958');
    assert.throws(() => c.createAlbum('   '), /needs a name/);

    assert.equal(c.addToAlbum(album.id, [p2!.id, p1!.id, p2!.id]), 2);
    assert.equal(c.addToAlbum(album.id, [p1!.id, p3!.id]), 1);
    const order = () => c.albumItems(album.id).map((i) => i.originalId);
    assert.deepEqual(order(), [p2!.id, p1!.id, p3!.id]);
    assert.throws(() => c.addToAlbum(album.id, [p3!.id, 999]), /No photo with id 999/);
    assert.deepEqual(order(), [p2!.id, p1!.id, p3!.id], 'a failed add changes nothing');

    c.reorderAlbum(album.id, [p3!.id, p2!.id, p1!.id]);
    assert.deepEqual(order(), [p3!.id, p2!.id, p1!.id]);
    assert.throws(() => c.reorderAlbum(album.id, [p3!.id, p2!.id]), /exactly once/);
    assert.throws(() => c.reorderAlbum(album.id, [p3!.id, p2!.id, p2!.id]), /exactly once/);

    assert.equal(c.getAlbum(album.id)?.effectiveCoverId, p3!.id, 'default cover is the first photo');
    c.setAlbumCover(album.id, p1!.id);
    assert.equal(c.getAlbum(album.id)?.effectiveCoverId, p1!.id);
    assert.equal(c.removeFromAlbum(album.id, [p1!.id]), 1);
    assert.equal(c.getAlbum(album.id)?.coverOriginalId, null, 'a removed photo stops being the cover');
    assert.throws(() => c.setAlbumCover(album.id, p1!.id), /not in album/);

    c.renameAlbum(album.id, 'Summer 1959');
    const other = c.createAlbum('Another');
    c.addToAlbum(other.id, [p1!.id]);
    assert.deepEqual(
      c.listAlbums().map((a) => [a.name, a.itemCount]),
      [
        ['Another', 1],
        ['Summer 1959', 2],
      ],
    );

    assert.equal(c.deleteAlbum(album.id), true);
    assert.equal(c.deleteAlbum(album.id), false);
    assert.equal(c.getAlbum(album.id), undefined);
    assert.equal(c.countOriginals(), 3, 'deleting an album never deletes photos');
    assert.deepEqual(c.albumItems(album.id), []);
    assert.equal(c.listAlbums().length, 1);
  });

  test('an album item can pin a chosen output of its own photo only', () => {
    const c = openCat();
    const model = addShippedModel(c);
    const [p1, p2] = ['1.jpg', '2.jpg'].map((n) => c.upsertOriginal(photo(n)));
    const o1 = c.addOutput({ originalId: p1!.id, checkpointId: model.id, params: {}, path: path.join(dir, 'o1.jpg') });
    const o2 = c.addOutput({ originalId: p2!.id, checkpointId: model.id, params: {}, path: path.join(dir, 'o2.jpg') });
    const album = c.createAlbum('A');
    c.addToAlbum(album.id, [p1!.id]);
    c.setAlbumItemOutput(album.id, p1!.id, o1.id);
    assert.equal(c.albumItems(album.id)[0]!.outputId, o1.id);
    assert.equal(c.albumItems(album.id)[0]!.original.latestOutputId, o1.id);
    assert.throws(() => c.setAlbumItemOutput(album.id, p1!.id, o2.id), /not a version of photo/);
  });
});

describe('cascade rules', () => {
  test('removing a photo removes its outputs and album entries, clears covers and job links', () => {
    const c = openCat();
    const model = addShippedModel(c);
    const [p1, p2] = ['1.jpg', '2.jpg'].map((n) => c.upsertOriginal(photo(n)));
    const out = c.addOutput({ originalId: p1!.id, checkpointId: model.id, params: {}, path: path.join(dir, 'o.jpg') });
    const album = c.createAlbum('A');
    c.addToAlbum(album.id, [p1!.id, p2!.id]);
    c.setAlbumCover(album.id, p1!.id);
    c.setAlbumItemOutput(album.id, p1!.id, out.id);
    const job = c.createJob('colorize', null, [p1!.path]);
    c.setJobItem(job.id, 0, 'done', out.id);

    const db = raw();
    try {
      // A checkpoint that produced outputs cannot be deleted (provenance).
      assert.throws(() => db.prepare('DELETE FROM model_checkpoints WHERE id = ?').run(model.id), /FOREIGN KEY/);
      db.prepare('DELETE FROM originals WHERE id = ?').run(p1!.id);
    } finally {
      db.close();
    }
    assert.deepEqual(c.listOutputs(p1!.id), []);
    assert.deepEqual(
      c.albumItems(album.id).map((i) => i.originalId),
      [p2!.id],
    );
    assert.equal(c.getAlbum(album.id)?.coverOriginalId, null);
    assert.equal(c.jobItems(job.id)[0]!.outputId, null);
    assert.equal(c.jobItems(job.id)[0]!.status, 'done');

    // Deleting an album removes its item rows, and deleting a job removes its items.
    const db2 = raw();
    try {
      db2.prepare('DELETE FROM albums WHERE id = ?').run(album.id);
      db2.prepare('DELETE FROM jobs WHERE id = ?').run(job.id);
      assert.equal(db2.prepare('SELECT count(*) FROM album_items').pluck().get(), 0);
      assert.equal(db2.prepare('SELECT count(*) FROM job_items').pluck().get(), 0);
      assert.equal(db2.prepare('SELECT count(*) FROM originals').pluck().get(), 1);
    } finally {
      db2.close();
    }
  });
});

describe('jobs', () => {
  test('items and progress, then a crashed run is marked interrupted on reopen', () => {
    const c1 = openCat();
    const model = addShippedModel(c1);
    const inputs = ['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'];
    const job = c1.createJob('colorize', { size: 512 }, inputs);
    assert.equal(job.status, 'queued');
    assert.equal(job.progressTotal, 3);
    assert.deepEqual(job.params, { size: 512 });
    assert.deepEqual(
      c1.jobItems(job.id).map((i) => [i.seq, i.input, i.status]),
      inputs.map((p, i) => [i, p, 'pending']),
    );
    const queued = c1.createJob('export', null, []);

    c1.updateJobStatus(job.id, 'running');
    const a = c1.upsertOriginal(photo('a.jpg'));
    // Output row and item result land together.
    const after = c1.transaction(() => {
      const out = c1.addOutput({ originalId: a.id, checkpointId: model.id, params: {}, path: path.join(dir, 'a.jpg') });
      return c1.setJobItem(job.id, 0, 'done', out.id);
    });
    assert.equal(after.progressDone, 1);
    assert.equal(c1.setJobItem(job.id, 0, 'done').progressDone, 1, 'setting an item twice counts it once');
    assert.equal(c1.setJobItem(job.id, 1, 'failed', null, 'truncated JPEG').progressDone, 2);
    assert.equal(c1.jobItems(job.id)[1]!.error, 'truncated JPEG');
    assert.deepEqual(
      c1.pendingItems(job.id).map((i) => i.seq),
      [2],
    );
    assert.throws(() => c1.setJobItem(job.id, 7, 'done'), /no item 7/);
    assert.throws(() => c1.updateJobStatus(999, 'done'), /No job/);
    closeCat(c1); // the process "dies" with the job still running

    const c2 = openCat();
    assert.deepEqual(c2.interruptedJobIds, [job.id]);
    assert.equal(c2.getJob(job.id)?.status, 'interrupted');
    assert.equal(c2.getJob(job.id)?.progressDone, 2, 'finished work is kept');
    assert.equal(c2.getJob(queued.id)?.status, 'queued');
    assert.deepEqual(
      c2.pendingItems(job.id).map((i) => i.input),
      ['/p/c.jpg'],
    );
    assert.deepEqual(
      c2.listJobs().map((j) => j.id),
      [queued.id, job.id],
    );
    assert.deepEqual(
      c2.listJobs({ status: 'interrupted' }).map((j) => j.id),
      [job.id],
    );
    assert.deepEqual(
      c2.listJobs({ status: ['queued', 'running'], limit: 5 }).map((j) => j.id),
      [queued.id],
    );
    closeCat(c2);
    assert.deepEqual(openCat().interruptedJobIds, [], 'only once');
  });
});

describe('settings', () => {
  test('get, set, overwrite, remove', () => {
    const c = openCat();
    assert.equal(c.getSetting('theme'), undefined);
    c.setSetting('theme', 'dark');
    c.setSetting('theme', 'light');
    assert.equal(c.getSetting('theme'), 'light');
    c.setSetting('theme', null);
    assert.equal(c.getSetting('theme'), undefined);
  });
});

describe('damage', () => {
  /** A closed catalogue of `n` photos with outputs and a job, big enough to have pages in the middle. */
  function filledCatalogue(n: number): void {
    const c = openCat();
    addShippedModel(c);
    c.transaction(() => {
      for (let i = 0; i < n; i++) {
        const o = c.upsertOriginal(photo(`p${i}.jpg`));
        c.addOutput({ originalId: o.id, checkpointId: 'heirloom-base-v2', params: { i }, path: path.join(dir, 'outputs', `p${i}.jpg`) });
      }
      c.createJob(
        'colorize',
        null,
        Array.from({ length: n }, (_, i) => `/photos/p${i}.jpg`),
      );
    });
    closeCat(c);
  }

  function quickCheck(f: string): string {
    const db = new Database(f, { readonly: true });
    try {
      return (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).join('\n');
    } catch (e) {
      return (e as Error).message;
    } finally {
      db.close();
    }
  }

  test('random bytes in the middle: opening fails with a clear message and the file is left byte-for-byte as it was', () => {
    filledCatalogue(500);
    writeRandomBytes(file);
    assert.notEqual(quickCheck(file), 'ok', 'the fixture really is damaged');
    const before = hashFile(file);
    const filesBefore = fs.readdirSync(dir).sort();
    const backups = path.join(dir, 'backups');
    assert.throws(
      () => Catalogue.open(file, { backupDir: backups }),
      (err: unknown) => {
        assert.ok(err instanceof CatalogueCorruptError, String(err));
        assert.equal(err.file, file);
        assert.equal(err.when, 'open');
        assert.match(
          err.message,
          new RegExp(
            `^The catalogue ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(SQLite reports: .+\\)\\. Heirloom has left it untouched\\.`,
          ),
        );
        assert.match(err.message, /Run `heirloom doctor --repair`/);
        return true;
      },
    );
    assert.equal(hashFile(file), before, 'not a byte changed');
    assert.deepEqual(fs.readdirSync(dir).sort(), filesBefore, 'no file added next to it');
    assert.equal(fs.existsSync(backups), false, 'a damaged catalogue is never backed up');
  });

  test('"malformed" met during work becomes the same clear error, and nothing more runs on that catalogue', () => {
    filledCatalogue(300);
    const db = new Database(file, { readonly: true });
    const root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'originals'").get() as { rootpage: number }).rootpage;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const c = openCat(); // healthy when opened
    writeRandomBytes(file, (root - 1) * pageSize, pageSize); // then the disk damages the photos table
    let first: unknown;
    assert.throws(
      () => c.getOriginal(1), // a lookup by id starts at the table's root page
      (err: unknown) => {
        first = err;
        assert.ok(err instanceof CatalogueCorruptError, String(err));
        assert.equal(err.when, 'work');
        assert.match(
          err.message,
          /^The catalogue .+ is damaged \(SQLite reports: .*malformed.*\)\. Heirloom stopped before writing anything more to it\. Run `heirloom doctor --repair`/,
        );
        return true;
      },
    );
    // Sticky: later calls, even ones that would not touch the damaged page, fail the same way.
    assert.throws(
      () => c.setSetting('k', 'v'),
      (err: unknown) => err === first,
    );
    assert.throws(
      () => c.transaction(() => c.getSetting('k')),
      (err: unknown) => err === first,
    );
  });
});

describe('backups', () => {
  test('a healthy catalogue is backed up on opening at most once a day, the newest 3 are kept, each whole', () => {
    const backups = path.join(dir, 'backups');
    const at = (iso: string): Catalogue => {
      const c = Catalogue.open(file, { now: () => iso, backupDir: backups });
      open.push(c);
      return c;
    };
    const day = (d: number, h: number) => new Date(Date.UTC(2024, 0, d, h)).toISOString();

    let c = at(day(1, 0));
    assert.deepEqual(listBackups(backups), [], 'a catalogue created just now has nothing to keep');
    c.upsertOriginal(photo('a.jpg'));
    closeCat(c);
    c = at(day(1, 1));
    assert.equal(listBackups(backups).length, 1);
    assert.equal(c.backup?.file, listBackups(backups)[0]!.file);
    c.upsertOriginal(photo('b.jpg'));
    closeCat(c);
    c = at(day(1, 20));
    assert.equal(listBackups(backups).length, 1, 'not again within 24 hours');
    assert.equal(c.backup, undefined);
    closeCat(c);
    for (const d of [2, 3, 4, 5]) {
      c = at(day(d, 2));
      c.upsertOriginal(photo(`d${d}.jpg`));
      closeCat(c);
    }

    assert.equal(BACKUPS_KEPT, 3);
    const kept = listBackups(backups);
    assert.deepEqual(
      kept.map((b) => b.takenAt),
      [day(5, 2), day(4, 2), day(3, 2)],
      'the newest three, newest first',
    );
    assert.deepEqual(fs.readdirSync(backups).sort(), kept.map((b) => path.basename(b.file)).sort(), 'no temp files or older backups left');
    // Each one a healthy catalogue holding the photos there were when it was taken.
    kept.forEach((b, i) => {
      const db = new Database(b.file, { readonly: true });
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal((db.prepare('SELECT count(*) AS n FROM originals').get() as { n: number }).n, 5 - i);
      } finally {
        db.close();
      }
    });
  });
});

describe('the same bytes at two paths', () => {
  test('the first path stays on the photo, the second is kept in original_paths, and none is lost', () => {
    const c = openCat();
    const first = path.join(dir, 'photos', 'Oma 1952.jpg');
    const second = path.join(dir, 'copies', 'scan-0001.jpg');
    const bytes = crypto.randomBytes(5000);
    for (const f of [first, second]) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, bytes);
    }
    const input = (p: string) => ({ path: p, sha256: hashFile(p), bytes: bytes.length, width: 640, height: 480 });

    const a = c.upsertOriginal(input(first));
    const b = c.upsertOriginal(input(second));
    assert.equal(b.id, a.id, 'one photo');
    assert.equal(b.path, first, 'importing the copy does not overwrite the first path');
    assert.deepEqual(c.otherPaths(a.id), [second]);
    c.upsertOriginal(input(second));
    c.upsertOriginal(input(first));
    assert.deepEqual(c.otherPaths(a.id), [second], 'each path recorded once');
    assert.equal(c.countOriginals(), 1);
    assert.equal(c.getOriginal(a.id)?.path, first);

    // The first file goes away (moved): the photo follows the copy still there, and keeps the old path too.
    fs.rmSync(first);
    const moved = c.upsertOriginal(input(second));
    assert.equal(moved.path, second);
    assert.deepEqual(c.otherPaths(a.id), [first]);
  });
});
