// Black and white at heart: grey scans and toned prints (sepia, selenium, gold, cyanotype, yellowed,
// foxed, faintly tinted) are monochrome, so restore takes their L and colorizes them; photos with
// several hues are colour photos.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp = require('sharp');
import { appRoot } from '../../src-main/core/app-paths';
import { rgb8ToL } from '../../src-main/core/color/lab';
import { judgeMonochrome } from '../../src-main/core/imaging/monochrome';
import { TONINGS, tonedPrint } from '../../src-main/core/imaging/toning';
import { photoPixels } from '../helpers/fixtures';

async function pixels(file: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file)
    .resize(400, 400, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

const samples = path.join(appRoot(), 'samples');
const sampleFiles = fs.readdirSync(samples).filter((f) => /\.jpe?g$/i.test(f));

test('every shipped historic sample (grey, sepia, yellowed) is monochrome', async () => {
  assert.ok(sampleFiles.length >= 8);
  for (const f of sampleFiles) {
    const p = await pixels(path.join(samples, f));
    const v = judgeMonochrome(p.rgb, p.width, p.height);
    assert.ok(v.monochrome, `${f}: ${JSON.stringify(v)}`);
  }
});

test('every kind of toned print made from a real grey photo is monochrome; its grey original too', async () => {
  const p = await pixels(path.join(samples, sampleFiles[0]!));
  const L = rgb8ToL(p.rgb, 3);
  for (const kind of TONINGS) {
    for (const seed of [1, 2]) {
      const v = judgeMonochrome(tonedPrint(L, p.width, p.height, kind, seed), p.width, p.height);
      assert.ok(v.monochrome, `${kind} (seed ${seed}): ${JSON.stringify(v)}`);
      // Toned for real: not a grey photo that passes for free.
      if (kind !== 'faintCool' && kind !== 'faintMixed') assert.ok(v.colouredShare > 0.1, `${kind}: ${v.colouredShare}`);
    }
  }
});

test('a colour picture is not monochrome, nor is one whose second colour sits at the same lightness', () => {
  assert.equal(judgeMonochrome(photoPixels(320, 240, { colour: true, seed: 2 }), 320, 240).monochrome, false);
  assert.equal(judgeMonochrome(photoPixels(320, 240, { colour: false, seed: 2 }), 320, 240).monochrome, true);
  // A warm wall with a green door of the same lightness: lightness cannot explain both colours.
  const w = 200,
    h = 150,
    rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) rgb.set(x > 120 && x < 170 && y > 40 ? [90, 150, 90] : [190, 140, 100 + (y % 7)], (y * w + x) * 3);
  assert.equal(judgeMonochrome(rgb, w, h).monochrome, false);
});
