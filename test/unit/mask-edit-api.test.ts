// The damage overlay and "Repair again" through HeirloomApi over the real core: damageMask gives the
// mask the repair would fill, at display size, packed one bit a pixel; restorePhotos with a mask edit
// runs a restore job whose new version records the strokes (in its steps, and in getPhoto's versions)
// and is filled where a stroke added damage; bad requests are refused at the boundary.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CoreApi } from '../../src-main/api/core-api';
import { ApiArgumentError, parseCall } from '../../src-main/api/schemas';
import type { DamageMask } from '../../src-main/api/types';
import type { MaskStroke } from '../../src-main/contract/mask-edit';
import { rasteriseStrokes } from '../../src-main/core/restore/mask-edit';
import { jobEnded, openScratchedPrintLibrary, type ScratchedPrintLibrary, waitForJobEvent } from '../helpers/jobs';
import { decodeRgb } from '../helpers/fixtures';

const [W, H] = [384, 288];
let lib: ScratchedPrintLibrary;
let api: CoreApi;
let photoId: number;
let file: string;
let truth: Uint8Array;

before(async () => {
  lib = await openScratchedPrintLibrary(W, H, 7, { scratches: 4, dust: 20 });
  ({ api, photoId, file, mask: truth } = lib);
});

after(async () => {
  await lib?.close();
});

const steps = { repair: true, tone: false, recolorFaded: false, colorize: false };
const stroke: MaskStroke = {
  mode: 'add',
  radius: 0.01,
  points: [
    [0.1, 0.85],
    [0.3, 0.9],
    [0.5, 0.85],
  ],
};

test('bad mask requests and edits are refused at the boundary', () => {
  assert.doesNotThrow(() => parseCall('damageMask', { photoId: 1 }));
  assert.doesNotThrow(() => parseCall('damageMask', { photoId: 1, maxSize: 2048 }));
  assert.doesNotThrow(() => parseCall('restorePhotos', { photoIds: [1], steps, maskEdit: [stroke] }));
  const refused = (method: string, arg: unknown, what: RegExp): void =>
    assert.throws(
      () => parseCall(method, arg),
      (e: Error) => e instanceof ApiArgumentError && what.test(e.message),
      JSON.stringify(arg).slice(0, 160),
    );
  refused('damageMask', {}, /photoId/);
  refused('damageMask', { photoId: 0 }, /photoId/);
  refused('damageMask', { photoId: 1, maxSize: 8 }, /maxSize/);
  refused('damageMask', { photoId: 1, maxSize: 5000 }, /maxSize/);
  refused('damageMask', { photoId: 1, maxSize: 100.5 }, /maxSize/);
  refused('damageMask', { photoId: 1, path: '/etc/passwd' }, /path|unrecognized/i);
  refused('restorePhotos', { photoIds: [1, 2], steps, maskEdit: [stroke] }, /a mask edit is for one photo/);
  refused('restorePhotos', { photoIds: [1], steps: { ...steps, repair: false }, maskEdit: [stroke] }, /a mask edit is for one photo, with repair on/);
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: [] }, /maskEdit/);
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: [{ ...stroke, radius: 2 }] }, /maskEdit\.0\.radius/);
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: [{ ...stroke, mode: 'blur' }] }, /maskEdit\.0\.mode/);
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: [{ ...stroke, points: [[0.5, 1.5]] }] }, /maskEdit\.0\.points/);
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: [{ ...stroke, points: [[0.5, '0.5']] }] }, /maskEdit\.0\.points/);
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: Array.from({ length: 501 }, () => stroke) }, /maskEdit/);
  refused(
    'restorePhotos',
    { photoIds: [1], steps, maskEdit: [{ ...stroke, points: Array.from({ length: 4001 }, () => [0.5, 0.5]) }] },
    /maskEdit\.0\.points/,
  );
  refused('restorePhotos', { photoIds: [1], steps, maskEdit: stroke }, /maskEdit/);
});

test('damageMask: the damage at display size, one bit a pixel, close to where the scratches are', async () => {
  const m = (await api.call('damageMask', { photoId, maxSize: 192 })) as DamageMask;
  assert.deepEqual([m.width, m.height], [192, 144]);
  const bits = Buffer.from(m.bits, 'base64');
  assert.equal(bits.length, Math.ceil((192 * 144) / 8));
  assert.ok(m.fraction > 0.002 && m.fraction < 0.2, `fraction ${m.fraction}`);
  assert.ok(m.detector.length > 0);
  // Shown pixels, compared with the true damage brought to the same size.
  let shown = 0,
    onTruth = 0;
  for (let y = 0; y < 144; y++)
    for (let x = 0; x < 192; x++) {
      const k = y * 192 + x;
      if (!((bits[k >> 3]! >> (7 - (k & 7))) & 1)) continue;
      shown++;
      let near = false;
      for (let yy = Math.max(0, 2 * y - 2); yy < Math.min(H, 2 * y + 4) && !near; yy++)
        for (let xx = Math.max(0, 2 * x - 2); xx < Math.min(W, 2 * x + 4); xx++) if (truth[yy * W + xx]) near = true;
      if (near) onTruth++;
    }
  assert.ok(shown > 50, `${shown} shown pixels`);
  assert.ok(onTruth / shown > 0.7, `most shown pixels are at real damage (${onTruth} of ${shown})`);
  // Full size by default for a photo smaller than 1024; asked again, the same answer.
  const full = await api.damageMask({ photoId });
  assert.deepEqual([full.width, full.height], [W, H]);
  assert.deepEqual(await api.damageMask({ photoId }), full);
  await assert.rejects(api.damageMask({ photoId: 987_654 }), /not in the library/);
});

test('damageMask asked several times at once: searches queue, the same question shares one answer', async () => {
  const asks = [96, 64, 96, 48].map((maxSize) => api.damageMask({ photoId, maxSize }));
  const [a, b, c, d] = await Promise.all(asks);
  assert.equal(a, c, 'the same size asked twice while searching: one search, one answer');
  assert.deepEqual([a!.width, b!.width, d!.width], [96, 64, 48]);
  for (const m of [a!, b!, d!])
    assert.ok(
      Buffer.from(m.bits, 'base64').some((v) => v !== 0),
      `${m.width}: damage shown`,
    );
});

test('restorePhotos with a mask edit: a new version that records the strokes, filled where they added damage', async () => {
  const { jobId } = (await api.call('restorePhotos', { photoIds: [photoId], steps, maskEdit: [stroke] })) as { jobId: number };
  const ended = await waitForJobEvent(api, jobId, jobEnded);
  assert.equal(ended.state, 'done', ended.message ?? JSON.stringify(ended.errors));
  const photo = await api.getPhoto(photoId);
  const v = photo.outputs[0]!;
  assert.ok(v.restored && v.current);
  assert.deepEqual(v.maskEdit, [stroke], 'getPhoto lists the strokes the version was made with');
  const params = lib.core.catalogue.getOutput(v.id)!.params as { steps: Record<string, unknown>; repairedPixels: number };
  assert.deepEqual(params.steps, { ...steps, maskEdit: [stroke] }, 'recorded in the restore steps');

  // The stroke runs over undamaged, smooth shading: filled from its surroundings, it looks as it did.
  const before = await decodeRgb(file);
  const after = await decodeRgb((await api.mediaPath('output', v.id))!);
  const painted = rasteriseStrokes([stroke], W, H);
  let inStroke = 0,
    worst = 0;
  for (let i = 0; i < W * H; i++) {
    if (!painted[i] || truth[i]) continue;
    inStroke++;
    worst = Math.max(worst, Math.abs(after.rgb[i * 3]! - before.rgb[i * 3]!));
  }
  assert.ok(inStroke > 200, `${inStroke} painted px`);
  assert.ok(worst <= 3, `the fill keeps smooth shading (worst change ${worst} levels)`);
  assert.ok(params.repairedPixels >= inStroke, `repaired ${params.repairedPixels} px`);

  // A version made without an edit lists none.
  const plain = await api.restorePhotos({ photoIds: [photoId], steps });
  await waitForJobEvent(api, plain.jobId, jobEnded);
  const again = await api.getPhoto(photoId);
  assert.equal(again.outputs.length, 2);
  assert.deepEqual(again.outputs[0]!.maskEdit, []);
  assert.deepEqual(again.outputs[1]!.maskEdit, [stroke]);
  // The stroke was filled: the edited version filled its pixels on top of what the detector found.
  const found = (lib.core.catalogue.getOutput(again.outputs[0]!.id)!.params as { repairedPixels: number }).repairedPixels;
  assert.ok(
    params.repairedPixels - found >= 0.9 * inStroke,
    `${params.repairedPixels} px filled with the stroke, ${found} without; ${inStroke} painted`,
  );
});
