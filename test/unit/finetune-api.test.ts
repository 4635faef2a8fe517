// Fine-tuning through HeirloomApi, as the window drives it: a job in the worker thread with live
// step/loss/held-out progress, cancel keeping a checkpoint, resume, the run continued by name to its end,
// the checkpoint listed, activated, used for colorizing (and named on the output), compared by model id, reverted.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreApi } from '../../src-main/api/core-api';
import { parseCall } from '../../src-main/api/schemas';
import type { JobInfo } from '../../src-main/api/types';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, writePhoto } from '../helpers/fixtures';
import { jobEnded, waitForJobEvent } from '../helpers/jobs';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

let dir: string;
let core: HeirloomCore;
let api: CoreApi;
let colourDir: string;
let photoId: number;

const waitForJob = (id: number, pred: (j: JobInfo) => boolean, seen?: JobInfo[]): Promise<JobInfo> => waitForJobEvent(api, id, pred, seen);
const ended = jobEnded;
/** The id the trainer gives a checkpoint: its run and step (checkpoints.ts). */
const checkpointName = (run: string, step: number): string => `${run}-s${String(step).padStart(6, '0')}`;
/** The run's finished checkpoint, for the Models test. */
let final: { id: string; step: number; parentId: string } | undefined;

/** Stops a running fine-tune job; the checkpoint it keeps is named after the step it stopped at. */
async function stop(jobId: number, seenStep: number): Promise<{ id: string; step: number; trainSeconds: number }> {
  assert.deepEqual(await api.cancelJob(jobId), { cancelled: true });
  const job = await waitForJob(jobId, ended);
  assert.equal(job.state, 'cancelled', job.message ?? '');
  const ft = job.finetune!;
  assert.ok(ft.step >= seenStep, `stopped at step ${ft.step}, after step ${seenStep}`);
  assert.ok(ft.trainSeconds < ft.budgetSeconds, 'stopped, not finished');
  assert.equal(ft.checkpointId, checkpointName('Family', ft.step), 'the kept checkpoint is named after the step it holds');
  return { id: ft.checkpointId!, step: ft.step, trainSeconds: ft.trainSeconds };
}

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
    for (const a of [
      { folder: colourDir, name: '../x', minutes: 1 },
      { folder: colourDir, name: 'ok', minutes: 0 },
      { folder: '', name: 'ok', minutes: 1 },
      { folder: colourDir, name: 'ok', minutes: 1, from: 'a/b' },
    ]) {
      assert.throws(() => parseCall('startFinetune', a), /invalid argument/, JSON.stringify(a));
    }
    assert.throws(() => parseCall('activateModel', '../../etc'), /invalid argument/);
  });

  test('a folder that does not exist is refused before a job is made', async () => {
    await assert.rejects(api.startFinetune({ folder: path.join(dir, 'nope'), name: 'x', minutes: 1 }), /does not exist/);
  });

  // Nothing here depends on how many steps fit in a time budget (a loaded machine fits fewer): the stops
  // land in a budget far larger than a few steps, and the last leg's budget is what the run has used plus
  // two seconds, which the trainer always spends on at least one more step. Names and steps are checked
  // against what the trainer and the catalogue report, not against fixed numbers.
  test('run, cancel (checkpoint kept), resume, finish; progress carries step, loss curve and held-out metrics', async () => {
    const { jobId } = await api.startFinetune({ folder: colourDir, name: 'Family', minutes: 10 });
    assert.ok(jobId);
    const training = await waitForJob(jobId, (j) => (j.finetune?.phase === 'training' && j.finetune.step >= 1) || ended(j));
    assert.equal(training.kind, 'finetune');
    assert.ok(!ended(training), training.message ?? 'still training');
    assert.ok(training.finetune!.base, 'the starting model was measured first');
    const first = await stop(jobId, training.finetune!.step);

    // resumeJob continues the same job from its checkpoint, past the step it stopped at; stopped again.
    assert.deepEqual(await api.resumeJob(jobId), { resumed: true });
    const resumed = await waitForJob(jobId, (j) => (j.finetune?.phase === 'training' && j.finetune.step > first.step) || ended(j));
    assert.ok(!ended(resumed), resumed.message ?? 'resumed');
    const second = await stop(jobId, resumed.finetune!.step);
    assert.ok(second.step > first.step, 'resumed past the cancelled step');

    // Starting the run by name again continues it; its budget is spent after at least one more step.
    const end = await api.startFinetune({ folder: colourDir, name: 'Family', minutes: (second.trainSeconds + 2) / 60 });
    const seen: JobInfo[] = [];
    const done = await waitForJob(end.jobId!, ended, seen);
    assert.equal(done.state, 'done', done.message ?? '');
    const ft = seen
      .map((j) => j.finetune)
      .filter((f) => f)
      .at(-1)!;
    assert.equal(ft.run, 'Family');
    assert.ok(ft.step > second.step, `continued past step ${second.step} (now ${ft.step})`);
    assert.ok(ft.trainSeconds >= second.trainSeconds + 2 - 1e-6, 'the whole budget was spent');
    // The run's curve goes on from where its last checkpoint left it.
    assert.ok(ft.lossCurve.some(([s]) => s > second.step) && ft.lossCurve.every(([s, l]) => s <= ft.step && Number.isFinite(l)));
    assert.ok(
      ft.lossCurve.every(([s], i) => i === 0 || s > ft.lossCurve[i - 1]![0]),
      'steps in order, none twice',
    );
    assert.ok(ft.heldOut && ft.base);
    assert.equal(ft.checkpointId, checkpointName(ft.run, ft.step), 'the final checkpoint is named after its run and step');
    final = { id: ft.checkpointId!, step: ft.step, parentId: second.id };
    const jobs = await api.listJobs();
    assert.ok(jobs.some((j) => j.id === jobId && j.kind === 'finetune' && j.state === 'cancelled'));
    assert.ok(jobs.some((j) => j.id === end.jobId && j.kind === 'finetune' && j.state === 'done'));
    // Ended, the job is rebuilt from the catalogue (as after a reload): it keeps its curve, numbers and judgement.
    assert.ok(ft.judgement, 'the change is judged against the spread of the held-out photos');
    const listed = jobs.find((j) => j.id === end.jobId)!.finetune;
    assert.ok(listed, 'a finished run still shows its state');
    assert.equal(listed.checkpointId, ft.checkpointId);
    assert.equal(listed.step, ft.step);
    assert.ok(listed.lossCurve.length >= 1 && listed.lossCurve.at(-1)![0] <= ft.step, 'and its loss curve');
    assert.deepEqual([listed.base, listed.heldOut], [ft.base, ft.heldOut]);
    assert.deepEqual(listed.judgement, ft.judgement);

    // The catalogue records each checkpoint with the step the trainer reported, chained parent to child.
    const models = await api.listModels();
    const row = (id: string) => models.find((m) => m.id === id);
    for (const [ck, parent] of [
      [first, DEFAULT_MODEL_ID],
      [second, first.id],
      [final, second.id],
    ] as const) {
      assert.equal(row(ck.id)?.kind, 'finetuned', ck.id);
      assert.equal(row(ck.id)?.step, ck.step, `${ck.id} records step ${ck.step}`);
      assert.equal(row(ck.id)?.parentId, parent, `${ck.id} continues ${parent}`);
    }
  });

  test('checkpoints are listed, compared by model id, activated, used, and reverted', async () => {
    assert.ok(final, 'the run above finished');
    let models = await api.listModels();
    assert.equal(models.find((m) => m.active)?.id, DEFAULT_MODEL_ID, 'nothing is activated without asking');
    const latest = models.find((m) => m.id === final!.id)!;
    assert.equal(latest.parentId, final!.parentId);
    assert.ok(latest.heldOut && latest.base, 'the finished checkpoint was measured');

    // Compare: the same photo colorized by two checkpoints, each output naming its model.
    for (const modelId of [DEFAULT_MODEL_ID, latest.id]) {
      const { jobId } = await api.colorize({ photoIds: [photoId], modelId });
      assert.equal((await waitForJob(jobId, ended)).state, 'done');
    }
    const outputs = (await api.getPhoto(photoId)).outputs;
    assert.deepEqual(outputs.map((o) => o.modelId).sort(), [DEFAULT_MODEL_ID, latest.id].sort());

    models = await api.activateModel(latest.id);
    assert.equal(models.find((m) => m.active)?.id, latest.id);
    assert.equal((await api.getStatus()).model?.id, latest.id);
    models = await api.revertModel();
    assert.equal(models.find((m) => m.active)?.id, latest.parentId);
  });
});
