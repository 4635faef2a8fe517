// The export target rules on their own (target-safety.ts, exportPaths): path spelling, symlinks, look-alike
// names, the proofs that something is an earlier export. Album exports on real libraries are in
// test/integration/album-export.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExportError, exportPaths } from '../../src-main/core/export';
import { MANIFEST_NAME } from '../../src-main/core/export/manifest';
import {
  assertSafePlace,
  isHeirloomExport,
  isWithin,
  placeWarning,
  realTarget,
  ZIP_MARK,
  zipComment,
} from '../../src-main/core/export/target-safety';
import { writeZip } from '../../src-main/core/export/zip';
import { makeTempDir, removeDir } from '../helpers/fixtures';

let dir: string;
before(() => (dir = fs.realpathSync(makeTempDir('heirloom-export-safety-'))));
after(() => removeDir(dir));

const code =
  (c: string, reason?: string) =>
  (e: unknown): boolean =>
    e instanceof ExportError && e.code === c && e.reason === reason;

describe('export target rules', () => {
  test('exportPaths: no drive top, no trailing "." or "..", a bare ".zip" named after the album', () => {
    const root = path.parse(dir).root;
    assert.throws(() => exportPaths(root, true, 'Summer'), code('unsafe-target', 'root'));
    assert.throws(() => exportPaths(root, false), code('unsafe-target', 'root'));
    assert.throws(() => exportPaths(`${dir}${path.sep}..`, false), code('bad-target'));
    assert.throws(() => exportPaths(`${dir}${path.sep}.${path.sep}`, true, 'Summer'), code('bad-target'));
    assert.equal(exportPaths(path.join(dir, '.zip'), true, 'Summer 1958').target, path.join(dir, 'Summer 1958.zip'));
    assert.equal(exportPaths(path.join(dir, '.zip'), true, ' ... ').target, path.join(dir, 'album.zip'));
    assert.throws(() => exportPaths(path.join(dir, '.zip'), true), code('bad-target'));
    assert.equal(exportPaths(path.join(dir, 'Album.ZIP'), true).target, path.join(dir, 'Album.ZIP'));
    assert.equal(exportPaths(path.join(dir, 'Album'), true).target, path.join(dir, 'Album.zip'));
  });

  test('isWithin compares whole path segments; realTarget resolves symlinks in the existing part', () => {
    assert.ok(isWithin(path.join(dir, 'a', 'b'), path.join(dir, 'a')));
    assert.ok(isWithin(path.join(dir, 'a'), path.join(dir, 'a')));
    assert.ok(!isWithin(path.join(dir, 'ab'), path.join(dir, 'a')));
    assert.ok(!isWithin(path.join(dir, '..foo'), path.join(dir, 'x')));
    assert.ok(isWithin(path.join(dir, '..foo'), dir), 'a folder named "..foo" is inside');
    fs.mkdirSync(path.join(dir, 'real', 'inner'), { recursive: true });
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    assert.equal(realTarget(path.join(dir, 'link', 'inner', 'new', 'deeper')), path.join(dir, 'real', 'inner', 'new', 'deeper'));
    assert.equal(realTarget(path.join(dir, 'link', 'inner', '..')), path.join(dir, 'real'));
  });

  test('assertSafePlace: home and library (and what holds them), originals through a symlink', () => {
    const home = path.join(dir, 'home');
    const library = path.join(home, '.local', 'share', 'Heirloom', 'Library');
    const scans = path.join(dir, 'scans');
    fs.mkdirSync(path.join(library, 'exports'), { recursive: true });
    fs.mkdirSync(scans, { recursive: true });
    fs.symlinkSync(scans, path.join(dir, 'scans-link'));
    const ctx = { home, libraryRoot: library, originals: [path.join(scans, 'a.jpg')] };
    const place = (p: string) => () => assertSafePlace(realTarget(p), ctx);
    assert.throws(place(home), code('unsafe-target', 'home'));
    assert.throws(place(dir), code('unsafe-target', 'home'));
    assert.throws(place(path.join(home, '.local')), code('unsafe-target', 'library'));
    assert.throws(place(path.join(library, 'exports')), code('unsafe-target', 'library'));
    assert.throws(place(path.join(library, 'outputs', 'x')), code('unsafe-target', 'library'));
    assert.throws(place(path.join(dir, 'scans-link')), code('unsafe-target', 'originals'));
    assert.throws(place(path.join(scans, 'a.jpg')), code('unsafe-target', 'originals'));
    place(path.join(library, 'exports', 'Summer'))();
    place(path.join(home, 'Desktop', 'Summer'))();
    place(path.join(scans, 'Summer'))(); // a new folder beside the originals replaces none of them
  });

  test('placeWarning: a new export straight in a drive top or the home folder, or among the originals, is asked about first', () => {
    const home = path.join(dir, 'home2');
    const scans = path.join(home, 'Pictures', 'scans');
    fs.mkdirSync(path.join(scans, 'exports'), { recursive: true });
    fs.symlinkSync(scans, path.join(dir, 'scans-link2'));
    const ctx = { home, libraryRoot: path.join(dir, 'lib2'), originals: [path.join(scans, 'a.jpg')] };
    const warn = (p: string) => placeWarning(realTarget(p), ctx);
    assert.equal(warn(path.join(path.parse(dir).root, 'Summer')), 'root');
    assert.equal(warn(path.join(home, 'Summer')), 'home');
    assert.equal(warn(path.join(scans, 'Summer')), 'originals');
    assert.equal(warn(path.join(scans, 'exports', 'Summer')), 'originals', 'below the originals: adding that folder again reaches it');
    assert.equal(warn(path.join(dir, 'scans-link2', 'Summer')), 'originals', 'through a symlink');
    assert.equal(warn(path.join(home, 'Pictures', 'Summer')), null, 'beside the originals folder: an ordinary place');
    assert.equal(warn(path.join(home, 'Desktop', 'Summer')), null);
  });

  test('only a finished export is replaceable: a folder with its complete manifest, a .zip with the mark', async () => {
    const folder = path.join(dir, 'exp');
    fs.mkdirSync(folder);
    assert.equal(isHeirloomExport(folder, false), false);
    fs.writeFileSync(path.join(folder, MANIFEST_NAME), JSON.stringify({ fingerprint: 'x', done: {} }));
    assert.equal(isHeirloomExport(folder, false), false, 'an unfinished manifest is no proof');
    fs.writeFileSync(path.join(folder, MANIFEST_NAME), JSON.stringify({ complete: true, files: ['a.jpg'] }));
    assert.equal(isHeirloomExport(folder, false), true);
    assert.equal(isHeirloomExport(folder, true), false, 'a folder is not a .zip');

    const note = path.join(dir, 'note.txt');
    fs.writeFileSync(note, 'hello');
    const plain = path.join(dir, 'plain.zip');
    const marked = path.join(dir, 'marked.zip');
    await writeZip(plain, [{ name: 'x/note.txt', file: note }]);
    await writeZip(marked, [{ name: 'x/note.txt', file: note }], `Heirloom test (${ZIP_MARK})`);
    assert.equal(zipComment(plain), '');
    assert.equal(zipComment(marked), `Heirloom test (${ZIP_MARK})`);
    assert.equal(zipComment(note), null);
    assert.equal(isHeirloomExport(plain, true), false);
    assert.equal(isHeirloomExport(marked, true), true);
  });
});
