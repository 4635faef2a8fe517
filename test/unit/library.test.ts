import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { renameIntoPlace, tempPathFor, writeFileAtomic } from '../../src-main/core/fs-atomic';
import { defaultLibraryDir, ensureLibrary, resolveLibraryDir, type PlatformInfo } from '../../src-main/core/library';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-lib-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  test('creates, then replaces content, leaving no temp file', () => {
    const f = path.join(dir, 'photo data.bin');
    writeFileAtomic(f, 'first');
    assert.equal(fs.readFileSync(f, 'utf8'), 'first');
    writeFileAtomic(f, Buffer.from([1, 2, 3]));
    assert.deepEqual([...fs.readFileSync(f)], [1, 2, 3]);
    assert.deepEqual(fs.readdirSync(dir), ['photo data.bin']);
  });

  test('a failed write leaves the old file and no temp file', () => {
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'x'); // renaming a file over a non-empty folder fails
    assert.throws(() => writeFileAtomic(target, 'new'));
    assert.deepEqual(fs.readdirSync(dir), ['occupied']);
    assert.equal(fs.readFileSync(path.join(target, 'keep.txt'), 'utf8'), 'x');
    assert.throws(() => writeFileAtomic(path.join(dir, 'no-such-folder', 'f'), 'x'), /ENOENT/);
  });

  test('renameIntoPlace moves a temp file written by someone else over the final name', () => {
    const f = path.join(dir, 'out.jpg');
    fs.writeFileSync(f, 'old');
    const tmp = tempPathFor(f);
    assert.equal(path.dirname(tmp), dir);
    fs.writeFileSync(tmp, 'new');
    renameIntoPlace(tmp, f);
    assert.equal(fs.readFileSync(f, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(dir), ['out.jpg']);
  });
});

describe('library folder', () => {
  const linux = (env: NodeJS.ProcessEnv = {}): PlatformInfo => ({ platform: 'linux', env, home: '/home/ada' });

  test('default per OS', () => {
    assert.equal(defaultLibraryDir(linux()), '/home/ada/.local/share/Heirloom/Library');
    assert.equal(defaultLibraryDir(linux({ XDG_DATA_HOME: '/data/ada' })), '/data/ada/Heirloom/Library');
    assert.equal(defaultLibraryDir(linux({ XDG_DATA_HOME: 'relative' })), '/home/ada/.local/share/Heirloom/Library');
    assert.equal(defaultLibraryDir({ platform: 'darwin', env: {}, home: '/Users/ada' }), '/Users/ada/Library/Application Support/Heirloom/Library');
    assert.equal(
      defaultLibraryDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, home: 'C:\\Users\\ada' }),
      'C:\\Users\\ada\\AppData\\Roaming\\Heirloom\\Library',
    );
  });

  test('precedence: option, then HEIRLOOM_LIBRARY, then default', () => {
    const env = { HEIRLOOM_LIBRARY: '/env/lib' };
    assert.equal(resolveLibraryDir('/opt/lib', linux(env)), '/opt/lib');
    assert.equal(resolveLibraryDir(undefined, linux(env)), '/env/lib');
    assert.equal(resolveLibraryDir('', linux(env)), '/env/lib');
    assert.equal(resolveLibraryDir(undefined, linux({ HEIRLOOM_LIBRARY: '  ' })), defaultLibraryDir(linux()));
    assert.equal(resolveLibraryDir(undefined, linux()), defaultLibraryDir(linux()));
    assert.equal(resolveLibraryDir('~/Photos lib', linux()), '/home/ada/Photos lib');
    assert.equal(resolveLibraryDir('rel', linux()), path.resolve('rel'));
    // Without injected platform info it reads the real environment.
    const saved = process.env.HEIRLOOM_LIBRARY;
    try {
      process.env.HEIRLOOM_LIBRARY = dir;
      assert.equal(resolveLibraryDir(), dir);
    } finally {
      if (saved === undefined) delete process.env.HEIRLOOM_LIBRARY;
      else process.env.HEIRLOOM_LIBRARY = saved;
    }
  });

  test('ensureLibrary creates the layout and is repeatable', () => {
    const root = path.join(dir, 'My Library');
    const p = ensureLibrary(root);
    assert.deepEqual(p, {
      root,
      catalogue: path.join(root, 'catalogue.sqlite'),
      thumbs: path.join(root, 'thumbs'),
      outputs: path.join(root, 'outputs'),
      models: path.join(root, 'models'),
      exports: path.join(root, 'exports'),
      backups: path.join(root, 'backups'),
    });
    for (const d of [p.thumbs, p.outputs, p.models, p.exports, p.backups]) assert.ok(fs.statSync(d).isDirectory());
    assert.deepEqual(ensureLibrary(root), p);
    fs.writeFileSync(path.join(dir, 'afile'), '');
    assert.throws(() => ensureLibrary(path.join(dir, 'afile')));
  });
});
