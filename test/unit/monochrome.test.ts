// Black and white at heart: grey scans and toned prints (sepia, yellowed) are monochrome; photos with
// several hues, and colour photos of one cool hue (sky, snow), are not.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp = require('sharp');
import { appRoot } from '../../src-main/core/app-paths';
import { judgeMonochrome } from '../../src-main/core/imaging/monochrome';
import { photoPixels } from '../helpers/fixtures';

async function pixels(file: string): Promise<Uint8Array> {
  const { data } = await sharp(file)
    .resize(400, 400, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

test('every shipped historic sample (grey, sepia, yellowed) is monochrome', async () => {
  const dir = path.join(appRoot(), 'samples');
  const files = fs.readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f));
  assert.ok(files.length >= 8);
  for (const f of files) {
    const v = judgeMonochrome(await pixels(path.join(dir, f)));
    assert.ok(v.monochrome, `${f}: ${JSON.stringify(v)}`);
  }
});

test('a colour picture is not monochrome; neither is a photo of one cool hue', () => {
  assert.equal(judgeMonochrome(photoPixels(320, 240, { colour: true, seed: 2 })).monochrome, false);
  // A blue sky graded from light to deep: one hue, low residual, but blue (toned prints are warm).
  const w = 200,
    h = 150,
    sky = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sky.set([60 + y / 2, 120 + y / 2, 200 + y / 4], (y * w + x) * 3);
  assert.equal(judgeMonochrome(sky).monochrome, false);
  const grey = photoPixels(320, 240, { colour: false, seed: 2 });
  assert.equal(judgeMonochrome(grey).monochrome, true);
});
