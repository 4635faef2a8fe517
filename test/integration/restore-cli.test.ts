// `heirloom restore` through the real CLI: scratches and dust found and filled (only there), a faded
// print's tone restored, a sepia print treated as black and white (restored on L, then colorized), a
// colour photo kept in colour; each output records its steps and detector.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp = require('sharp');
import { rgb8ToL } from '../../src-main/core/color/lab';
import { psnr } from '../../src-main/core/metrics';
import { synthesizeDamage, lToGreyRgb } from '../../src-main/core/restore';
import { loadFillNet } from '../../src-main/core/restore/fill-net';
import { DAMAGE_MANIFEST, DAMAGE_MODEL_DIR, type DamageNetManifest } from '../../src-main/core/restore/damage-net';
import { decodeRgb, makeTempDir, meanChannelSpread, removeDir, runCli, writePhoto } from '../helpers/fixtures';

describe('heirloom restore', () => {
  let dir: string;
  let library: string;
  let clean: Buffer;
  const [W, H] = [384, 288];
  before(async () => {
    dir = makeTempDir();
    library = path.join(dir, 'lib');
    fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
    // A grey print (smooth shading, a dark door, mild grain; no thin straight lines, which no detector
    // could tell from a scratch), then scratches, dust and a crease (no fading: only repair changes it).
    clean = Buffer.alloc(W * H * 3);
    let seed = 7;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const door = x > 240 && x < 300 && y > 120 && y < 250;
        const v = (door ? 60 : 140 + 50 * Math.sin(x / 41) * Math.cos(y / 37)) + ((seed >>> 24) % 5) - 2;
        clean.fill(Math.max(0, Math.min(255, Math.round(v))), (y * W + x) * 3, (y * W + x) * 3 + 3);
      }
    const damaged = synthesizeDamage(rgb8ToL(clean, 3), W, H, 5, { fade: false, grain: 0, scratches: 5, dust: 30, creases: 1 });
    const rgb = Buffer.alloc(W * H * 3);
    lToGreyRgb(damaged.L, rgb);
    await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(path.join(dir, 'in', 'scratched.png'));
    // A sepia print: the same picture toned brown.
    const sepia = Buffer.alloc(W * H * 3);
    for (let i = 0; i < W * H; i++) {
      const v = clean[i * 3]!;
      sepia[i * 3] = Math.min(255, Math.round(v * 1.0 + 20));
      sepia[i * 3 + 1] = Math.round(v * 0.85 + 12);
      sepia[i * 3 + 2] = Math.round(v * 0.62 + 4);
    }
    await sharp(sepia, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(path.join(dir, 'in', 'sepia.png'));
    await writePhoto(path.join(dir, 'in', 'colour.png'), W, H, { colour: true, seed: 4 });
  });
  after(() => removeDir(dir));

  test('--repair --no-colorize fills the damage: closer to the clean print, grey, and recorded with its steps', async () => {
    const out = path.join(dir, 'repaired');
    const r = runCli(['restore', path.join(dir, 'in', 'scratched.png'), '--out', out, '--repair', '--no-colorize', '--format', 'png'], { library });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1 restored/);
    const before = await decodeRgb(path.join(dir, 'in', 'scratched.png'));
    const after = await decodeRgb(path.join(out, 'scratched.png'));
    const gain = psnr(after.rgb, clean) - psnr(before.rgb, clean);
    assert.ok(gain > 2, `repair gains ${gain.toFixed(2)} dB against the clean print`);
    assert.ok((await meanChannelSpread(path.join(out, 'scratched.png'))) < 1, 'still black and white');
    const db = new Database(path.join(library, 'catalogue.sqlite'), { readonly: true });
    const rec = JSON.parse((db.prepare('SELECT params_json FROM outputs ORDER BY id DESC LIMIT 1').get() as { params_json: string }).params_json);
    const job = db.prepare('SELECT kind FROM jobs ORDER BY id DESC LIMIT 1').get() as { kind: string };
    db.close();
    assert.equal(job.kind, 'restore');
    assert.deepEqual(rec.steps, { repair: true, tone: false, recolorFaded: false, colorize: false });
    assert.equal(rec.colorized, false);
    const shipped = JSON.parse(fs.readFileSync(path.join(DAMAGE_MODEL_DIR(), DAMAGE_MANIFEST), 'utf8')) as DamageNetManifest;
    assert.equal(rec.detector, shipped.id);
    assert.deepEqual(rec.detection, { threshold: shipped.threshold, views: shipped.views ?? 1 }, 'the threshold and views are recorded');
    assert.equal(rec.fill, 'learned', 'how the damage was filled is recorded');
    assert.equal(rec.fillModel, loadFillNet().manifest.id, 'and with which learned fill');
    assert.ok(rec.repairedPixels > 100, `repaired ${rec.repairedPixels} px`);
  });

  test('with no step flag: a sepia print is restored as black and white and colorized; a colour photo keeps its colour', async () => {
    const out = path.join(dir, 'all');
    const inputs = [path.join(dir, 'in', 'sepia.png'), path.join(dir, 'in', 'colour.png')];
    const r = runCli(['restore', ...inputs, '--out', out, '--format', 'png'], { library });
    assert.equal(r.status, 0, r.stderr);
    const db = new Database(path.join(library, 'catalogue.sqlite'), { readonly: true });
    const rows = db
      .prepare(
        'SELECT o.params_json AS p, g.path AS original FROM outputs o JOIN originals g ON g.id = o.original_id WHERE o.path LIKE ? ORDER BY o.id',
      )
      .all(`${out}%`) as { p: string; original: string }[];
    db.close();
    const byName = new Map(rows.map((x) => [path.basename(x.original), JSON.parse(x.p)]));
    assert.deepEqual(byName.get('sepia.png').steps, { repair: true, tone: true, recolorFaded: false, colorize: true });
    assert.equal(byName.get('sepia.png').grey, true, 'sepia counts as black and white');
    assert.equal(byName.get('sepia.png').colorized, true);
    const match = byName.get('sepia.png').chromaMatch as number;
    assert.ok(match >= 1 && match <= 1.5, `the colour lift a restored print got is recorded: ×${match}`);
    assert.equal(byName.get('colour.png').chromaMatch, undefined, 'nothing colorized, nothing lifted');
    assert.equal(byName.get('colour.png').grey, false);
    assert.equal(byName.get('colour.png').colorized, false, 'a colour photo is never colorized over');
    // The colour photo's own colours survive: its output is close to its input.
    const a = await decodeRgb(path.join(dir, 'in', 'colour.png'));
    const b = await decodeRgb(path.join(out, 'colour.png'));
    assert.ok(psnr(a.rgb, b.rgb) > 25, `colour photo PSNR ${psnr(a.rgb, b.rgb).toFixed(1)} dB`);
  });
});
