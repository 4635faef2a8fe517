// Defects a hostile tester found in the command line, each reproduced with real files, real images and
// the real `heirloom` process: a closed stdout, a truncated JPEG, a read-only --out, a newline in a name.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { oneLine } from '../../src-main/cli/one-line';
import { PhotoError } from '../../src-main/core/imaging/photo-error';
import { ensureOutputFolder, HeirloomCore, outputFolderError } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';

const jobCount = (library: string): number => {
  const db = new Database(path.join(library, 'catalogue.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('a closed stdout (`heirloom list | head -1`)', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-epipe-')));
  after(() => fx.removeDir(root));

  test('ends the command quietly: exit 0, no EPIPE stack trace', async () => {
    // Long folder names make the listing (~200 KiB) far larger than a pipe's buffer (64 KiB), so the
    // CLI is still writing when the reader goes away.
    const deep = path.join(root, 'in', ...Array.from({ length: 12 }, (_, i) => `${'a-folder-with-a-long-name-'.repeat(8)}${i}`));
    const library = path.join(root, 'library');
    const core = HeirloomCore.open({ library });
    try {
      for (let i = 0; i < 80; i++) await core.importPhoto(await fx.writePhoto(path.join(deep, `photo-${i}.png`), 16, 16, { seed: i }));
    } finally {
      core.close();
    }
    const child = spawn(process.execPath, [fx.CLI, 'list'], { env: fx.cliEnv(library), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      first += d;
      if (first.includes('\n')) child.stdout.destroy(); // `head -1` has its line and goes away
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    assert.match(first.split('\n')[0]!, /^#\d+ {2}\//);
    assert.doesNotMatch(stderr, /EPIPE|Error|\n\s+at /, `stderr:\n${stderr}`);
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
  });
});

describe('a truncated JPEG', () => {
  let root: string;
  let truncated: string;
  before(async () => {
    root = fx.makeTempDir('heirloom-truncated-');
    const whole = await fx.photoSharp(160, 120).jpeg().toBuffer();
    truncated = path.join(root, 'in', 'truncated.jpg');
    fs.mkdirSync(path.dirname(truncated), { recursive: true });
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
  });
  after(() => fx.removeDir(root));

  test('importPhoto refuses it with a clear error; nothing is recorded, no thumbnail is kept', async () => {
    const core = HeirloomCore.open({ library: path.join(root, 'lib-core') });
    try {
      await assert.rejects(
        core.importPhoto(truncated),
        (e: unknown) => e instanceof PhotoError && e.file === truncated && /damaged or incomplete/.test(e.message),
      );
      assert.equal(core.catalogue.countOriginals('all'), 0);
      assert.deepEqual(fx.listFilesDeep(core.paths.thumbs), []);
    } finally {
      core.close();
    }
  });

  test('colorize reports it on one line naming it, and `list` does not show it', async () => {
    const good = await fx.writePhoto(path.join(root, 'in', 'good.png'), 32, 24, { colour: false });
    const library = path.join(root, 'lib-cli');
    const r = fx.runCli(['colorize', truncated, good, '--out', path.join(root, 'out')], { library });
    assert.equal(r.status, 1, r.stderr);
    assert.match(fx.progressLine(r.stderr, 'truncated.jpg') ?? '', /FAILED: the image file is damaged or incomplete \(truncated\)$/);
    const list = JSON.parse(fx.runCli(['list', '--json'], { library }).stdout) as Array<{ path: string }>;
    assert.deepEqual(
      list.map((o) => path.basename(o.path)),
      ['good.png'],
    );
  });
});

describe('a read-only --out', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-readonly-')));
  after(() => fx.removeDir(root));

  // A real read-only file system: a tmpfs mounted read-only in a private mount namespace of the child.
  const canMount = process.platform === 'linux' && spawnSync('unshare', ['-r', '-m', 'true']).status === 0;

  test(
    'is one plain error before any photo is colorized (read-only disk)',
    { skip: canMount ? false : 'needs unshare (user + mount namespaces) to mount a read-only tmpfs' },
    async () => {
      const inDir = path.join(root, 'in');
      await fx.writePhoto(path.join(inDir, 'a.png'), 32, 24, { colour: false });
      await fx.writePhoto(path.join(inDir, 'b.png'), 32, 24, { colour: false, seed: 1 });
      const outDir = path.join(root, 'out-ro');
      fs.mkdirSync(outDir);
      const library = path.join(root, 'library-ro');
      const script = 'mount -t tmpfs -o ro,size=64k heirloom-ro "$0" || exit 90; exec "$@"';
      const r = fx.runCli(['colorize', inDir, '--out', outDir], { library, wrapper: ['unshare', '-r', '-m', 'sh', '-c', script, outDir] });
      assert.notEqual(r.status, 90, `mounting the tmpfs failed: ${r.stderr}`);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr.trim(), `heirloom: Cannot use ${outDir} as the output folder: it is on a read-only disk.`);
      assert.equal(jobCount(library), 0, 'no job was recorded');
    },
  );

  const root_ = process.getuid?.() === 0;
  test(
    'is one plain error before any photo is colorized (no permission)',
    {
      skip: root_
        ? 'running as root: chmod 0o555 does not stop root writing (the read-only mount test and the wording test cover it)'
        : process.platform === 'win32'
          ? 'POSIX permissions'
          : false,
    },
    async () => {
      const photo = await fx.writePhoto(path.join(root, 'in2', 'a.png'), 32, 24, { colour: false });
      const outDir = path.join(root, 'out-555');
      fs.mkdirSync(outDir, { mode: 0o555 });
      fs.chmodSync(outDir, 0o555);
      try {
        const library = path.join(root, 'library-555');
        const r = fx.runCli(['colorize', photo, '--out', outDir], { library });
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stderr.trim(), `heirloom: Cannot use ${outDir} as the output folder: no permission to write there.`);
        assert.equal(jobCount(library), 0);
      } finally {
        fs.chmodSync(outDir, 0o755);
      }
    },
  );

  test('the wording for each reason, and the probe leaves nothing behind', () => {
    const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: something, open '/x/.probe'`), { code });
    assert.equal(
      outputFolderError('/photos/out', err('EACCES')).message,
      'Cannot use /photos/out as the output folder: no permission to write there.',
    );
    assert.equal(
      outputFolderError('/photos/out', err('EPERM')).message,
      'Cannot use /photos/out as the output folder: no permission to write there.',
    );
    assert.equal(outputFolderError('/photos/out', err('EROFS')).message, 'Cannot use /photos/out as the output folder: it is on a read-only disk.');
    assert.equal(outputFolderError('/photos/out', err('ENOSPC')).message, 'Cannot use /photos/out as the output folder: the disk is full.');
    const dir = path.join(root, 'writable');
    ensureOutputFolder(dir);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

describe('a file name with a newline', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-newline-')));
  after(() => fx.removeDir(root));

  test('oneLine escapes control characters JSON-style and leaves the rest alone', () => {
    assert.equal(oneLine('a\nb\r\tc\u001b[31m\u007f\u2028'), 'a\\nb\\r\\tc\\u001b[31m\\u007f\\u2028');
    assert.equal(oneLine(`Oma's "Hochzeit" ü \\ 1952.jpg`), `Oma's "Hochzeit" ü \\ 1952.jpg`);
  });

  test('progress and `list` keep each photo on one line; --json keeps the real name', async () => {
    const odd = await fx.writePhoto(path.join(root, 'in', 'line one\nline two.png'), 32, 24, { colour: false });
    await fx.writePhoto(path.join(root, 'in', 'plain.png'), 32, 24, { colour: false, seed: 1 });
    const library = path.join(root, 'library');
    const r = fx.runCli(['colorize', path.join(root, 'in'), '--out', path.join(root, 'out')], { library });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fx.progressLine(r.stderr, 'line one\\nline two.png') ?? '', /: ok \(/, r.stderr);
    for (const l of r.stderr.trimEnd().split('\n')) assert.match(l, /^(\[\d+\/\d+\] |heirloom: )/, `a broken line in:\n${r.stderr}`);

    const list = fx.runCli(['list'], { library });
    assert.equal(list.status, 0, list.stderr);
    for (const l of list.stdout.trimEnd().split('\n')) assert.match(l, /^(#\d+ {2}\/| {6}→ \/|\d+ photos)/, `a broken line in:\n${list.stdout}`);
    assert.ok(list.stdout.includes(`${path.join(root, 'in', 'line one\\nline two.png')}  32×24`), list.stdout);
    assert.ok(list.stdout.includes('line one\\nline two.jpg'), 'the output path is escaped too');

    const json = JSON.parse(fx.runCli(['list', '--json'], { library }).stdout) as Array<{ path: string }>;
    assert.ok(
      json.some((o) => o.path === odd),
      'the real name, newline and all',
    );
  });
});

test('`serve --help` names the port default once, in words', () => {
  const dir = fx.makeTempDir();
  try {
    const r = fx.runCli(['serve', '--help'], { library: dir });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /--port <n> +port to listen on \(default: a free one\)\n/);
    assert.doesNotMatch(r.stdout, /\(default: 0\)/);
  } finally {
    fx.removeDir(dir);
  }
});
