// Which version a photo uses after new ones are made (issue 29 item 11): "Colorize all" takes only the
// photos with no version yet; a plain colorize never replaces a version made by hand (hints, restore)
// or one the person chose; colorizing again with nothing changed makes no identical second version.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { CoreApi } from '../../src-main/api/core-api';
import type { PhotoDetail } from '../../src-main/api/types';
import { jobEnded, openTestApi, waitForJobEvent } from '../helpers/jobs';
import { makeTempDir, removeDir, writePhoto } from '../helpers/fixtures';

let dir: string;
let lib: ReturnType<typeof openTestApi>;
let api: CoreApi;
let ids: number[];

async function run(job: Promise<{ jobId: number }>) {
  const ended = await waitForJobEvent(api, (await job).jobId, jobEnded);
  assert.equal(ended.state, 'done', ended.message ?? '');
  return ended;
}
const inUse = (p: PhotoDetail): number | undefined => p.outputs.find((o) => o.current)?.id;

before(async () => {
  dir = makeTempDir();
  const files = [];
  for (const [k, name] of ['a', 'b', 'c', 'd'].entries()) {
    files.push(await writePhoto(path.join(dir, 'photos', `${name}.jpg`), 240, 176, { colour: false, seed: 20 + k }));
  }
  lib = openTestApi(path.join(dir, 'lib'));
  api = lib.api;
  ids = (await api.importPaths(files)).imported.map((p) => p.id);
});

after(async () => {
  await lib.close();
  removeDir(dir);
});

test('Colorize all takes only the photos not colorized yet', async () => {
  const [a] = ids as [number];
  await run(api.keepColour({ photoId: a, hints: [{ x: 0.4, y: 0.5, color: '#2a50c8', size: 7 }] }));
  assert.equal((await api.getStatus()).uncolorizedCount, 3);
  const ended = await run(api.colorize({ photoIds: 'uncolorized' }));
  assert.equal(ended.total, 3, 'the photo with a hinted version is not colorized again');
  assert.deepEqual((ended.finishedPhotoIds ?? []).slice().sort(), ids.slice(1).sort());
  assert.equal((await api.getPhoto(a)).outputs.length, 1);
  assert.equal((await api.getStatus()).uncolorizedCount, 0);
});

test('a plain colorize never replaces a version made by hand; a version made by hand is used', async () => {
  const [a, b] = ids as [number, number];
  const hinted = inUse(await api.getPhoto(a));
  await run(api.colorize({ photoIds: [a], saturation: 1.4 }));
  let photo = await api.getPhoto(a);
  assert.equal(photo.outputs.length, 2, 'the new version is there');
  assert.equal(inUse(photo), hinted, 'the hinted version stays in use');
  assert.ok(photo.currentChosen, 'and the window says new versions will not replace it');
  // A restored version (made by hand) over a plain one is used; a plain colorize after it is not.
  await run(api.restorePhotos({ photoIds: [b], steps: { repair: true, tone: true, recolorFaded: false, colorize: true } }));
  photo = await api.getPhoto(b);
  const restored = photo.outputs[0]!;
  assert.ok(restored.restored && inUse(photo) === restored.id);
  await run(api.colorize({ photoIds: [b], saturation: 1.6 }));
  photo = await api.getPhoto(b);
  assert.equal(photo.outputs.length, 3);
  assert.equal(inUse(photo), restored.id, 'the restored version stays in use (an album exports it)');
});

test('a version the person chose stays chosen when a hinted version is kept', async () => {
  const [, , c] = ids as [number, number, number];
  const first = inUse(await api.getPhoto(c))!;
  await run(api.colorize({ photoIds: [c], saturation: 1.5 }));
  let photo = await api.getPhoto(c);
  assert.notEqual(inUse(photo), first, 'plain over plain: the newest is used');
  assert.ok((await api.setCurrentVersion({ photoId: c, outputId: first })).currentChosen);
  await run(api.keepColour({ photoId: c, hints: [{ x: 0.6, y: 0.3, color: '#c8502a', size: 7 }] }));
  photo = await api.getPhoto(c);
  assert.equal(photo.outputs.length, 3);
  assert.equal(inUse(photo), first, 'still the chosen one');
  assert.ok(photo.currentChosen);
});

test('colorizing again with nothing changed makes no identical second version, and says so', async () => {
  const [, , , d] = ids as [number, number, number, number];
  const before = await api.getPhoto(d);
  assert.equal(before.outputs.length, 1);
  const ended = await run(api.colorize({ photoIds: [d] }));
  assert.equal(ended.unchanged, 1);
  const photo = await api.getPhoto(d);
  assert.deepEqual(
    photo.outputs.map((o) => o.id),
    before.outputs.map((o) => o.id),
  );
  // Something changed (the strength): a new version, as asked.
  const again = await run(api.colorize({ photoIds: [d], saturation: 1.3 }));
  assert.equal(again.unchanged, undefined);
  assert.equal((await api.getPhoto(d)).outputs.length, 2);
});
