// The damage-mask edit (brush strokes from the photo view): rasterised at full size, applied in order to
// the detected mask (add marks, erase unmarks; a later stroke wins), brought to display size so a thin
// scratch still shows; and the restore step with an edit, on a real photo (samples/1880Paris.jpg, made
// grey, with a bright scratch painted in): only the edited mask's pixels change, an added stroke is
// filled, an erased piece of scratch is left as it was.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp = require('sharp');
import { MaskEditSchema, type MaskStroke } from '../../src-main/contract/mask-edit';
import { rgb8ToL } from '../../src-main/core/color/lab';
import type { DecodedPhoto } from '../../src-main/core/imaging/decode';
import { RestoreSteps } from '../../src-main/core/jobs/job-params';
import { applyMaskEdit, displaySize, maskForDisplay, rasteriseStrokes, strokeRadiusPx } from '../../src-main/core/restore/mask-edit';
import { detectedDamage } from '../../src-main/core/restore/damage-mask';
import { defaultDetector, restoreDecoded } from '../../src-main/core/restore/restore-step';
import { REPO_ROOT } from '../helpers/fixtures';

const count = (m: Uint8Array): number => m.reduce((n, v) => n + v, 0);

test('a dab covers the pixels within its radius; a line is a capsule; edges clip', () => {
  const [W, H] = [200, 100];
  // radius 0.05 of the long side (200) = 10 px
  const dab: MaskStroke = { mode: 'add', radius: 0.05, points: [[0.5, 0.5]] };
  assert.equal(strokeRadiusPx(dab, W, H), 10);
  const m = rasteriseStrokes([dab], W, H);
  assert.ok(Math.abs(count(m) - Math.PI * 100) < 20, `≈ πr² pixels (${count(m)})`);
  assert.equal(m[50 * W + 100], 1);
  assert.equal(m[50 * W + 111], 0);
  assert.equal(m[50 * W + 109], 1);
  // A horizontal line from x = 20 to 180 at y = 50, r = 2 px: a 4-px band plus round caps.
  const line = rasteriseStrokes(
    [
      {
        mode: 'add',
        radius: 0.01,
        points: [
          [0.1, 0.5],
          [0.9, 0.5],
        ],
      },
    ],
    W,
    H,
  );
  for (let x = 20; x < 180; x++) {
    assert.equal(line[50 * W + x], 1, `on the line at x=${x}`);
    assert.equal(line[46 * W + x], 0, `off the line at x=${x}`);
  }
  assert.ok(Math.abs(count(line) - (160 * 4 + Math.PI * 4)) < 12, `band area (${count(line)})`);
  // A dab at the corner is clipped, not wrapped to the other side.
  const corner = rasteriseStrokes([{ mode: 'add', radius: 0.05, points: [[0, 0]] }], W, H);
  assert.ok(count(corner) > 60 && count(corner) < 100, `a quarter disc (${count(corner)})`);
  for (let y = 0; y < H; y++) assert.equal(corner[y * W + W - 1], 0);
  // The smallest brush still covers the pixel it is on.
  assert.equal(count(rasteriseStrokes([{ mode: 'add', radius: 0.0002, points: [[100.5 / W, 50.5 / H]] }], W, H)), 1, 'at a pixel centre');
  assert.equal(count(rasteriseStrokes([{ mode: 'add', radius: 0.0002, points: [[0.5, 0.5]] }], W, H)), 4, 'at a corner: the four around it');
});

test('strokes apply in order: add marks, erase unmarks, a later stroke wins', () => {
  const [W, H] = [100, 100];
  const detected = new Uint8Array(W * H);
  for (let x = 10; x < 90; x++) detected[20 * W + x] = 1; // a detected scratch along y = 20
  const mask = Uint8Array.from(detected);
  const r = applyMaskEdit(mask, W, H, [
    { mode: 'erase', radius: 0.05, points: [[0.5, 0.2]] }, // a false mark on the scratch's middle
    {
      mode: 'add',
      radius: 0.02,
      points: [
        [0.2, 0.7],
        [0.8, 0.7],
      ],
    }, // a missed scratch at y = 70
    { mode: 'erase', radius: 0.02, points: [[0.5, 0.7]] }, // and a bit of it taken back
  ]);
  assert.equal(mask[20 * W + 15], 1, 'the scratch away from the eraser stays');
  assert.equal(mask[20 * W + 50], 0, 'erased');
  assert.equal(mask[70 * W + 25], 1, 'added');
  assert.equal(mask[70 * W + 50], 0, 'the later erase wins over the earlier add');
  assert.equal(r.erased, count(detected) - count(mask.map((v, i) => (detected[i] ? v : 0))));
  assert.equal(r.added, count(mask.map((v, i) => (detected[i] ? 0 : v))));
  assert.ok(r.added > 100 && r.erased >= 9 && r.erased <= 11, JSON.stringify(r));
  assert.throws(() => applyMaskEdit(new Uint8Array(5), W, H, []), RangeError);
});

test('at display size a one-pixel scratch still shows; the bits are packed row by row', () => {
  const [W, H] = [4000, 3000];
  const mask = new Uint8Array(W * H);
  for (let x = 0; x < W; x++) mask[1501 * W + x] = 1; // one row, 1 px thick
  const d = maskForDisplay(mask, W, H, 1000);
  assert.deepEqual([d.width, d.height], [1000, 750]);
  assert.deepEqual(displaySize(300, 200, 1000), { width: 300, height: 200 }, 'never enlarged');
  assert.equal(d.bits.length, Math.ceil((1000 * 750) / 8));
  const bit = (x: number, y: number): number => (d.bits[(y * 1000 + x) >> 3]! >> (7 - ((y * 1000 + x) & 7))) & 1;
  let shown = 0;
  for (let y = 0; y < 750; y++) for (let x = 0; x < 1000; x++) shown += bit(x, y);
  assert.equal(shown, 1000, 'one whole row shown');
  assert.equal(bit(0, 375), 1);
  assert.equal(bit(999, 375), 1);
});

test('the schema bounds an edit: ranges, counts, shapes', () => {
  const ok = [
    {
      mode: 'add',
      radius: 0.01,
      points: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
    },
  ];
  assert.ok(MaskEditSchema.safeParse(ok).success);
  const bad: unknown[] = [
    [],
    [{ mode: 'paint', radius: 0.01, points: [[0, 0]] }],
    [{ mode: 'add', radius: 0, points: [[0, 0]] }],
    [{ mode: 'add', radius: 0.5, points: [[0, 0]] }],
    [{ mode: 'add', radius: 0.01, points: [] }],
    [{ mode: 'add', radius: 0.01, points: [[1.01, 0]] }],
    [{ mode: 'add', radius: 0.01, points: [[0.5, -0.1]] }],
    [{ mode: 'add', radius: 0.01, points: [[0.5, NaN]] }],
    [{ mode: 'add', radius: 0.01, points: [[0.5, 0.5, 0.5]] }],
    [{ mode: 'add', radius: 0.01, points: [[0.5, 0.5]], colour: 'red' }],
    Array.from({ length: 501 }, () => ok[0]),
    [{ mode: 'add', radius: 0.01, points: Array.from({ length: 4001 }, () => [0.5, 0.5]) }],
    Array.from({ length: 20 }, () => ({ mode: 'add', radius: 0.01, points: Array.from({ length: 3000 }, () => [0.5, 0.5]) })),
  ];
  for (const b of bad) assert.equal(MaskEditSchema.safeParse(b).success, false, JSON.stringify(b).slice(0, 120));
  // A restore job's recorded steps keep the edit as it was sent.
  assert.deepEqual(RestoreSteps.parse({ repair: true, maskEdit: ok }).maskEdit, ok);
});

test('repair with an edit on a real photo: only the edited mask changes; added is filled, erased is kept', async () => {
  // The sample made grey (R = G = B) with a bright, slightly curved scratch across the sky and houses.
  const src = path.join(REPO_ROOT, 'samples', '1880Paris.jpg');
  const { width: W, height: H } = await sharp(src).metadata();
  const scratch = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><path d="M40 60 Q320 140 600 90" fill="none" stroke="#fbfbfb" stroke-width="2.5"/></svg>`;
  const grey = await sharp(src)
    .composite([{ input: Buffer.from(scratch) }])
    .greyscale()
    .raw()
    .toBuffer();
  assert.equal(grey.length, W! * H!);
  const rgb = Buffer.alloc(W! * H! * 3);
  for (let i = 0; i < grey.length; i++) rgb.fill(grey[i]!, i * 3, i * 3 + 3);
  const photo: DecodedPhoto = { file: src, width: W!, height: H!, rgb, meta: {} as DecodedPhoto['meta'] };
  const L = rgb8ToL(rgb, 3);
  const detected = defaultDetector().detect(L, W!, H!);
  assert.deepEqual(detectedDamage(photo).mask, detected, 'the overlay shows what the repair would fill');
  // The scratch's left end (x ≈ 40..140, y ≈ 60..95) is erased; a stroke is added on the dark roofs lower down.
  const edit: MaskStroke[] = [
    {
      mode: 'erase',
      radius: 0.04,
      points: [
        [0.08, 0.16],
        [0.2, 0.2],
      ],
    },
    {
      mode: 'add',
      radius: 0.006,
      points: [
        [0.3, 0.55],
        [0.45, 0.6],
        [0.6, 0.58],
      ],
    },
  ];
  const expected = Uint8Array.from(detected);
  applyMaskEdit(expected, W!, H!, edit);
  const erased = rasteriseStrokes([edit[0]!], W!, H!);
  const added = rasteriseStrokes([edit[1]!], W!, H!);
  let scratchUnderEraser = 0;
  for (let i = 0; i < W! * H!; i++) if (erased[i] && detected[i]) scratchUnderEraser++;
  assert.ok(scratchUnderEraser > 30, `the detector found the scratch under the eraser (${scratchUnderEraser} px)`);

  const steps = RestoreSteps.parse({ repair: true, tone: false, recolorFaded: false, colorize: false, maskEdit: edit });
  const out = restoreDecoded(photo, steps);
  assert.equal(out.grey, true);
  assert.equal(out.repairedPixels, count(expected), 'every pixel of the edited mask, and only those, filled');
  const L2 = rgb8ToL(out.photo.rgb, 3);
  let outside = 0,
    addedChanged = 0,
    addedOnly = 0,
    erasedChanged = 0;
  for (let i = 0; i < W! * H!; i++) {
    const changed = out.photo.rgb[i * 3] !== rgb[i * 3];
    if (changed && !expected[i]) outside++;
    if (added[i] && !detected[i]) {
      addedOnly++;
      if (Math.abs(L2[i]! - L[i]!) > 0.5) addedChanged++;
    }
    if (erased[i] && changed) erasedChanged++;
  }
  assert.equal(outside, 0, 'no pixel outside the edited mask changed');
  assert.equal(erasedChanged, 0, 'the erased piece of scratch was left as it was');
  assert.ok(addedOnly > 300 && addedChanged > addedOnly / 4, `the added stroke was filled (${addedChanged} of ${addedOnly} px changed)`);

  // Without the edit, the scratch under the eraser is repaired (so the edit made the difference).
  const plain = restoreDecoded(photo, RestoreSteps.parse({ repair: true, tone: false, recolorFaded: false, colorize: false }));
  let plainErasedChanged = 0;
  for (let i = 0; i < W! * H!; i++) if (erased[i] && plain.photo.rgb[i * 3] !== rgb[i * 3]) plainErasedChanged++;
  assert.ok(plainErasedChanged > 30, `unedited, the scratch there is filled (${plainErasedChanged} px)`);
});
