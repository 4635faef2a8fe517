// The CLI with a hints file moves the colour near the points towards the hinted colour and leaves the
// lightness alone; every result is a version the user controls (which one is in use, delete one).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp = require('sharp');
import { rgb8ToLab } from '../../src-main/core/color/lab';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, meanDeltaL, removeDir, runCli, writePhoto } from '../helpers/fixtures';

async function abAround(file: string, fx: number, fy: number, r: number): Promise<[number, number]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const lab = rgb8ToLab(data, info.channels);
  const cx = Math.round(fx * info.width);
  const cy = Math.round(fy * info.height);
  let a = 0;
  let b = 0;
  let n = 0;
  for (let y = cy - r; y <= cy + r; y++)
    for (let x = cx - r; x <= cx + r; x++) {
      a += lab.a[y * info.width + x];
      b += lab.b[y * info.width + x];
      n++;
    }
  return [a / n, b / n];
}

test('hints from a file colour the photo near the points, keep its lightness, and are recorded with the version', async () => {
  const dir = makeTempDir();
  try {
    const library = path.join(dir, 'lib');
    const photo = await writePhoto(path.join(dir, 'in', 'dress.jpg'), 320, 240, { colour: false });
    const hints = path.join(dir, 'hints.json');
    // A strong blue on the sky-like top left and a strong red low in the middle.
    fs.writeFileSync(
      hints,
      JSON.stringify([
        { x: 0.15, y: 0.2, color: '#2040c0', size: 7 },
        { x: 0.5, y: 0.85, color: '#c02020', size: 7 },
      ]),
    );
    const plain = runCli(['colorize', photo, '--out', path.join(dir, 'plain')], { library });
    assert.equal(plain.status, 0, plain.stderr);
    const hinted = runCli(['colorize', photo, '--out', path.join(dir, 'hinted'), '--hints', hints], { library });
    assert.equal(hinted.status, 0, hinted.stderr);
    const p = path.join(dir, 'plain', 'dress.jpg');
    const h = path.join(dir, 'hinted', 'dress.jpg');
    const [pa, pb] = await abAround(p, 0.15, 0.2, 3);
    const [ha, hb] = await abAround(h, 0.15, 0.2, 3);
    const blue = rgb8ToLab(Uint8Array.from([0x20, 0x40, 0xc0]), 3);
    const [ta, tb] = [blue.a[0], blue.b[0]];
    const dist = (a: number, b: number): number => Math.hypot(a - ta, b - tb);
    assert.ok(
      dist(ha, hb) < dist(pa, pb) - 5,
      `blue hint: ab (${ha.toFixed(1)}, ${hb.toFixed(1)}) vs without (${pa.toFixed(1)}, ${pb.toFixed(1)}), target (${ta.toFixed(1)}, ${tb.toFixed(1)})`,
    );
    const [ra] = await abAround(h, 0.5, 0.85, 3);
    const [ra0] = await abAround(p, 0.5, 0.85, 3);
    assert.ok(ra > ra0 + 5, `red hint raises a: ${ra.toFixed(1)} vs ${ra0.toFixed(1)}`);
    assert.ok((await meanDeltaL(photo, h)) < 1, 'lightness kept');

    // Both results are versions of the one photo; the newest is in use; the user can pick and delete.
    const core = HeirloomCore.open({ library, role: 'reader' });
    const id = core.catalogue.listOriginals()[0].id;
    const versions = core.catalogue.listOutputs(id);
    core.close();
    assert.equal(versions.length, 2);
    assert.equal((versions[0].params as { hints?: unknown[] }).hints?.length, 2, 'the hints are recorded with the version they made');
    let r = runCli(['versions', String(id)], { library });
    assert.match(r.stdout, new RegExp(`^\\* +${versions[0].id} .*2 hints`, 'm'));
    r = runCli(['versions', String(id), '--use', String(versions[1].id)], { library });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^\\* +${versions[1].id} `, 'm'), 'the older version is now in use');
    r = runCli(['versions', String(id), '--delete', String(versions[1].id)], { library });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /its file stays/);
    assert.ok(fs.existsSync(versions[1].path), 'a file in a folder the user chose is not deleted');
    assert.match(r.stdout, new RegExp(`^\\* +${versions[0].id} `, 'm'), 'back to the newest');
    r = runCli(['colorize', photo, '--out', path.join(dir, 'x'), '--hints', path.join(dir, 'nope.json')], { library });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nope\.json: no such file/);
  } finally {
    removeDir(dir);
  }
});
