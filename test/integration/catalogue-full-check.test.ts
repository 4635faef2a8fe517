// Index damage passes SQLite's quick_check (it does not compare indexes with their tables), so an owner
// runs the full integrity_check before its first write whenever the catalogue was not closed cleanly,
// the library was taken over from a process that is gone, or the last full check is old. A hostile
// probe made such damage with writable_schema; colorize then wrote into a catalogue doctor called damaged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Catalogue, CatalogueCorruptError } from '../../src-main/core/catalogue/catalogue';
import { FULL_CHECK_KEY, SESSION_KEY, checkCatalogueFile } from '../../src-main/core/catalogue/health';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';

let root: string;
before(() => (root = fx.makeTempDir('heirloom-full-check-')));
after(() => fx.removeDir(root));

/** A catalogue with 10 photos, closed cleanly (its full check passed on this opening). */
function catalogueAt(name: string): string {
  const file = path.join(root, name, 'catalogue.sqlite');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let pass = 0; pass < 2; pass++) {
    const c = Catalogue.open(file);
    if (pass === 0)
      c.transaction(() => {
        for (let i = 0; i < 10; i++)
          c.upsertOriginal({ path: path.join(root, `p${i}.jpg`), sha256: i.toString(16).padStart(64, '0'), takenAt: `19${50 + i}-01-01` });
      });
    c.close();
  }
  return file;
}

/** Swaps the root pages of two indexes of one table (writable_schema): every page is sound, the index contents are wrong. */
function damageIndexes(file: string): void {
  const db = new Database(file);
  try {
    const rows = db.prepare("SELECT name, rootpage FROM sqlite_master WHERE name IN ('originals_imported_at', 'originals_taken_at')").all() as {
      name: string;
      rootpage: number;
    }[];
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    const set = db.prepare('UPDATE sqlite_master SET rootpage = ? WHERE name = ?');
    set.run(rows[1]!.rootpage, rows[0]!.name);
    set.run(rows[0]!.rootpage, rows[1]!.name);
    db.pragma('writable_schema = OFF');
  } finally {
    db.close();
  }
  assert.equal(checkCatalogueFile(file, 'quick').ok, true, 'the quick check does not see it');
  assert.match(checkCatalogueFile(file, 'full').problems, /missing from index/, 'the full check does');
}

function setSetting(file: string, key: string, value: string): void {
  const db = new Database(file);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  db.close();
}

const refused = (e: unknown): boolean => e instanceof CatalogueCorruptError && e.when === 'open' && /missing from index/.test(e.problems);

test('a catalogue that was not closed cleanly gets the full check before anything is written', () => {
  const file = catalogueAt('unclean');
  setSetting(file, SESSION_KEY, JSON.stringify({ pid: 999999, openedAt: new Date().toISOString() })); // the owner was killed
  damageIndexes(file);
  const sha = fx.sha256File(file);
  assert.throws(() => Catalogue.open(file), refused);
  assert.equal(fx.sha256File(file), sha, 'not a byte written');
});

test('a cleanly closed catalogue opens with the quick check, and gets the full one once the last is a week old', () => {
  const file = catalogueAt('clean');
  const c = Catalogue.open(file);
  assert.equal(c.opening?.mode, 'quick', 'closed cleanly, fully checked just now');
  c.close();
  damageIndexes(file);
  setSetting(file, FULL_CHECK_KEY, new Date(Date.now() - 8 * 24 * 3600_000).toISOString());
  assert.throws(() => Catalogue.open(file), refused);
});

test('an owner that takes the library over from a process that is gone runs the full check', () => {
  const file = catalogueAt('taken-over');
  damageIndexes(file);
  const library = path.dirname(file);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid; // a process that has exited
  const now = new Date().toISOString();
  fs.writeFileSync(
    path.join(library, 'heirloom.lock'),
    JSON.stringify({ pid: dead, host: os.hostname(), holder: '`heirloom colorize`', startedAt: now, heartbeatAt: now }),
  );
  assert.throws(() => HeirloomCore.open({ library }), refused);
  // A reader only looks (it writes nothing): the quick check is enough for it.
  HeirloomCore.open({ library, role: 'reader' }).close();
});

test('`heirloom colorize` after a crash refuses a catalogue with index damage instead of writing into it', async () => {
  const file = catalogueAt('cli');
  const library = path.dirname(file);
  setSetting(file, SESSION_KEY, JSON.stringify({ pid: 999999, openedAt: new Date().toISOString() }));
  damageIndexes(file);
  const photo = await fx.writePhoto(path.join(root, 'in', 'p.jpg'), 64, 48, { colour: false });
  const out = path.join(root, 'cli-out');
  const r = fx.runCli(['colorize', photo, '--out', out], { library });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /is damaged \(SQLite reports: row \d+ missing from index/);
  assert.equal(fs.existsSync(out), false, 'nothing was colorized');
});
