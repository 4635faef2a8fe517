// The `heirloom` command line end to end: real photo files, the real model, a real catalogue.
import assert from 'node:assert/strict';
import exifReader from 'exif-reader';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import * as fx from '../helpers/fixtures';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

interface InputPhoto {
  rel: string;
  width: number;
  height: number;
  make: string;
  model: string;
  description: string;
  taken: string; // EXIF form
}

const PHOTOS: InputPhoto[] = [
  {
    rel: 'kitchen.jpg',
    width: 128,
    height: 96,
    make: 'Kodak',
    model: 'Brownie No. 2',
    description: 'Grandma in the kitchen',
    taken: '1952:07:14 15:30:00',
  },
  // A description ending in "(…)": libvips would drop that tail if it were written naively.
  {
    rel: path.join('1950s', 'garden.jpg'),
    width: 96,
    height: 136,
    make: 'Agfa',
    model: 'Isolette',
    description: 'Grandpa in the garden (summer 1956)',
    taken: '1956:06:01 10:05:00',
  },
  {
    rel: path.join('1950s', 'trip', 'porch.jpg'),
    width: 120,
    height: 80,
    make: 'Leica',
    model: 'IIIf',
    description: 'The porch, Zurich',
    taken: '1958:12:24 18:00:30',
  },
];

const stem = (p: InputPhoto): string => path.parse(p.rel).name;
const SOFTWARE = new RegExp(`^Heirloom \\d+\\.\\d+\\.\\d+\\S* \\(colorized with ${DEFAULT_MODEL_ID}\\)$`);

function exifOf(m: sharp.Metadata): { Image: Record<string, unknown>; Photo: Record<string, unknown> } {
  assert.ok(m.exif, 'no EXIF block');
  const e = exifReader(m.exif);
  return { Image: (e.Image ?? {}) as Record<string, unknown>, Photo: (e.Photo ?? {}) as Record<string, unknown> };
}

describe('heirloom colorize / list / doctor on a folder of black-and-white photos', () => {
  let root: string;
  let inDir: string;
  let library: string;
  let snapshot: Map<string, { sha: string; mtimeMs: number }>;
  const runs: Record<'jpg' | 'png' | 'tiff', { out: string; r: fx.CliResult }> = {} as never;

  before(async () => {
    root = fx.makeTempDir('heirloom-cli-');
    inDir = path.join(root, 'old photos');
    library = path.join(root, 'library');
    for (const [k, p] of PHOTOS.entries()) {
      await fx.writePhoto(path.join(inDir, p.rel), p.width, p.height, {
        colour: false,
        seed: k,
        transform: (img) =>
          img
            // libvips drops a trailing " (…)" from EXIF strings it writes; " ()" is what it drops here instead.
            .withExif({ IFD0: { Make: p.make, Model: p.model, ImageDescription: `${p.description} ()` }, IFD2: { DateTimeOriginal: p.taken } })
            .withIccProfile('p3')
            .jpeg({ quality: 95 }),
      });
    }
    snapshot = fx.snapshotFiles(inDir);
    for (const format of ['jpg', 'png', 'tiff'] as const) {
      const out = path.join(root, `colorized ${format}`);
      const args = ['colorize', inDir, '--out', out, ...(format === 'jpg' ? [] : ['--format', format])];
      runs[format] = { out, r: fx.runCli(args, { library }) };
    }
  });

  after(() => fx.removeDir(root));

  test('the inputs are grey, with EXIF and a P3 profile', async () => {
    for (const p of PHOTOS) {
      const file = path.join(inDir, p.rel);
      assert.equal(await fx.meanChannelSpread(file), 0, `${p.rel} should be colour-less`);
      const m = await sharp(file).metadata();
      assert.equal(m.icc?.toString('ascii', 16, 20), 'RGB ');
      assert.equal(exifOf(m).Image.Make, p.make);
      assert.equal(exifOf(m).Image.ImageDescription, p.description);
    }
  });

  test('colorizes the folder recursively into <out>/<stem>.jpg, exit 0', () => {
    const { out, r } = runs.jpg;
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /heirloom: 3 colorized → /);
    assert.deepEqual(fs.readdirSync(out).sort(), PHOTOS.map((p) => `${stem(p)}.jpg`).sort());
  });

  test("each output has the same pixel size and orientation and the input's own lightness", async () => {
    for (const format of ['jpg', 'png', 'tiff'] as const) {
      for (const p of PHOTOS) {
        const input = path.join(inDir, p.rel);
        const output = path.join(runs[format].out, `${stem(p)}.${format}`);
        const m = await sharp(output).metadata();
        assert.equal(m.format, format === 'jpg' ? 'jpeg' : format);
        assert.deepEqual([m.width, m.height], [p.width, p.height], output);
        assert.equal(m.orientation ?? 1, 1, output);
        const dL = await fx.meanDeltaL(input, output);
        assert.ok(dL < 1, `${format} ${p.rel}: mean |ΔL| = ${dL.toFixed(3)}`);
      }
    }
  });

  test('EXIF date, camera, description and the RGB colour profile are kept; Software names Heirloom', async () => {
    for (const format of ['jpg', 'png'] as const) {
      for (const p of PHOTOS) {
        const input = await sharp(path.join(inDir, p.rel)).metadata();
        const m = await sharp(path.join(runs[format].out, `${stem(p)}.${format}`)).metadata();
        const e = exifOf(m);
        assert.equal(e.Image.Make, p.make);
        assert.equal(e.Image.Model, p.model);
        assert.equal(e.Image.ImageDescription, p.description, `${format}: description kept whole`);
        assert.match(String(e.Image.Software), SOFTWARE);
        assert.equal((e.Photo.DateTimeOriginal as Date).toISOString(), (exifOf(input).Photo.DateTimeOriginal as Date).toISOString());
        assert.ok(m.icc && input.icc, 'ICC profile present');
        assert.ok(m.icc.equals(input.icc), `${format}: the original's P3 profile is embedded`);
      }
    }
    for (const p of PHOTOS) {
      const m = await sharp(path.join(runs.tiff.out, `${stem(p)}.tiff`)).metadata();
      assert.ok(m.icc?.equals((await sharp(path.join(inDir, p.rel)).metadata()).icc!), 'tiff: profile kept');
    }
  });

  test(
    'TIFF output keeps the EXIF fields too',
    { todo: 'libvips tiffsave writes no EXIF block: Make/Model/date are lost in --format tiff' },
    async () => {
      const m = await sharp(path.join(runs.tiff.out, 'kitchen.tiff')).metadata();
      assert.equal(exifOf(m).Image.Make, 'Kodak');
    },
  );

  test('--format png and --format tiff write .png / .tiff files', () => {
    for (const format of ['png', 'tiff'] as const) {
      const { out, r } = runs[format];
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(fs.readdirSync(out).sort(), PHOTOS.map((p) => `${stem(p)}.${format}`).sort());
    }
  });

  test('originals are never written: same bytes and mtime after every run, no new files beside them', () => {
    const now = fx.snapshotFiles(inDir);
    assert.deepEqual([...now.keys()].sort(), [...snapshot.keys()].sort());
    for (const [file, was] of snapshot) {
      assert.equal(now.get(file)!.sha, was.sha, file);
      assert.equal(now.get(file)!.mtimeMs, was.mtimeMs, file);
    }
  });

  test('heirloom list --json shows each original with its three outputs and the checkpoint that made them', () => {
    const r = fx.runCli(['list', '--json'], { library });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{
      path: string;
      takenAt: string | null;
      camera: string | null;
      width: number;
      height: number;
      outputs: Array<{ path: string; checkpointId: string; width: number; height: number }>;
    }>;
    assert.deepEqual(rows.map((o) => o.path).sort(), PHOTOS.map((p) => path.join(inDir, p.rel)).sort());
    for (const p of PHOTOS) {
      const row = rows.find((o) => o.path === path.join(inDir, p.rel))!;
      assert.deepEqual([row.width, row.height], [p.width, p.height]);
      assert.equal(row.camera, `${p.make} ${p.model}`);
      assert.equal(row.takenAt, p.taken.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T'));
      const expected = (['jpg', 'png', 'tiff'] as const).map((f) => path.join(runs[f].out, `${stem(p)}.${f}`)).sort();
      assert.deepEqual(row.outputs.map((o) => o.path).sort(), expected);
      for (const o of row.outputs) {
        assert.equal(o.checkpointId, DEFAULT_MODEL_ID);
        assert.deepEqual([o.width, o.height], [p.width, p.height]);
      }
    }
  });

  test('heirloom doctor --json reports the backend, the library and the model', () => {
    const r = fx.runCli(['doctor', '--json'], { library });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { backend: { name: string }; library: string; model: { id: string; dir: string; warning?: string } };
    assert.ok(['wasm', 'tensorflow', 'tensorflow-gpu'].includes(info.backend.name), `backend ${info.backend.name}`);
    assert.equal(info.library, library);
    assert.equal(info.model.id, DEFAULT_MODEL_ID);
    assert.equal(info.model.warning, undefined);
    assert.ok(fs.existsSync(path.join(info.model.dir, 'weights.bin')));
  });
});

describe("colorizing into the photos' own folder", () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-same-')));
  after(() => fx.removeDir(root));

  test('never overwrites an original: its own name gets "-colorized", another photo\'s name is skipped', async () => {
    const dir = path.join(root, 'album');
    await fx.writePhoto(path.join(dir, 'wedding.jpg'), 96, 64, { colour: false, seed: 1 });
    // wedding.png would naively become wedding.jpg — the other original.
    await fx.writePhoto(path.join(dir, 'wedding.png'), 64, 96, { colour: false, seed: 2 });
    const before_ = fx.snapshotFiles(dir);
    const r = fx.runCli(['colorize', dir, '--out', dir], { library: path.join(root, 'library') });
    assert.equal(r.status, 0, r.stderr);
    for (const [file, was] of before_) assert.equal(fx.sha256File(file), was.sha, `${file} was overwritten`);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['wedding (2).jpg', 'wedding-colorized.jpg', 'wedding.jpg', 'wedding.png']);
    const a = await sharp(path.join(dir, 'wedding-colorized.jpg')).metadata();
    const b = await sharp(path.join(dir, 'wedding (2).jpg')).metadata();
    assert.deepEqual([a.width, a.height, b.width, b.height], [96, 64, 64, 96]);
  });

  test('running again into the same folder keeps the earlier results', async () => {
    const dir = path.join(root, 'again');
    const photo = await fx.writePhoto(path.join(dir, 'in', 'aunt.png'), 64, 64, { colour: false });
    const out = path.join(dir, 'out');
    const library = path.join(root, 'library2');
    assert.equal(fx.runCli(['colorize', photo, '--out', out], { library }).status, 0);
    const first = fx.sha256File(path.join(out, 'aunt.jpg'));
    assert.equal(fx.runCli(['colorize', photo, '--out', out, '--saturation', '2'], { library }).status, 0);
    assert.equal(fx.sha256File(path.join(out, 'aunt.jpg')), first, 'the first result is untouched');
    assert.deepEqual(fs.readdirSync(out).sort(), ['aunt (2).jpg', 'aunt.jpg']);
  });
});

describe('heirloom eval', () => {
  let root: string;
  before(() => (root = fx.makeTempDir('heirloom-eval-')));
  after(() => fx.removeDir(root));

  test('prints every metric for the grey answer and the model as JSON', async () => {
    const dir = path.join(root, 'colour photos');
    for (let k = 0; k < 3; k++) await fx.writePhoto(path.join(dir, `c${k}.png`), 128, 96, { seed: k });
    const r = fx.runCli(['eval', dir, '--json'], { library: path.join(root, 'library') });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Record<string, unknown> & {
      photos: number;
      model: string;
      failures: unknown[];
      grey: Record<string, number>;
      colorized: Record<string, number>;
      backend: string;
    };
    assert.equal(report.photos, 3);
    assert.equal(report.model, DEFAULT_MODEL_ID);
    assert.deepEqual(report.failures, []);
    const keys = ['psnr', 'deltaE00', 'auc', 'colourfulnessOut', 'colourfulnessTruth', 'colourfulnessRatio', 'deltaL', 'count'];
    for (const which of ['grey', 'colorized'] as const) {
      for (const k of keys) assert.ok(Number.isFinite(report[which][k]), `${which}.${k} = ${report[which][k]}`);
      assert.equal(report[which].count, 3);
    }
    assert.equal(report.grey.colourfulnessRatio, 0);
    assert.ok(report.grey.colourfulnessTruth > 0);
    assert.ok(report.colorized.deltaL < 1, `model ΔL ${report.colorized.deltaL}`);
    assert.ok(report.grey.deltaL < 1, `grey ΔL ${report.grey.deltaL}`);
    // The decode reported is the shipped model's own, as chosen on the tune half.
    const shipped = JSON.parse(fs.readFileSync(path.join(fx.SHIPPED_MODEL_DIR, 'heirloom.json'), 'utf8')).output;
    assert.deepEqual(report.decode, {
      temperature: shipped.temperature,
      priorCorrection: shipped.priorCorrection,
      chromaGain: shipped.chromaGain ?? 1,
      chromaLift: shipped.chromaLift ?? 0,
    });
  });

  test("decode options on the command line replace the manifest's, and a bigger lift adds colour", async () => {
    const dir = path.join(root, 'colour photos');
    const run = (lift: string) => {
      const r = fx.runCli(['eval', dir, '--json', '--chroma-lift', lift], { library: path.join(root, 'library') });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { decode: { chromaLift: number }; colorized: { colourfulnessOut: number } };
    };
    const none = run('0');
    const strong = run('30');
    assert.equal(none.decode.chromaLift, 0);
    assert.equal(strong.decode.chromaLift, 30);
    assert.ok(
      strong.colorized.colourfulnessOut > none.colorized.colourfulnessOut,
      `${strong.colorized.colourfulnessOut} vs ${none.colorized.colourfulnessOut}`,
    );
  });
});

describe('bad arguments', () => {
  let root: string;
  let photo: string;
  before(async () => {
    root = fx.makeTempDir('heirloom-args-');
    photo = await fx.writePhoto(path.join(root, 'p.png'), 32, 32, { colour: false });
  });
  after(() => fx.removeDir(root));

  const cases: Array<[string, string[], RegExp]> = [
    ['--size not a multiple of 8', ['--out', 'OUT', '--size', '100'], /--size must be a multiple of 8/],
    ['--size out of range', ['--out', 'OUT', '--size', '8'], /--size must be a whole number from 64 to 2048/],
    ['--format bmp', ['--out', 'OUT', '--format', 'bmp'], /argument 'bmp' is invalid\. Allowed choices are jpg, png, tiff/],
    ['missing --out', [], /required option '--out <folder>' not specified/],
    ['--saturation negative', ['--out', 'OUT', '--saturation', '-1'], /--saturation must be a number from 0 to 4/],
  ];
  for (const [name, extra, message] of cases) {
    test(`${name}: non-zero exit, a clear message, nothing done`, () => {
      const out = path.join(root, `out-${name.replace(/\W+/g, '-')}`);
      const library = path.join(root, `library-${name.replace(/\W+/g, '-')}`);
      const r = fx.runCli(['colorize', photo, ...extra.map((a) => (a === 'OUT' ? out : a))], { library });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, message);
      assert.equal(fs.existsSync(out), false, 'no output folder');
      assert.equal(fs.existsSync(library), false, 'no library created');
    });
  }

  test('a path that does not exist: exit 1 and it is named', () => {
    const missing = path.join(root, 'no such folder');
    const r = fx.runCli(['colorize', missing, '--out', path.join(root, 'o')], { library: path.join(root, 'lib') });
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes(`${missing}: not found`), r.stderr);
  });
});
