// "A library a family can trust": a damaged catalogue is refused by every command and left as it was,
// `heirloom doctor` says so and `--repair` takes the backup or salvage that keeps the most; the library
// folder vanishing mid-batch stops the batch loudly; the same photo at two paths keeps both paths.
// Real catalogues, real photos, the real model and the real CLI.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Catalogue } from '../../src-main/core/catalogue';
import { main } from '../../src-main/cli';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  } catch (e) {
    return (e as Error).message;
  } finally {
    db.close();
  }
}

function count(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const DAMAGED =
  /The catalogue .*catalogue\.sqlite is damaged \(SQLite reports: .+\)\. Heirloom has left it untouched\. Run `heirloom doctor --repair`/;

describe('a damaged catalogue', () => {
  let root: string;
  let library: string;
  let file: string;
  before(() => {
    root = fx.makeTempDir('heirloom-damaged-');
    library = path.join(root, 'library');
    file = path.join(library, 'catalogue.sqlite');
  });
  after(() => fx.removeDir(root));

  test('every command refuses it, unchanged; doctor says so (exit 1); doctor --repair restores the newest good backup', async () => {
    assert.equal(fx.runCli(['list'], { library }).status, 0); // creates the catalogue
    // 400 photos, then a day later the automatic backup, then one more photo the backup does not have.
    const add = (c: Catalogue, from: number, to: number): void =>
      c.transaction(() => {
        for (let i = from; i < to; i++) c.upsertOriginal({ path: path.join(root, 'photos', `p${i}.jpg`), sha256: i.toString(16).padStart(64, '0') });
      });
    let c = Catalogue.open(file);
    add(c, 0, 400);
    c.close();
    c = Catalogue.open(file, { backupDir: path.join(library, 'backups') });
    assert.ok(c.backup?.file, 'backed up on opening');
    add(c, 400, 401);
    c.close();
    const backup = c.backup!.file!;

    fx.writeRandomBytes(file);
    // And the page of the originals table that holds p200's row: what salvage reads back is then fewer
    // photos than the backup holds, so the backup is what repair should take (it compares both).
    const rowAt = fs.readFileSync(file).indexOf('p200.jpg');
    assert.ok(rowAt > 0);
    fx.writeRandomBytes(file, Math.floor(rowAt / 4096) * 4096);
    assert.notEqual(integrity(file), 'ok', 'the fixture really is damaged');
    const damagedSha = fx.sha256File(file);
    const photo = await fx.writePhoto(path.join(root, 'in', 'p.jpg'), 64, 48, { colour: false });
    const outDir = path.join(root, 'out');

    for (const args of [
      ['colorize', photo, '--out', outDir],
      ['list', '--json'],
    ]) {
      const r = fx.runCli(args, { library });
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, DAMAGED, args[0]);
      assert.equal(fx.sha256File(file), damagedSha, `${args[0]} changed the catalogue`);
    }
    assert.equal(fs.existsSync(outDir), false, 'nothing was colorized');

    const doctor = fx.runCli(['doctor'], { library });
    assert.equal(doctor.status, 1, doctor.stderr);
    assert.match(doctor.stdout, /^Catalogue: DAMAGED — The catalogue .* is damaged/m);
    assert.match(doctor.stdout, /^Backups: +1 in /m);
    const json = fx.runCli(['doctor', '--json'], { library });
    assert.equal(json.status, 1, json.stderr);
    const info = JSON.parse(json.stdout) as { catalogue: { ok: boolean; integrityCheck: string; error: string; backups: { file: string }[] } };
    assert.equal(info.catalogue.ok, false);
    assert.notEqual(info.catalogue.integrityCheck, 'ok');
    assert.match(info.catalogue.error, DAMAGED);
    assert.deepEqual(
      info.catalogue.backups.map((b) => b.file),
      [backup],
    );
    assert.equal(fx.sha256File(file), damagedSha, 'doctor changed the catalogue');

    const repair = fx.runCli(['doctor', '--repair'], { library });
    assert.equal(repair.status, 0, repair.stdout + repair.stderr);
    assert.match(repair.stdout, /^Repair: +the catalogue failed its integrity check/m);
    assert.match(repair.stdout, new RegExp(`restored the backup of .* \\(${backup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    assert.match(repair.stdout, /not recovered: Changes made after the backup was taken/);
    assert.match(repair.stdout, /candidate: the backup of .*: 400 photo\(s\), .* — taken: it keeps the most/);
    assert.match(repair.stdout, /candidate: what the damaged catalogue still holds: \d+ photo\(s\), .* — not taken: it would lose \d+ photo\(s\)/);
    assert.match(repair.stdout, /^Catalogue: ok/m);
    // The damaged file is kept, byte for byte, beside the restored one.
    const kept = fs.readdirSync(library).filter((f) => /^catalogue\.damaged-.*\.sqlite$/.test(f));
    assert.equal(kept.length, 1, fs.readdirSync(library).join(', '));
    assert.equal(fx.sha256File(path.join(library, kept[0]!)), damagedSha);
    assert.equal(integrity(file), 'ok');
    assert.equal(count(file, 'originals'), 400, 'the backed-up photos are back');
    assert.ok(fs.existsSync(backup), 'the backup itself is kept');
    assert.equal(fx.runCli(['list'], { library }).status, 0);
  });

  test('with no usable backup, --repair reads back every row the damaged catalogue still yields and registers the fine-tuned models it finds', () => {
    const lib2 = path.join(root, 'library2');
    assert.equal(fx.runCli(['list'], { library: lib2 }).status, 0);
    const file2 = path.join(lib2, 'catalogue.sqlite');
    const c = Catalogue.open(file2);
    c.transaction(() => {
      for (let i = 0; i < 400; i++) c.upsertOriginal({ path: path.join(root, 'photos', `p${i}.jpg`), sha256: i.toString(16).padStart(64, '0') });
    });
    c.close();
    // A fine-tuned checkpoint's folder in models/ (its manifest is what the library itself still knows).
    const manifest = JSON.parse(fs.readFileSync(path.join(fx.SHIPPED_MODEL_DIR, 'heirloom.json'), 'utf8'));
    const ckDir = path.join(lib2, 'models', 'family-s000040');
    fs.mkdirSync(ckDir, { recursive: true });
    fs.writeFileSync(
      path.join(ckDir, 'heirloom.json'),
      JSON.stringify({ ...manifest, id: 'family-s000040', name: 'family (step 40)', parentId: manifest.id }),
    );
    fs.mkdirSync(path.join(lib2, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(lib2, 'backups', 'catalogue-20240101T000000000Z.sqlite'), 'not a database'); // a bad backup is skipped
    // Two damaged pages: one in the middle of the file, and the page of the originals table that holds p200's row.
    fx.writeRandomBytes(file2);
    const rowAt = fs.readFileSync(file2).indexOf('p200.jpg');
    assert.ok(rowAt > 0);
    fx.writeRandomBytes(file2, Math.floor(rowAt / 4096) * 4096);
    const damagedSha = fx.sha256File(file2);

    const r = fx.runCli(['doctor', '--repair'], { library: lib2 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /skipped the backup .*catalogue-20240101T000000000Z\.sqlite: it fails its own check/);
    const said = /made a new catalogue from what the damaged one still holds: (\d+) photo\(s\)/.exec(r.stdout);
    assert.ok(said, r.stdout);
    assert.match(r.stdout, /registered 1 fine-tuned model\(s\) found in the library: family-s000040/);
    assert.match(r.stdout, /not recovered: \d+ record\(s\) in the damaged catalogue could not be read \(originals: \d+/);
    const kept = fs.readdirSync(lib2).filter((f) => /^catalogue\.damaged-.*\.sqlite$/.test(f));
    assert.equal(fx.sha256File(path.join(lib2, kept[0]!)), damagedSha);
    assert.equal(integrity(file2), 'ok');
    // One 4 KB page of random bytes costs the rows on that page (≈ 40 here), not the other 360.
    const salvaged = count(file2, 'originals');
    assert.equal(salvaged, Number(said[1]));
    assert.ok(salvaged >= 300 && salvaged < 400, `${salvaged} of 400 photos read back`);
    const db = new Database(file2, { readonly: true });
    const paths = (db.prepare('SELECT path FROM originals').all() as { path: string }[]).map((p) => path.basename(p.path));
    assert.ok(
      paths.every((p) => /^p\d+\.jpg$/.test(p)),
      'only whole, real rows came back',
    );
    assert.ok(!paths.includes('p200.jpg') && paths.includes('p0.jpg') && paths.includes('p399.jpg'));
    const rows = db.prepare('SELECT id, parent_id, kind FROM model_checkpoints ORDER BY id').all();
    db.close();
    assert.deepEqual(rows, [
      { id: 'family-s000040', parent_id: manifest.id, kind: 'finetuned' },
      { id: manifest.id, parent_id: null, kind: 'shipped' },
    ]);
  });
});

describe('the library folder disappearing mid-batch', () => {
  let root: string;
  let files: string[];
  before(async () => {
    root = fx.makeTempDir('heirloom-gone-');
    files = [];
    for (let i = 1; i <= 4; i++) files.push(await fx.writePhoto(path.join(root, 'in', `photo${i}.jpg`), 96, 64, { colour: false, seed: i }));
  });
  after(() => fx.removeDir(root));

  test('the core stops the batch with a clear error after the photo in hand, and writes nothing more', async () => {
    const library = path.join(root, 'library-core');
    const outDir = path.join(root, 'out-core');
    const core = HeirloomCore.open({ library });
    const seen: number[] = [];
    try {
      await assert.rejects(
        core.colorizeBatch(files, {
          outDir,
          onProgress: (p) => {
            seen.push(p.done);
            if (p.done === 1) fs.rmSync(library, { recursive: true });
          },
        }),
        (err: Error) => {
          assert.equal(err.name, 'LibraryVanishedError');
          assert.equal(
            err.message,
            `The library folder ${library} disappeared while working (its catalogue ${path.join(library, 'catalogue.sqlite')} was removed or replaced); nothing more was written. Put the folder back, or choose another library, and run the command again.`,
          );
          return true;
        },
      );
    } finally {
      core.close();
    }
    assert.deepEqual(seen, [1], 'no photo after the folder went');
    assert.equal(fs.existsSync(library), false, 'the library folder was not made again');
    assert.deepEqual(fs.readdirSync(outDir), ['photo1.jpg']);
  });

  test('`heirloom colorize` exits non-zero with that message, never "4 colorized"', async () => {
    const library = path.join(root, 'library-cli');
    const outDir = path.join(root, 'out-cli');
    let stderr = '';
    const write = process.stderr.write;
    // The CLI prints one progress line per photo: the folder goes as soon as the first one is printed.
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      if (/^\[1\/4\] /m.test(stderr) && fs.existsSync(library)) fs.rmSync(library, { recursive: true });
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['colorize', ...files, '--out', outDir, '--library', library]);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, 1, stderr);
    assert.match(stderr, /heirloom: The library folder .*library-cli disappeared while working .*; nothing more was written\./);
    assert.doesNotMatch(stderr, /colorized/);
    assert.doesNotMatch(stderr, /^\[2\/4\]/m);
    assert.equal(fs.existsSync(library), false);
  });
});

describe('the same photo at two paths', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-twins-')));
  after(() => fx.removeDir(root));

  test('both paths are kept; each file is colorized under its own name', async () => {
    const first = await fx.writePhoto(path.join(root, 'album', 'Oma 1952.jpg'), 96, 64, { colour: false, seed: 3 });
    const second = path.join(root, 'scans', 'scan-0001.jpg');
    fs.mkdirSync(path.dirname(second), { recursive: true });
    fs.copyFileSync(first, second);
    const core = HeirloomCore.open({ library: path.join(root, 'library') });
    try {
      const outDir = path.join(root, 'out');
      const summary = await core.colorizeBatch([first, second], { outDir });
      assert.equal(summary.status, 'done', JSON.stringify(summary.results));
      assert.deepEqual(fs.readdirSync(outDir).sort(), ['Oma 1952.jpg', 'scan-0001.jpg']);
      const rows = core.catalogue.listOriginals();
      assert.equal(rows.length, 1, 'one photo (same bytes)');
      assert.equal(rows[0]!.path, first, 'the first path was not overwritten');
      assert.deepEqual(core.catalogue.otherPaths(rows[0]!.id), [second]);
      assert.equal(core.catalogue.listOutputs(rows[0]!.id).length, 2);
    } finally {
      core.close();
    }
  });
});
