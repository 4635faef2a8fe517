// Albums and export through HeirloomApi (as the window calls it): validation, album editing, an export
// job with progress events, the "target exists" question, and cancel leaving nothing behind.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreApi } from '../../src-main/api/core-api';
import { parseCall } from '../../src-main/api/schemas';
import type { CodedError } from '../../src-main/contract/problems';
import type { JobInfo } from '../../src-main/api/types';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, writePhoto } from '../helpers/fixtures';
import { jobEnded, waitForJobEvent } from '../helpers/jobs';

let dir: string;
let core: HeirloomCore;
let api: CoreApi;
let ids: number[];

const waitForJob = (id: number, pred: (j: JobInfo) => boolean): Promise<JobInfo> => waitForJobEvent(api, id, pred);
const ended = jobEnded;

before(async () => {
  dir = makeTempDir('heirloom-album-api-');
  const files: string[] = [];
  for (let i = 0; i < 4; i++) files.push(await writePhoto(path.join(dir, 'photos', `p${i}.jpg`), 160, 120, { colour: false, seed: i }));
  core = HeirloomCore.open({ library: path.join(dir, 'lib') });
  api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  const imported = await api.importPaths([path.join(dir, 'photos')]);
  ids = imported.imported.map((p) => p.id).sort((a, b) => a - b);
  const { jobId } = await api.colorize({ photoIds: ids });
  const job = await waitForJob(jobId, ended);
  assert.equal(job.state, 'done');
});

after(async () => {
  await api.close();
  core.close();
  removeDir(dir);
});

describe('album API', () => {
  test('arguments are validated before anything runs', () => {
    for (const [m, a] of [
      ['createAlbum', { name: '   ' }],
      ['createAlbum', { name: 'x', evil: 1 }],
      ['addToAlbum', { albumId: 1, photoIds: [] }],
      ['reorderAlbum', { albumId: 1, photoIds: [1.5] }],
      ['setAlbumCover', { albumId: 1 }],
      ['exportAlbum', { albumId: 1 }],
      ['exportAlbum', { albumId: 1, parentDir: '/tmp', format: 'gif' }],
      ['exportAlbum', { albumId: 1, parentDir: '/tmp', quality: 101 }],
      ['exportAlbum', { albumId: 1, parentDir: 'a\0b' }],
      // A relative folder would land wherever the app was started: refused, never resolved against that.
      ['exportAlbum', { albumId: 1, parentDir: 'exports-rel' }],
      ['importPaths', ['scans/1950']],
    ] as const) {
      assert.throws(() => parseCall(m, a), /invalid argument/, `${m} ${JSON.stringify(a)}`);
    }
  });

  test('create, add, reorder, cover, caption, rename, delete (photos stay)', async () => {
    const a = (await api.call('createAlbum', { name: 'Summer 1958' })) as { id: number };
    let d = await api.addToAlbum({ albumId: a.id, photoIds: [ids[2]!, ids[0]!] });
    assert.deepEqual(
      d.items.map((i) => i.id),
      [ids[2], ids[0]],
    );
    assert.equal(d.coverPhotoId, ids[2]);
    d = await api.reorderAlbum({ albumId: a.id, photoIds: [ids[0]!, ids[2]!] });
    assert.deepEqual(
      d.items.map((i) => [i.id, i.position]),
      [
        [ids[0], 0],
        [ids[2], 1],
      ],
    );
    assert.equal((await api.setAlbumCover({ albumId: a.id, photoId: ids[2]! })).coverPhotoId, ids[2]);
    d = await api.setAlbumCaption({ albumId: a.id, photoId: ids[0]!, caption: 'Grandma' });
    assert.equal(d.items[0]!.caption, 'Grandma');
    assert.ok(d.items[0]!.colorThumbUrl, 'items carry the gallery fields');
    assert.equal((await api.renameAlbum({ albumId: a.id, name: 'Summer 1959' })).name, 'Summer 1959');
    // Two albums of one name could not be told apart: refused, with the name, however it is spelled.
    const temp = (await api.call('createAlbum', { name: 'Temp' })) as { id: number };
    await assert.rejects(
      api.createAlbum({ name: 'temp' }),
      (e: CodedError) => e.problem.code === 'album.nameTaken' && e.problem.params.name === 'Temp',
    );
    await assert.rejects(api.renameAlbum({ albumId: a.id, name: 'TEMP' }), /already exists/);
    assert.equal((await api.renameAlbum({ albumId: temp.id, name: 'Temp' })).name, 'Temp', 'its own name is free');
    await api.deleteAlbum(temp.id);
    assert.deepEqual(
      (await api.listAlbums()).map((x) => [x.name, x.photoCount]),
      [['Summer 1959', 2]],
    );
    assert.deepEqual(await api.deleteAlbum(a.id), { deleted: true });
    assert.equal((await api.listPhotos({})).total, 4);
    await assert.rejects(api.getAlbum(a.id), /does not exist/);
  });

  test('export job: progress events, then "target exists" is a question, not an error', async () => {
    const a = await api.createAlbum({ name: '../Holiday/..' });
    await api.addToAlbum({ albumId: a.id, photoIds: ids });
    const parent = path.join(dir, 'exports');
    const events: JobInfo[] = [];
    const off = api.onJobProgress((j) => j.kind === 'export' && events.push(j));
    const start = (await api.call('exportAlbum', { albumId: a.id, parentDir: parent, html: true })) as { jobId: number; target: string };
    assert.equal(path.dirname(start.target), parent, 'the album name cannot lead outside the chosen folder');
    const job = await waitForJob(start.jobId, ended);
    off();
    assert.equal(job.state, 'done', job.message ?? '');
    assert.equal(job.albumName, '../Holiday/..', "the panel names the album as written, not its folder's safe name");
    assert.deepEqual([...new Set(events.filter((e) => e.state === 'running').map((e) => e.done))], [0, 1, 2, 3, 4]);
    assert.deepEqual(job.finishedPhotoIds, ids, 'one event per photo, in album order');
    assert.ok(fs.existsSync(path.join(start.target, 'index.html')));

    const again = await api.exportAlbum({ albumId: a.id, parentDir: parent });
    assert.deepEqual(again, { jobId: null, problem: 'target-exists', target: start.target });
    const replaced = await api.exportAlbum({ albumId: a.id, parentDir: parent, overwrite: true, format: 'png' });
    assert.ok(replaced.jobId);
    assert.equal((await waitForJob(replaced.jobId, ended)).state, 'done');
    assert.ok(fs.readdirSync(start.target).every((f) => f.endsWith('.png') || f === '.heirloom-export.json'));
  });

  test("replacing an export keeps the person's files and the job says how many; one of theirs where the new export writes is refused", async () => {
    const a = await api.createAlbum({ name: 'Gran' });
    await api.addToAlbum({ albumId: a.id, photoIds: ids });
    const parent = path.join(dir, 'kept');
    const first = await api.exportAlbum({ albumId: a.id, parentDir: parent });
    assert.ok(first.jobId);
    assert.equal((await waitForJob(first.jobId, ended)).state, 'done');
    fs.writeFileSync(path.join(first.target, 'letter.txt'), 'keep me');
    fs.mkdirSync(path.join(first.target, 'my-scans'));
    fs.writeFileSync(path.join(first.target, 'my-scans', 'attic.jpg'), 'a scan');
    const replaced = await api.exportAlbum({ albumId: a.id, parentDir: parent, overwrite: true, format: 'png' });
    assert.ok(replaced.jobId);
    const job = await waitForJob(replaced.jobId, ended);
    assert.equal(job.state, 'done', job.message ?? '');
    assert.equal(job.kept, 2, 'the job tells the window how many files it kept');
    assert.equal(fs.readFileSync(path.join(first.target, 'letter.txt'), 'utf8'), 'keep me');
    assert.equal(fs.readFileSync(path.join(first.target, 'my-scans', 'attic.jpg'), 'utf8'), 'a scan');

    // Their own index.html where a web album would go: refused before any job is made.
    fs.writeFileSync(path.join(first.target, 'index.html'), '<p>mine</p>');
    const jobsBefore = (await api.listJobs()).length;
    const r = await api.exportAlbum({ albumId: a.id, parentDir: parent, overwrite: true, html: true });
    assert.ok(r.jobId === null && r.problem === 'user-files-in-the-way', JSON.stringify(r));
    assert.deepEqual(r.files, ['index.html']);
    assert.equal((await api.listJobs()).length, jobsBefore, 'no job was made');
    assert.equal(fs.readFileSync(path.join(first.target, 'index.html'), 'utf8'), '<p>mine</p>');
  });

  test('a place the core refuses is a problem with its reason, never a "replace?" question; nothing is touched', async () => {
    const a = await api.createAlbum({ name: 'Letters' });
    await api.addToAlbum({ albumId: a.id, photoIds: ids });
    const parent = path.join(dir, 'refused');
    fs.mkdirSync(path.join(parent, 'Letters'), { recursive: true });
    fs.writeFileSync(path.join(parent, 'Letters', 'notes.txt'), 'keep me');
    const jobsBefore = (await api.listJobs()).length;
    for (const overwrite of [false, true]) {
      const r = await api.exportAlbum({ albumId: a.id, parentDir: parent, overwrite });
      assert.equal(r.jobId, null);
      assert.ok(r.jobId === null && r.problem === 'not-an-export', JSON.stringify(r));
      assert.equal(r.target, path.join(parent, 'Letters'));
      assert.match(r.message, /is not a folder that Heirloom exported.*nothing was replaced/);
    }
    assert.deepEqual(fs.readdirSync(path.join(parent, 'Letters')), ['notes.txt']);

    const refused = async (parentDir: string, folderName: string | undefined, reason: string): Promise<void> => {
      const r = await api.exportAlbum({ albumId: a.id, parentDir, folderName, overwrite: true });
      assert.ok(r.jobId === null && r.problem === 'unsafe-target' && r.reason === reason, JSON.stringify(r));
      assert.match(r.message, /nothing was changed/);
    };
    await refused(path.join(dir, 'lib'), undefined, 'library');
    await refused(dir, 'lib', 'library');
    await refused(dir, 'photos', 'originals');
    assert.equal((await api.listJobs()).length, jobsBefore, 'no job was made');
    assert.ok(fs.existsSync(path.join(dir, 'photos', 'p0.jpg')) && fs.existsSync(path.join(dir, 'lib', 'catalogue.sqlite')));
  });

  test('cancelling an export job leaves neither a target nor a partial folder', async () => {
    const a = await api.createAlbum({ name: 'Cancelled' });
    await api.addToAlbum({ albumId: a.id, photoIds: ids });
    const parent = path.join(dir, 'cancel');
    const start = await api.exportAlbum({ albumId: a.id, parentDir: parent, withOriginals: true });
    assert.ok(start.jobId);
    const first = await waitForJob(start.jobId, (j) => j.done >= 1 || ended(j));
    assert.ok(!ended(first), 'still running after the first photo');
    assert.deepEqual(await api.cancelJob(start.jobId), { cancelled: true });
    let final: JobInfo | undefined;
    for (let i = 0; i < 400 && !final?.finishedAt; i++) {
      await new Promise((r) => setTimeout(r, 50));
      final = (await api.listJobs()).find((j) => j.id === start.jobId);
    }
    assert.equal(final?.state, 'cancelled', final?.message ?? '');
    assert.deepEqual(fs.existsSync(parent) ? fs.readdirSync(parent) : [], []);
  });
});
