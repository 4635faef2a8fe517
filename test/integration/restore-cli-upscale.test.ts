// `heirloom restore --upscale` through the real CLI: the output is 2 × the size, the catalogue records
// the step with its factor and network version, progress shows per tile, colorizing happens on the
// enlarged photo, a cancel stops between tiles, and a factor the networks do not have is refused before any work.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { decodeRgb, makeTempDir, meanChannelSpread, removeDir, runCli, writePhoto } from '../helpers/fixtures';

describe('heirloom restore --upscale', () => {
  let dir: string;
  let library: string;
  // Two tiles wide (a tile's core is 192 px), one high.
  const [W, H] = [200, 72];
  before(async () => {
    dir = makeTempDir();
    library = path.join(dir, 'lib');
    await writePhoto(path.join(dir, 'in', 'grey.png'), W, H, { colour: false, seed: 3 });
  });
  after(() => removeDir(dir));

  const lastOutput = (out: string): { params: Record<string, unknown>; width: number; height: number } => {
    const db = new Database(path.join(library, 'catalogue.sqlite'), { readonly: true });
    const row = db.prepare('SELECT params_json, width, height FROM outputs WHERE path LIKE ? ORDER BY id DESC LIMIT 1').get(`${out}%`) as {
      params_json: string;
      width: number;
      height: number;
    };
    db.close();
    return { params: JSON.parse(row.params_json), width: row.width, height: row.height };
  };

  test('--upscale 2 --no-colorize: a 2 × grey photo, with the step and its network recorded', async () => {
    const out = path.join(dir, 'x2');
    const r = runCli(['restore', path.join(dir, 'in', 'grey.png'), '--out', out, '--upscale', '2', '--no-colorize', '--format', 'png'], { library });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /1 restored/);
    assert.match(r.stderr, /grey\.png: enlarging, 1 of 2 tiles/);
    const img = await decodeRgb(path.join(out, 'grey.png'));
    assert.equal(img.width, 2 * W);
    assert.equal(img.height, 2 * H);
    assert.ok((await meanChannelSpread(path.join(out, 'grey.png'))) < 1, 'still black and white');
    const rec = lastOutput(out);
    assert.equal(rec.width, 2 * W);
    assert.equal(rec.height, 2 * H);
    assert.deepEqual(rec.params.steps, { repair: true, tone: true, recolorFaded: false, colorize: false, upscale: 2 });
    const up = rec.params.upscale as { factor: number; model: string };
    assert.equal(up.factor, 2);
    assert.match(up.model, /^esrgan-slim(-scans)?@\d+\.\d+\.\d+$/); // Heirloom's fine-tune for scans, or the package's
    assert.equal(rec.params.colorized, false);
  });

  test('--upscale 2 with colorizing: colour is put on the enlarged photo', async () => {
    const out = path.join(dir, 'x2colour');
    const r = runCli(['restore', path.join(dir, 'in', 'grey.png'), '--out', out, '--upscale', '2', '--format', 'png'], { library });
    assert.equal(r.status, 0, r.stderr);
    const img = await decodeRgb(path.join(out, 'grey.png'));
    assert.equal(img.width, 2 * W);
    assert.equal(img.height, 2 * H);
    const rec = lastOutput(out);
    assert.equal(rec.params.colorized, true);
    assert.equal((rec.params.upscale as { factor: number }).factor, 2);
  });

  test('a cancel while enlarging stops the job at once: the photo stays pending and nothing is written', async () => {
    const out = path.join(dir, 'cancelled');
    const core = HeirloomCore.open({ library: path.join(dir, 'lib-cancel') });
    try {
      const ctrl = new AbortController();
      const seen: number[] = [];
      const summary = await core.colorizeBatch([path.join(dir, 'in', 'grey.png')], {
        outDir: out,
        format: 'png',
        restore: { repair: false, tone: true, colorize: false, upscale: 2 },
        signal: ctrl.signal,
        onProgress: (p) => {
          if (p.step) {
            seen.push(p.step.done);
            ctrl.abort(); // after the first tile
          }
        },
      });
      assert.equal(summary.status, 'cancelled');
      assert.deepEqual(seen, [1], 'no tile after the cancel');
      assert.deepEqual(
        core.catalogue.jobItems(summary.jobId).map((i) => i.status),
        ['pending'],
      );
      assert.equal(fs.existsSync(path.join(out, 'grey.png')), false);
    } finally {
      core.close();
    }
  });

  test('--upscale 3 is refused plainly, before anything is done', () => {
    const out = path.join(dir, 'x3');
    const r = runCli(['restore', path.join(dir, 'in', 'grey.png'), '--out', out, '--upscale', '3'], { library });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--upscale must be 2 or 4/);
    assert.equal(fs.existsSync(out), false);
  });
});
