// Jobs are catalogue rows: a batch killed mid-way (SIGKILL of the process that owns the library) shows
// as interrupted when the library is opened again, and resuming colorizes only what was not done.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp = require('sharp');
import { CoreApi } from '../../src-main/api/core-api';
import { HostClient, type HostReply } from '../../src-main/api/rpc';
import type { ImportResult, JobInfo } from '../../src-main/api/types';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { waitForJobEvent } from '../helpers/jobs';

const N = 6;
let dir: string;
const lib = (): string => path.join(dir, 'lib');

const waitFor = (api: CoreApi, id: number, pred: (j: JobInfo) => boolean): Promise<JobInfo> => waitForJobEvent(api, id, pred);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-resume-'));
  fs.mkdirSync(path.join(dir, 'photos'));
  for (let i = 0; i < N; i++) {
    await sharp({ create: { width: 480, height: 360, channels: 3, background: { r: 40 * i, g: 40 * i, b: 40 * i } } })
      .jpeg()
      .toFile(path.join(dir, 'photos', `p${i}.jpg`));
  }
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a batch killed mid-way is interrupted after a restart, and resume finishes only the rest', async () => {
  const child = fork(path.join(__dirname, '..', '..', 'src-main', 'api', 'host.js'), ['--library', lib()], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const host = new HostClient({
    send: (m) => child.send(m),
    onMessage: (cb) => child.on('message', (m) => cb(m as HostReply)),
    onExit: (cb) => child.on('exit', cb),
  });
  await host.ready;
  const imported = (await host.call('importPaths', [path.join(dir, 'photos')])) as ImportResult;
  assert.equal(imported.imported.length, N);
  const twoDone = new Promise<JobInfo>((resolve) => host.onJob((j) => j.state === 'running' && j.done >= 2 && resolve(j)));
  const { jobId } = (await host.call('colorize', { photoIds: 'all' })) as { jobId: number };
  await twoDone;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL'); // no chance to clean up: like a crash or a power cut
  await exited;

  const core = HeirloomCore.open({ library: lib() });
  const api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  try {
    assert.equal(core.catalogue.integrityCheck(), 'ok');
    assert.deepEqual(core.catalogue.interruptedJobIds, [jobId]);
    const before = (await api.listJobs()).find((j) => j.id === jobId)!;
    assert.equal(before.state, 'interrupted');
    assert.equal(before.total, N);
    assert.ok(before.done >= 2 && before.done < N, `done ${before.done}`);
    assert.equal(before.finishedPhotoIds.length, before.done);
    const outputsBefore = new Map(before.finishedPhotoIds.map((id) => [id, core.catalogue.listOutputs(id).length]));

    const end = waitFor(api, jobId, (j) => j.finishedAt !== null);
    assert.deepEqual(await api.resumeJob(jobId), { resumed: true });
    const j = await end;
    assert.equal(j.state, 'done');
    assert.deepEqual([j.done, j.total, j.failed], [N, N, 0]);
    assert.equal(new Set(j.finishedPhotoIds).size, N);
    // Photos finished before the crash were not colorized again.
    for (const [id, n] of outputsBefore) assert.equal(core.catalogue.listOutputs(id).length, n, `photo ${id} redone`);
    // Every photo has a result, and every output row points to a real file.
    for (const p of imported.imported) {
      const outs = core.catalogue.listOutputs(p.id);
      assert.ok(outs.length >= 1, `photo ${p.id} has no output`);
      for (const o of outs) assert.ok(fs.existsSync(o.path), o.path);
    }
    assert.equal(core.catalogue.getJob(jobId)?.status, 'done');
    assert.deepEqual(await api.resumeJob(jobId), { resumed: false }, 'nothing left to resume');
  } finally {
    await api.close();
    core.close();
  }
});

test('a cancelled batch can be resumed under the same job id', async () => {
  const core = HeirloomCore.open({ library: lib() });
  const api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  try {
    const photoIds = core.catalogue.listOriginals().map((o) => o.id);
    const outputsBefore = new Set(photoIds.flatMap((id) => core.catalogue.listOutputs(id).map((o) => o.id)));
    const { jobId } = await api.colorize({ photoIds: 'all', saturation: 1.3 });
    await waitFor(api, jobId, (j) => j.state === 'running' && j.done >= 1);
    await api.cancelJob(jobId);
    const c = await waitFor(api, jobId, (j) => j.finishedAt !== null);
    assert.equal(c.state, 'cancelled');
    assert.ok(c.done < N);
    const end = waitFor(api, jobId, (j) => j.finishedAt !== null);
    assert.deepEqual(await api.resumeJob(jobId), { resumed: true });
    const j = await end;
    assert.deepEqual([j.state, j.done, j.total], ['done', N, N]);
    // The saved parameters are used again on resume. (A flat grey photo may come out byte for byte as
    // its earlier version: then no new version is made.)
    const made = photoIds.flatMap((id) => core.catalogue.listOutputs(id)).filter((o) => !outputsBefore.has(o.id));
    assert.ok(made.length >= 1, 'new versions were made');
    for (const o of made) assert.equal((o.params as { saturation: number }).saturation, 1.3);
  } finally {
    await api.close();
    core.close();
  }
});
