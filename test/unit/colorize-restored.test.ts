// A restored print is colorized with at least the colour the network gave it as scanned: tone brings
// its whites and blacks back, and the network colours such a print less (colorize-restored.ts).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import sharp = require('sharp');
import { rgb8ToL, rgb8ToLab } from '../../src-main/core/color/lab';
import { initBackend } from '../../src-main/core/engine/backend';
import { resolveModel } from '../../src-main/core/engine/model-registry';
import type { LoadedModel } from '../../src-main/core/engine/model-store';
import type { DecodedPhoto } from '../../src-main/core/imaging/decode';
import { colorizePixels } from '../../src-main/core/pipeline/colorize';
import { colorizeRestored, RESTORED_CHROMA_MAX } from '../../src-main/core/pipeline/colorize-restored';
import { fadeGrey, restoreTone } from '../../src-main/core/restore';
import { lToGreyRgb } from '../../src-main/core/restore/planes';
import { REPO_ROOT } from '../helpers/fixtures';

let model: LoadedModel;
before(async () => {
  await initBackend();
  model = (await resolveModel(undefined)).model;
});

const meanChroma = (rgb: Uint8Array): number => {
  const lab = rgb8ToLab(rgb, 3);
  let s = 0;
  for (let i = 0; i < lab.a.length; i++) s += Math.hypot(lab.a[i]!, lab.b[i]!);
  return s / lab.a.length;
};

async function fadedAndToned(): Promise<{ faded: DecodedPhoto; toned: DecodedPhoto }> {
  const { data, info } = await sharp(path.join(REPO_ROOT, 'samples', '1860Girls.jpg'))
    .resize({ width: 360 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const L = fadeGrey(rgb8ToL(data, 3), 3);
  const T = Float32Array.from(L);
  restoreTone(T, width, height, {});
  const photo = (plane: Float32Array): DecodedPhoto => ({
    file: 'x',
    width,
    height,
    rgb: Buffer.from(lToGreyRgb(plane)),
    meta: { format: 'raw', width, height, hasAlpha: false },
  });
  return { faded: photo(L), toned: photo(T) };
}

test('a toned print gets its colour lifted to what the print as scanned got, within the bound', async () => {
  const { faded, toned } = await fadedAndToned();
  const plainToned = meanChroma((await colorizePixels(toned, model)).rgb);
  const asScanned = meanChroma((await colorizePixels(faded, model)).rgb);
  const r = await colorizeRestored(faded, toned, model);
  assert.ok(r.chromaMatch > 1 && r.chromaMatch <= RESTORED_CHROMA_MAX, `factor ${r.chromaMatch}`);
  const got = meanChroma(r.pixels.rgb);
  assert.ok(got > plainToned, `chroma ${got.toFixed(2)} against ${plainToned.toFixed(2)} without the match`);
  // Matched up to the bound: below it the restored print shows about the colour it got as scanned.
  if (r.chromaMatch < RESTORED_CHROMA_MAX)
    assert.ok(got >= asScanned * 0.9, `chroma ${got.toFixed(2)}, the print as scanned colorized ${asScanned.toFixed(2)} (×${r.chromaMatch})`);
  // Same size and lightness as the restored photo: only its colour changed.
  assert.deepEqual([r.pixels.width, r.pixels.height], [toned.width, toned.height]);
  const outL = rgb8ToL(r.pixels.rgb, 3),
    inL = rgb8ToL(toned.rgb, 3);
  let worst = 0;
  for (let i = 0; i < outL.length; i++) worst = Math.max(worst, Math.abs(outL[i]! - inL[i]!));
  assert.ok(worst < 3, `lightness kept (worst ${worst.toFixed(2)} L)`);
});

test('nothing restored, nothing lifted: the same photo as scanned and restored gets factor 1 and a plain colorize', async () => {
  const { toned } = await fadedAndToned();
  const r = await colorizeRestored(toned, toned, model);
  assert.equal(r.chromaMatch, 1);
  assert.deepEqual(r.pixels.rgb, (await colorizePixels(toned, model)).rgb);
});
