// Restoration from the window, through HeirloomApi over the real core: restorePhotos queues a 'restore'
// job whose progress maps to the photo; the scratched grey print gets a new version, marked restored and
// in use, repaired where the scratches were and little changed elsewhere; bad steps are refused at the boundary.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CoreApi } from '../../src-main/api/core-api';
import { ApiArgumentError, parseCall } from '../../src-main/api/schemas';
import type { JobInfo } from '../../src-main/api/types';
import { jobEnded, openScratchedPrintLibrary, type ScratchedPrintLibrary, waitForJobEvent } from '../helpers/jobs';
import { decodeRgb } from '../helpers/fixtures';

const [W, H] = [384, 288];
let lib: ScratchedPrintLibrary;
let api: CoreApi;
let photoId: number;
let file: string;
let mask: Uint8Array;

before(async () => {
  lib = await openScratchedPrintLibrary(W, H, 5, { scratches: 5, dust: 30 });
  ({ api, photoId, file, mask } = lib);
});

after(async () => {
  await lib?.close();
});

test('bad restore requests are refused at the boundary', () => {
  const steps = { repair: true, tone: true, recolorFaded: false, colorize: false };
  assert.doesNotThrow(() => parseCall('restorePhotos', { photoIds: [1], steps }));
  const refused = (arg: unknown, what: RegExp): void =>
    assert.throws(
      () => parseCall('restorePhotos', arg),
      (e: Error) => e instanceof ApiArgumentError && what.test(e.message),
      JSON.stringify(arg),
    );
  refused({ photoIds: [1] }, /steps/);
  refused({ photoIds: [1], steps: { repair: true, tone: true, recolorFaded: false } }, /colorize/);
  refused({ photoIds: [1], steps: { ...steps, repair: 'yes' } }, /repair/);
  refused({ photoIds: [1], steps: { ...steps, sharpen: true } }, /sharpen|unrecognized/i);
  refused({ photoIds: [], steps }, /photoIds/);
  refused({ photoIds: [0], steps }, /photoIds/);
  refused({ photoIds: 'all', steps }, /photoIds/);
});

test('restoring a scratched grey print makes a restored version in use, through a restore job', async () => {
  const seen: JobInfo[] = [];
  const { jobId } = (await api.call('restorePhotos', {
    photoIds: [photoId],
    steps: { repair: true, tone: true, recolorFaded: false, colorize: false },
  })) as { jobId: number };
  const ended = await waitForJobEvent(api, jobId, jobEnded, seen);
  assert.equal(ended.state, 'done', ended.message ?? JSON.stringify(ended.errors));
  assert.ok(
    seen.every((j) => j.kind === 'restore'),
    'every event of the job says restore',
  );
  assert.deepEqual(ended.finishedPhotoIds, [photoId]);
  const listed = (await api.listJobs()).find((j) => j.id === jobId);
  assert.equal(listed?.kind, 'restore');
  assert.deepEqual(listed?.finishedPhotoIds, [photoId], 'the listed job maps its item to the photo');

  const photo = await api.getPhoto(photoId);
  assert.equal(photo.outputs.length, 1);
  const v = photo.outputs[0]!;
  assert.ok(v.restored && v.current, 'the new version is restored and in use');
  assert.equal(v.colorized, false, 'restored without colour, and said so');
  assert.equal(photo.hasOutput, true);

  const steps = lib.core.catalogue.getOutput(v.id)!.params as Record<string, unknown>;
  assert.deepEqual(steps.steps, { repair: true, tone: true, recolorFaded: false, colorize: false });
  assert.equal(steps.colorized, false);
  assert.ok(Number(steps.repairedPixels) > 100, `repaired ${String(steps.repairedPixels)} px`);

  const before = await decodeRgb(file);
  const after = await decodeRgb((await api.mediaPath('output', v.id))!);
  assert.equal(after.width, W);
  let spread = 0;
  let onMask = 0;
  let masked = 0;
  for (let i = 0; i < W * H; i++) {
    const [r, g, b] = [after.rgb[i * 3]!, after.rgb[i * 3 + 1]!, after.rgb[i * 3 + 2]!];
    spread = Math.max(spread, Math.max(r, g, b) - Math.min(r, g, b));
    if (mask[i]) {
      masked++;
      onMask += Math.abs(r - before.rgb[i * 3]!);
    }
  }
  assert.ok(spread <= 6, `still black and white (channels differ by up to ${spread})`);
  assert.ok(onMask / masked > 8, `the scratches changed by ${(onMask / masked).toFixed(1)} levels on average`);
});

test('a photo no longer in the library fails as its own item, named by id', async () => {
  const { jobId } = await api.restorePhotos({ photoIds: [987_654], steps: { repair: true, tone: false, recolorFaded: false, colorize: false } });
  const ended = await waitForJobEvent(api, jobId, jobEnded);
  assert.equal(ended.kind, 'restore');
  assert.equal(ended.state, 'failed');
  assert.equal(ended.errors[0]?.photoId, 987_654);
});
