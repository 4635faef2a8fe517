// Hints and versions through HeirloomApi over the real core: a live preview (a new URL each time,
// nothing recorded), the network's swatches, keeping a result as a new current version with its
// hints, choosing an older version, deleting one; bad hints refused at the boundary.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { CoreApi } from '../../src-main/api/core-api';
import { ApiArgumentError, parseCall } from '../../src-main/api/schemas';
import { jobEnded, openTestApi, waitForJobEvent } from '../helpers/jobs';
import { decodeRgb, makeTempDir, removeDir, runCli, writePhoto } from '../helpers/fixtures';

let dir: string;
let lib: ReturnType<typeof openTestApi>;
let api: CoreApi;
let photoId: number;

before(async () => {
  dir = makeTempDir();
  const file = await writePhoto(path.join(dir, 'photos', 'dress.jpg'), 640, 480, { colour: false, seed: 7 });
  lib = openTestApi(path.join(dir, 'lib'));
  api = lib.api;
  photoId = (await api.importPaths([file])).imported[0]!.id;
});

after(async () => {
  await lib.close();
  removeDir(dir);
});

test('bad hints are refused at the boundary with the entry named', () => {
  assert.throws(
    () => parseCall('previewColour', { photoId: 1, hints: [{ x: 1.5, y: 0.2, color: '#112233' }] }),
    (e: Error) => e instanceof ApiArgumentError && /hints\.0\.x/.test(e.message),
  );
  assert.throws(() => parseCall('keepColour', { photoId: 1, hints: [{ x: 0.5, y: 0.2, color: 'blue' }] }), /hints\.0\.color/);
  assert.throws(() => parseCall('previewColour', { photoId: 1, hints: [], workingSize: 300 }), /multiple of 8/);
});

test("previews are new URLs each time, served from Heirloom's cache, and record nothing", async () => {
  const a = (await api.call('previewColour', { photoId, hints: [] })) as { url: string; width: number; height: number };
  const b = (await api.call('previewColour', { photoId, hints: [{ x: 0.3, y: 0.4, color: '#2a50c8' }], saturation: 1.2 })) as { url: string };
  assert.notEqual(a.url, b.url);
  assert.equal(a.width, 640);
  const serial = Number(b.url.split('/').pop());
  const file = await api.mediaPath('preview', serial);
  assert.ok(file && fs.statSync(file).size > 1000);
  assert.equal((await api.getPhoto(photoId)).outputs.length, 0, 'a preview is not a version');
  const swatches = await api.suggestColours({ photoId, x: 0.3, y: 0.4 });
  assert.ok(swatches.length >= 2 && swatches.every((s) => /^#[0-9a-f]{6}$/.test(s.color)));
});

test('the preview runs off the thread that serves the window, and its errors come back as errors', async () => {
  await api.previewColour({ photoId, hints: [] }); // its worker is up and the photo decoded there
  let longest = 0,
    last = performance.now(),
    ticking = true;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setTimeout(tick, 2);
  };
  setTimeout(tick, 2);
  const p = await api.previewColour({ photoId, hints: [{ x: 0.6, y: 0.5, color: '#c83c2a' }] });
  ticking = false;
  // Run on this thread, the network would stall it for most of the render; off it, the loop keeps turning.
  // (A bar relative to the render's own time, so a slow or busy machine does not change the verdict.)
  assert.ok(longest < p.millis / 2, `the serving thread stalled ${longest.toFixed(0)} ms during a ${p.millis} ms preview`);
  await assert.rejects(api.previewColour({ photoId: 9999, hints: [] }), /photo 9999 is not in the library/);
  // The worker survives its errors.
  assert.ok((await api.suggestColours({ photoId, x: 0.3, y: 0.4 })).length >= 2);
});

test('keeping makes a new current version with its hints; an older one can be chosen; a version can be deleted', async () => {
  const first = await api.keepColour({ photoId, hints: [] });
  await waitForJobEvent(api, first.jobId, jobEnded);
  const hints = [{ x: 0.3, y: 0.4, color: '#2a50c8', size: 7 }];
  const second = await api.keepColour({ photoId, hints, saturation: 1.3, workingSize: 192 });
  const ended = await waitForJobEvent(api, second.jobId, jobEnded);
  assert.equal(ended.state, 'done', ended.message ?? '');
  let photo = await api.getPhoto(photoId);
  assert.equal(photo.outputs.length, 2);
  const [newest, older] = photo.outputs;
  assert.deepEqual(newest!.hints, hints);
  assert.equal(newest!.saturation, 1.3);
  assert.equal(newest!.workingSize, 192);
  // The command line makes the same picture from a hints file with the same settings.
  const hintsFile = path.join(dir, 'hints.json');
  fs.writeFileSync(hintsFile, JSON.stringify(hints));
  const cli = runCli(
    ['colorize', path.join(dir, 'photos', 'dress.jpg'), '--out', path.join(dir, 'cli'), '--hints', hintsFile, '--saturation', '1.3', '--size', '192'],
    { library: path.join(dir, 'cli-lib') },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const fromWindow = await decodeRgb((await api.mediaPath('output', newest!.id))!);
  const fromCli = await decodeRgb(path.join(dir, 'cli', 'dress.jpg'));
  let worst = 0;
  for (let i = 0; i < fromCli.rgb.length; i++) worst = Math.max(worst, Math.abs(fromCli.rgb[i]! - fromWindow.rgb[i]!));
  assert.ok(worst <= 1, `the CLI's result differs from the kept version by up to ${worst} levels`);
  assert.ok(newest!.current && !older!.current && !photo.currentChosen);
  assert.ok(newest!.colorized && !newest!.restored);
  photo = await api.setCurrentVersion({ photoId, outputId: older!.id });
  assert.ok(photo.currentChosen);
  assert.equal(photo.outputs.find((o) => o.current)!.id, older!.id);
  assert.match(photo.colorThumbUrl ?? '', new RegExp(`/output-thumb/${older!.id}$`), 'the gallery shows the chosen version');
  photo = await api.deleteVersion({ photoId, outputId: older!.id });
  assert.deepEqual(
    photo.outputs.map((o) => o.id),
    [newest!.id],
  );
  assert.ok(photo.outputs[0]!.current && !photo.currentChosen, 'back to the newest');
  await assert.rejects(api.deleteVersion({ photoId: photoId + 1, outputId: newest!.id }), /not a version of photo/);
});
