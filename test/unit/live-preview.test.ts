// The photo view's live preview: a hint changes the colour near its point at preview size, the
// swatches are the network's own likely colours there, and nothing is written to the catalogue.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp = require('sharp');
import { rgb8ToLab } from '../../src-main/core/color/lab';
import { resolveModel } from '../../src-main/core/engine/model-registry';
import { LivePreview, PREVIEW_LONG_SIDE } from '../../src-main/core/hints/live-preview';
import { hexToAb } from '../../src-main/core/hints/point-hints';
import { makeTempDir, removeDir, writePhoto } from '../helpers/fixtures';

async function abNear(jpeg: Buffer, fx: number, fy: number): Promise<[number, number]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const lab = rgb8ToLab(data, 3);
  const cx = Math.round(fx * info.width),
    cy = Math.round(fy * info.height);
  let a = 0,
    b = 0,
    n = 0;
  for (let y = cy - 4; y <= cy + 4; y++)
    for (let x = cx - 4; x <= cx + 4; x++) {
      a += lab.a[y * info.width + x]!;
      b += lab.b[y * info.width + x]!;
      n++;
    }
  return [a / n, b / n];
}

test('a hint recolours its neighbourhood in the preview; swatches are likely colours; previews are screen-sized', async () => {
  const dir = makeTempDir();
  try {
    const file = await writePhoto(path.join(dir, 'big.jpg'), 2400, 1800, { colour: false, seed: 5 });
    const { model } = await resolveModel(undefined);
    const preview = new LivePreview(() => file);
    const plain = await preview.render(1, model, { hints: [] });
    assert.equal(Math.max(plain.width, plain.height), PREVIEW_LONG_SIDE);
    assert.equal(plain.width / plain.height, 2400 / 1800);
    const swatches = await preview.suggest(1, model, 0.3, 0.5);
    assert.ok(swatches.length >= 2 && swatches.length <= 6, `${swatches.length} swatches`);
    assert.ok(swatches.every((s) => /^#[0-9a-f]{6}$/.test(s.color) && s.probability > 0));
    for (let i = 1; i < swatches.length; i++) assert.ok(swatches[i - 1]!.probability >= swatches[i]!.probability, 'most likely first');
    const total = swatches.reduce((s, x) => s + x.probability, 0);
    assert.ok(total > 0.3 && total <= 1.0001, `swatches cover ${total.toFixed(2)} of the distribution`);
    const hint = { x: 0.3, y: 0.5, color: '#2a50c8', size: 7 };
    const hinted = await preview.render(1, model, { hints: [hint] });
    const [ta, tb] = hexToAb(hint.color);
    const [pa, pb] = await abNear(plain.jpeg, 0.3, 0.5);
    const [ha, hb] = await abNear(hinted.jpeg, 0.3, 0.5);
    assert.ok(
      Math.hypot(ha - ta, hb - tb) < Math.hypot(pa - ta, pb - tb) - 5,
      `towards the hint: (${ha.toFixed(1)}, ${hb.toFixed(1)}) vs (${pa.toFixed(1)}, ${pb.toFixed(1)}) → (${ta.toFixed(1)}, ${tb.toFixed(1)})`,
    );
    // Saturation 0 is grey.
    const grey = await preview.render(1, model, { hints: [], saturation: 0 });
    const [ga, gb] = await abNear(grey.jpeg, 0.5, 0.5);
    assert.ok(Math.hypot(ga, gb) < 2);
  } finally {
    removeDir(dir);
  }
});
