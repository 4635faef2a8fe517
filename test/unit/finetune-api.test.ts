// Fine-tuning through HeirloomApi, as the window drives it: a job in the worker thread with live
// step/loss/held-out progress, cancel keeping a checkpoint, resume finishing the run, the checkpoint
// listed, activated, used for colorizing (and named on the output), compared by model id, reverted.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreApi } from '../../src-main/api/core-api';
import { parseCall } from '../../src-main/api/schemas';
import type { JobInfo } from '../../src-main/api/types';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, writePhoto } from '../helpers/fixtures';
import { jobEnded, waitForJobEvent } from '../helpers/jobs';

let dir: string;
let core: HeirloomCore;
let api: CoreApi;
let colourDir: string;
let photoId: number;

const waitForJob = (id: number, pred: (j: JobInfo) => boolean, seen?: JobInfo[]): Promise<JobInfo> => waitForJobEvent(api, id, pred, seen);
const ended = jobEnded;

before(async () => {
  dir = makeTempDir('heirloom-ft-api-');
  colourDir = path.join(dir, 'colour');
  for (let i = 0; i < 5; i++) await writePhoto(path.join(colourDir, `c${i}.jpg`), 140, 110, { seed: i });
  const grey = await writePhoto(path.join(dir, 'old', 'grandma.jpg'), 160, 120, { colour: false });
  core = HeirloomCore.open({ library: path.join(dir, 'lib') });
  api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  photoId = (await api.importPaths([grey])).imported[0].id;
});

after(async () => {
  await api.close();
  core.close();
  removeDir(dir);
});

describe('fine-tuning through the API', () => {
  test('arguments are validated', () => {
    for (const a of [{ folder: colourDir, name: '../x', minutes: 1 }, { folder: colourDir, name: 'ok', minutes: 0 }, { folder: '', name: 'ok', minutes: 1 }, { folder: colourDir, name: 'ok', minutes: 1, from: 'a/b' }]) {
      assert.throws(() => parseCall('startFinetune', a), /invalid argument/, JSON.stringify(a));
    }
    assert.throws(() => parseCall('activateModel', '../../etc'), /invalid argument/);
  });

  test('a folder that does not exist is refused before a job is made', async () => {
    await assert.rejects(api.startFinetune({ folder: path.join(dir, 'nope'), name: 'x', minutes: 1 }), /does not exist/);
  });

  test('run, cancel (checkpoint kept), resume to the end; progress carries step, loss curve and held-out metrics', async () => {
    const { jobId } = await api.startFinetune({ folder: colourDir, name: 'Family', minutes: 0.25 });
    assert.ok(jobId);
    const training = await waitForJob(jobId, (j) => (j.finetune?.phase === 'training' && j.finetune.step >= 2) || ended(j));
    assert.equal(training.kind, 'finetune');
    assert.ok(training.finetune!.base, 'the starting model was measured first');
    assert.deepEqual(await api.cancelJob(jobId), { cancelled: true });
    const cancelled = await waitForJob(jobId, ended);
    assert.equal(cancelled.state, 'cancelled', cancelled.message ?? '');

    assert.deepEqual(await api.resumeJob(jobId), { resumed: true });
    const seen: JobInfo[] = [];
    const done = await waitForJob(jobId, ended, seen);
    assert.equal(done.state, 'done', done.message ?? '');
    const ft = seen.map((j) => j.finetune).filter((f) => f).at(-1)!;
    assert.ok(ft.step > training.finetune!.step, 'resumed past the cancelled step');
    assert.ok(ft.lossCurve.length >= 1 && ft.lossCurve.every(([s, l]) => s > 0 && Number.isFinite(l)));
    assert.ok(ft.heldOut && ft.base);
    assert.match(ft.checkpointId ?? '', /^Family-s\d{6}$/);
    assert.ok((await api.listJobs()).some((j) => j.id === jobId && j.kind === 'finetune' && j.state === 'done'));
  });

  test('checkpoints are listed, compared by model id, activated, used, and reverted', async () => {
    let models = await api.listModels();
    const tuned = models.filter((m) => m.kind === 'finetuned');
    assert.ok(tuned.length >= 2, 'cancel and the end each left a checkpoint');
    assert.equal(models.find((m) => m.active)?.id, 'heirloom-base-v2', 'nothing is activated without asking');
    const latest = tuned.at(-1)!;
    assert.equal(latest.parentId, tuned.at(-2)!.id);
    assert.ok(latest.heldOut && latest.base && latest.step);

    // Compare: the same photo colorized by two checkpoints, each output naming its model.
    for (const modelId of ['heirloom-base-v2', latest.id]) {
      const { jobId } = await api.colorize({ photoIds: [photoId], modelId });
      assert.equal((await waitForJob(jobId, ended)).state, 'done');
    }
    const outputs = (await api.getPhoto(photoId)).outputs;
    assert.deepEqual(outputs.map((o) => o.modelId).sort(), ['heirloom-base-v2', latest.id].sort());

    models = await api.activateModel(latest.id);
    assert.equal(models.find((m) => m.active)?.id, latest.id);
    assert.equal((await api.getStatus()).model?.id, latest.id);
    models = await api.revertModel();
    assert.equal(models.find((m) => m.active)?.id, latest.parentId);
  });
});
