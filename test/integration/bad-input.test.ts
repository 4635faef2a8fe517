// RELIABILITY.md "Bad input gets a clear answer": every listed case in real files, run through the real
// CLI (one batch) and the core (a folder vanishing mid-batch), with the real model and a real catalogue.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import { labToRgb8, rgb8ToL } from '../../src-main/core/color/lab';
import { loadModel, ModelLoadError } from '../../src-main/core/engine/model-store';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import * as fx from '../helpers/fixtures';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

const QUOTE = process.platform === 'win32' ? '' : '"'; // Windows forbids " in file names
const ODD_FOLDER = 'Sommer 1952 – Zürich';
const ODD_NAME = `Oma's ${QUOTE}Hochzeit${QUOTE} ü 1952.jpg`;

/** A copy of the shipped model with a few bytes of weights.bin flipped (same length: only the checksum can tell). */
function corruptModelCopy(parent: string): string {
  const dir = path.join(parent, 'damaged-model');
  fs.cpSync(fx.SHIPPED_MODEL_DIR, dir, { recursive: true });
  const weights = path.join(dir, 'weights.bin');
  const buf = fs.readFileSync(weights);
  for (const at of [0.25, 0.5, 0.75]) buf[Math.floor(buf.length * at)] ^= 0xff;
  fs.writeFileSync(weights, buf);
  return dir;
}

/** Writes the grey twin of a photo: its own CIELAB L with a = b = 0. */
async function writeGreyTwin(from: string, to: string): Promise<void> {
  const { width, height, rgb } = await fx.decodeRgb(from);
  const L = rgb8ToL(rgb, 3);
  const zero = new Float32Array(L.length);
  await sharp(Buffer.from(labToRgb8(L, zero, zero)), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(to);
}

describe('one CLI batch with every kind of bad input (and a damaged --model)', () => {
  let root: string;
  let inDir: string;
  let outDir: string;
  let library: string;
  let damagedModel: string;
  let before_: Map<string, { sha: string; mtimeMs: number }>;
  let run: fx.CliResult;
  const inp = (name: string): string => path.join(inDir, name);
  const out = (name: string): string => path.join(outDir, name);
  const line = (name: string): string => {
    const l = fx.progressLine(run.stderr, name);
    assert.ok(l, `no progress line for ${name} in:\n${run.stderr}`);
    return l;
  };

  before(async () => {
    root = fx.makeTempDir('heirloom-bad-input-');
    inDir = path.join(root, 'in');
    outDir = path.join(root, 'out');
    library = path.join(root, 'library');
    fs.mkdirSync(inDir);

    // Files that must fail, each with its own clear message.
    fs.writeFileSync(inp('empty.jpg'), '');
    const whole = await fx.photoSharp(160, 120).jpeg().toBuffer();
    fs.writeFileSync(inp('truncated.jpg'), whole.subarray(0, Math.floor(whole.length / 2)));
    fs.writeFileSync(inp('notes.jpg'), 'Grandma and Grandpa, summer 1952. Scan the album next week.\n');
    fs.writeFileSync(inp('huge.png'), fx.pngHeaderClaiming(30000, 30000));

    // Files that must work.
    await fx.writePhoto(inp('cmyk.jpg'), 160, 120, { transform: (i) => i.toColourspace('cmyk').jpeg() });
    await fx.writePhoto(inp('deep16.png'), 160, 120, { seed: 1, transform: (i) => i.toColourspace('rgb16').png() });
    await fx.writePhoto(inp('deep16.tif'), 160, 120, { seed: 2, transform: (i) => i.toColourspace('rgb16').tiff({ compression: 'lzw' }) });
    const grey = fx.photoPixels(100, 80, { colour: false });
    const greyAlpha = Buffer.alloc(100 * 80 * 2);
    for (let p = 0; p < 100 * 80; p++) {
      greyAlpha[2 * p] = grey[3 * p]!;
      greyAlpha[2 * p + 1] = p % 100 < 50 ? 255 : 96; // right half translucent
    }
    await sharp(greyAlpha, { raw: { width: 100, height: 80, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toFile(inp('grey-alpha.png'));
    await fx.writePhoto(inp('palette.png'), 160, 120, { seed: 3, transform: (i) => i.png({ palette: true, colours: 64 }) });
    await fx.writeAnimatedGif(inp('animated.gif'), 120, 90, 3);
    await fx.writePhoto(inp('rotated.jpg'), 200, 120, { colour: false, transform: (i) => i.withMetadata({ orientation: 6 }).jpeg() });
    await fx.writePhoto(inp('colour.png'), 160, 120, { seed: 4 });
    await writeGreyTwin(inp('colour.png'), inp('colour-grey-twin.png'));
    await fx.writePhoto(inp('one-pixel.png'), 1, 1, { colour: false });
    await fx.writePhoto(inp('long.png'), 10000, 50, { colour: false });
    await fx.writePhoto(path.join(inDir, ODD_FOLDER, ODD_NAME), 120, 90, { colour: false, seed: 5 });
    await fx.writePhoto(path.join(inDir, ODD_FOLDER, 'with  two spaces .jpg'), 96, 96, { colour: false, seed: 6 });

    damagedModel = corruptModelCopy(root);
    before_ = fx.snapshotFiles(inDir);
    run = fx.runCli(['colorize', inDir, '--out', outDir, '--model', damagedModel], { library });
  });

  after(() => fx.removeDir(root));

  test('the fixtures really are what they claim to be', async () => {
    const meta = (n: string): Promise<sharp.Metadata> => sharp(inp(n)).metadata();
    assert.equal((await meta('cmyk.jpg')).space, 'cmyk');
    assert.equal((await meta('deep16.png')).depth, 'ushort');
    assert.equal((await meta('deep16.tif')).depth, 'ushort');
    const ga = await meta('grey-alpha.png');
    assert.equal(ga.channels, 2);
    assert.equal(ga.hasAlpha, true);
    assert.equal((await meta('palette.png')).isPalette, true);
    assert.equal((await meta('animated.gif')).pages, 3);
    const rot = await meta('rotated.jpg');
    assert.deepEqual([rot.width, rot.height, rot.orientation], [200, 120, 6]);
    assert.ok((await fx.meanChannelSpread(inp('colour.png'))) > 20, 'colour.png should be colourful');
    assert.equal(fs.statSync(inp('empty.jpg')).size, 0);
    const huge = fs.readFileSync(inp('huge.png'));
    assert.ok(huge.length < 2000, 'the 30000×30000 PNG is only a header');
    assert.equal(huge.readUInt32BE(16), 30000);
    assert.equal(huge.readUInt32BE(20), 30000);
  });

  test('exits non-zero and reports how many succeeded and failed', () => {
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /heirloom: 13 colorized, 4 failed/);
  });

  test('each bad file gets a clear error on its own line, naming it', () => {
    const cases: Array<[string, RegExp]> = [
      ['empty.jpg', /FAILED: .*empty \(0 bytes\)/],
      ['truncated.jpg', /FAILED: .*damaged or incomplete/],
      ['notes.jpg', /FAILED: not an image Heirloom can read/],
      ['huge.png', /FAILED: the image is too large: 30000×30000 pixels \(900 MP\); Heirloom's limit is \d+ MP/],
    ];
    for (const [name, message] of cases) assert.match(line(name), message, name);
    // A message is for people: no libvips / errno jargon.
    for (const [name] of cases) assert.doesNotMatch(line(name), /vips|VipsJpeg|ENOENT|Error:/, name);
  });

  test('the damaged --model is refused by checksum with a clear warning, and the shipped model does the work', () => {
    assert.match(
      run.stderr,
      new RegExp(
        `warning: The colorization model in .*damaged-model cannot be used: weights file weights\\.bin is damaged \\(checksum mismatch\\)\\. Using the shipped model ${DEFAULT_MODEL_ID} instead\\.`,
      ),
    );
    const list = fx.runCli(['list', '--json'], { library });
    assert.equal(list.status, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as Array<{ path: string; outputs: Array<{ checkpointId: string; path: string }> }>;
    const outputs = rows.flatMap((r) => r.outputs);
    assert.equal(outputs.length, 13);
    for (const o of outputs) {
      assert.equal(o.checkpointId, DEFAULT_MODEL_ID);
      assert.ok(fs.existsSync(o.path), o.path);
    }
  });

  test('every good file is colorized at its own displayed size, with its own lightness', async () => {
    const good: Array<[string, string, number, number]> = [
      ['cmyk.jpg', 'cmyk.jpg', 160, 120],
      ['deep16.png', 'deep16.jpg', 160, 120],
      ['deep16.tif', 'deep16 (2).jpg', 160, 120],
      ['grey-alpha.png', 'grey-alpha.jpg', 100, 80],
      ['palette.png', 'palette.jpg', 160, 120],
      ['animated.gif', 'animated.jpg', 120, 90],
      ['rotated.jpg', 'rotated.jpg', 120, 200],
      ['colour.png', 'colour.jpg', 160, 120],
      ['colour-grey-twin.png', 'colour-grey-twin.jpg', 160, 120],
      ['one-pixel.png', 'one-pixel.jpg', 1, 1],
      ['long.png', 'long.jpg', 10000, 50],
      [path.join(ODD_FOLDER, ODD_NAME), ODD_NAME, 120, 90],
      [path.join(ODD_FOLDER, 'with  two spaces .jpg'), 'with  two spaces .jpg', 96, 96],
    ];
    for (const [input, output, w, h] of good) {
      assert.match(line(path.basename(input)), /: ok \(/, input);
      const m = await sharp(out(output)).metadata();
      assert.equal(m.format, 'jpeg', output);
      assert.deepEqual([m.width, m.height], [w, h], `${output} size`);
      assert.ok((m.orientation ?? 1) === 1, `${output} must be stored upright (orientation ${m.orientation})`);
      const dL = await fx.meanDeltaL(inp(input), out(output));
      assert.ok(dL < 1, `${output}: mean |ΔL| ${dL.toFixed(3)} ≥ 1`);
    }
    const expected = good.map(([, o]) => o).sort();
    assert.deepEqual(fs.readdirSync(outDir).sort(), expected, 'only the good files have outputs, and no temp files are left');
  });

  test('an animated GIF gives its first frame', async () => {
    const frame = async (page: number): Promise<Buffer> =>
      sharp(inp('animated.gif'), { page, pages: 1 }).flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw().toBuffer();
    const output = (await fx.decodeRgb(out('animated.jpg'))).rgb;
    const first = fx.meanDeltaLRgb(output, await frame(0));
    const second = fx.meanDeltaLRgb(output, await frame(1));
    assert.ok(first < 1, `ΔL to frame 1 is ${first.toFixed(2)}`);
    assert.ok(second > 3 * first + 1, `ΔL to frame 2 (${second.toFixed(2)}) should be much larger than to frame 1 (${first.toFixed(2)})`);
  });

  test('a colour photo is turned to L first: it gives the same result as its grey twin', async () => {
    const a = await fx.decodeRgb(out('colour.jpg'));
    const b = await fx.decodeRgb(out('colour-grey-twin.jpg'));
    const diff = fx.meanAbsDiff(a.rgb, b.rgb);
    assert.ok(diff < 1.5, `colour input and its grey twin differ by ${diff.toFixed(2)} levels on average`);
  });

  test('no original was written, renamed or touched', () => {
    const now = fx.snapshotFiles(inDir);
    assert.deepEqual([...now.keys()].sort(), [...before_.keys()].sort());
    for (const [file, was] of before_) {
      assert.equal(now.get(file)!.sha, was.sha, file);
      assert.equal(now.get(file)!.mtimeMs, was.mtimeMs, file);
    }
  });
});

describe('core batch: a folder vanishing mid-batch, and a 30000×30000 PNG refused before decoding', () => {
  let root: string;
  let core: HeirloomCore;

  before(() => {
    root = fx.makeTempDir('heirloom-vanish-');
    core = HeirloomCore.open({ library: path.join(root, 'library') });
  });
  after(() => {
    core.close();
    fx.removeDir(root);
  });

  test('later files in the vanished folder fail with "not found"; the batch completes', async () => {
    const stays = path.join(root, 'stays');
    const goes = path.join(root, 'goes away');
    const files = [
      await fx.writePhoto(path.join(stays, 'first.jpg'), 96, 64, { colour: false, seed: 1 }),
      path.join(stays, 'huge.png'),
      await fx.writePhoto(path.join(goes, 'second.jpg'), 96, 64, { colour: false, seed: 2 }),
      await fx.writePhoto(path.join(goes, 'third.png'), 96, 64, { colour: false, seed: 3 }),
      await fx.writePhoto(path.join(stays, 'last.jpg'), 96, 64, { colour: false, seed: 4 }),
    ];
    fs.writeFileSync(files[1]!, fx.pngHeaderClaiming(30000, 30000));
    const outDir = path.join(root, 'out');
    const seen: number[] = [];
    const summary = await core.colorizeBatch(files, {
      outDir,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done === 1) fs.rmSync(goes, { recursive: true });
      },
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 5], 'progress for every file');
    assert.equal(summary.status, 'failed');
    const [first, huge, second, third, last] = summary.results;
    assert.ok(first!.output && !first!.error);
    assert.ok(last!.output && !last!.error, `last: ${last!.error}`);
    for (const r of [second!, third!]) {
      assert.equal(r.output, undefined);
      assert.match(r.error!, /not found/);
    }
    assert.match(huge!.error!, /too large: 30000×30000/);
    assert.ok(huge!.millis < 1000, `refusing the huge PNG took ${huge!.millis} ms: it must not be decoded`);
    assert.deepEqual(fs.readdirSync(outDir).sort(), ['first.jpg', 'last.jpg']);

    // The catalogue agrees: per-file status and errors, no row for the refused image.
    const items = core.catalogue.jobItems(summary.jobId);
    assert.deepEqual(
      items.map((i) => i.status),
      ['done', 'failed', 'failed', 'failed', 'done'],
    );
    assert.match(items[2]!.error!, /not found/);
    assert.equal(core.catalogue.getJob(summary.jobId)!.status, 'failed');
    const originals = core.catalogue
      .listOriginals()
      .map((o) => path.basename(o.path))
      .sort();
    assert.deepEqual(originals, ['first.jpg', 'last.jpg']);
  });
});

describe('a damaged model file', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-model-')));
  after(() => fx.removeDir(root));

  test('loadModel refuses flipped bytes and a truncated weights file with ModelLoadError "damaged"', async () => {
    const dir = corruptModelCopy(root);
    await assert.rejects(loadModel(dir), (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.match(e.message, /weights file weights\.bin is damaged \(checksum mismatch\)/);
      assert.ok(e.message.includes(dir));
      return true;
    });
    const weights = path.join(dir, 'weights.bin');
    fs.truncateSync(weights, Math.floor(fs.statSync(weights).size / 2));
    await assert.rejects(loadModel(dir), (e: unknown) => e instanceof ModelLoadError && /damaged/.test(e.message));
  });
});

describe('a full disk', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-disk-')));
  after(() => fx.removeDir(root));

  // A real ENOSPC: the output folder is a 24 KiB tmpfs, mounted in a private mount namespace of the child only.
  const canMount = process.platform === 'linux' && spawnSync('unshare', ['-r', '-m', 'true']).status === 0;

  test(
    'a result that does not fit fails with "disk is full", leaves no temp file, and the batch goes on',
    { skip: canMount ? false : 'needs unshare (user + mount namespaces) to mount a tiny tmpfs' },
    async () => {
      const inDir = path.join(root, 'in');
      const outDir = path.join(root, 'out');
      fs.mkdirSync(outDir);
      // Noisy, so the JPEG is far bigger than the tmpfs; the small one fits.
      fs.mkdirSync(inDir);
      const noisy = fx.photoPixels(400, 300);
      for (let k = 0; k < noisy.length; k++) noisy[k] = (noisy[k]! + ((k * 2654435761) >>> 27)) & 255;
      await sharp(noisy, { raw: { width: 400, height: 300, channels: 3 } })
        .png()
        .toFile(path.join(inDir, 'a-big.png'));
      await fx.writePhoto(path.join(inDir, 'b-small.png'), 16, 16, { colour: false });
      const script = `mount -t tmpfs -o size=24k heirloom-full "$0" || exit 90; "$@"; rc=$?; echo "@@LISTING@@"; ls -A1 "$0"; exit $rc`;
      const r = fx.runCli(['colorize', inDir, '--out', outDir, '--quality', '100'], {
        library: path.join(root, 'library'),
        wrapper: ['unshare', '-r', '-m', 'sh', '-c', script, outDir],
      });
      assert.notEqual(r.status, 90, `mounting the tmpfs failed: ${r.stderr}`);
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        fx.progressLine(r.stderr, 'a-big.png') ?? '',
        /FAILED: the disk is full: the result could not be saved \(nothing was overwritten\)/,
      );
      assert.match(fx.progressLine(r.stderr, 'b-small.png') ?? '', /: ok \(/);
      const listing = r.stdout.split('@@LISTING@@\n')[1]!.split('\n').filter(Boolean);
      assert.deepEqual(listing, ['b-small.jpg'], 'only the small result, no temp files');
    },
  );

  test('an --out that is a file is one clear error before any work', async () => {
    const blocker = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    const photo = await fx.writePhoto(path.join(root, 'in2', 'p.png'), 32, 32, { colour: false });
    const library = path.join(root, 'library2');
    const r = fx.runCli(['colorize', photo, '--out', path.join(blocker, 'sub')], { library });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Cannot use .*not-a-folder.sub as the output folder: a file with this name \(or in its path\) is in the way/);
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'x');
    // No job was left 'running' in the catalogue.
    const db = new Database(path.join(library, 'catalogue.sqlite'), { readonly: true });
    try {
      assert.equal((db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });
});

describe('a catalogue written by a newer Heirloom', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-newer-')));
  after(() => fx.removeDir(root));

  test('every command refuses it with a clear message and leaves the file byte-for-byte unchanged', async () => {
    const library = path.join(root, 'library');
    assert.equal(fx.runCli(['list'], { library }).status, 0); // creates a current catalogue
    const file = path.join(library, 'catalogue.sqlite');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    const sha = fx.sha256File(file);
    const photo = await fx.writePhoto(path.join(root, 'in', 'p.jpg'), 64, 48, { colour: false });
    const outDir = path.join(root, 'out');
    for (const args of [['colorize', photo, '--out', outDir], ['list', '--json'], ['doctor']]) {
      const r = fx.runCli(args, { library });
      assert.notEqual(r.status, 0, `${args[0]} should fail`);
      assert.match(
        r.stderr,
        /This library was written by a newer version of Heirloom \(schema 999, this version knows \d+\)\. Update Heirloom to open it\./,
        args[0],
      );
      assert.equal(fx.sha256File(file), sha, `${args[0]} changed the catalogue`);
    }
    assert.equal(fs.existsSync(outDir), false, 'nothing was colorized');
  });
});
