// HeirloomApi over the real core: argument validation, import with per-file errors, colorize jobs
// with progress and cancel, and the web bridge's token / host / id-only media rules.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import { CoreApi } from '../../src-main/api/core-api';
import { ApiArgumentError, parseCall } from '../../src-main/api/schemas';
import type { JobInfo } from '../../src-main/api/types';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { startBridge, type Bridge } from '../../src-main/server/web-bridge';
import { waitForJobEvent } from '../helpers/jobs';

let dir: string;
let core: HeirloomCore;
let api: CoreApi;

async function greyPhoto(file: string, w: number, h: number, seed: number): Promise<void> {
  const px = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = (x * (seed + 1) + y * 2) % 256;
  await sharp(px, { raw: { width: w, height: h, channels: 1 } })
    .jpeg()
    .toFile(file);
}

const waitForJob = (id: number, pred: (j: JobInfo) => boolean): Promise<JobInfo> => waitForJobEvent(api, id, pred);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-api-'));
  fs.mkdirSync(path.join(dir, 'photos'));
  for (let i = 0; i < 3; i++) await greyPhoto(path.join(dir, 'photos', `p${i}.jpg`), 96, 64, i);
  fs.writeFileSync(path.join(dir, 'photos', 'broken.jpg'), 'this is not a photo');
  core = HeirloomCore.open({ library: path.join(dir, 'lib') });
  api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
});

after(async () => {
  await api.close();
  core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('argument validation', () => {
  test('accepts good calls and fills defaults', () => {
    assert.deepEqual(parseCall('listPhotos', null).arg, {});
    assert.deepEqual(parseCall('colorize', { photoIds: [1, 2], saturation: 1.5 }).arg, { photoIds: [1, 2], saturation: 1.5 });
    assert.equal(parseCall('getPhoto', 7).arg, 7);
  });
  test('refuses unknown methods, wrong types, extra keys and absurd values', () => {
    for (const [m, a] of [
      ['constructor', null],
      ['close', null],
      ['mediaPath', null],
      ['getPhoto', '1'],
      ['getPhoto', -1],
      ['getPhoto', 1.5],
      ['listPhotos', { sort: 'size' }],
      ['listPhotos', { limit: 1e6 }],
      ['listPhotos', { evil: true }],
      ['colorize', { photoIds: [] }],
      ['colorize', { photoIds: 'some' }],
      ['colorize', { photoIds: [1], saturation: 99 }],
      ['importPaths', []],
      ['importPaths', ['a\0b']],
      ['importPaths', 'not-an-array'],
      ['importWithDialog', { kind: 'disk' }],
    ] as const) {
      assert.throws(() => parseCall(m, a), ApiArgumentError, `${m} ${JSON.stringify(a)}`);
    }
  });
  test('api.call validates before dispatching', async () => {
    await assert.rejects(api.call('getPhoto', 'x'), ApiArgumentError);
    await assert.rejects(api.call('__proto__', null), ApiArgumentError);
  });
});

describe('import and list', () => {
  test('imports a folder; the broken file gets a clear, per-file error', async () => {
    const r = await api.importPaths([path.join(dir, 'photos')]);
    assert.equal(r.imported.length, 3);
    assert.equal(r.alreadyInLibrary, 0);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].name, 'broken.jpg');
    assert.match(r.errors[0].error, /not an image/);
    const page = await api.listPhotos({ sort: 'name' });
    assert.equal(page.total, 3);
    assert.deepEqual(
      page.items.map((p) => p.name),
      ['p0.jpg', 'p1.jpg', 'p2.jpg'],
    );
    assert.match(page.items[0].thumbUrl, /^\/media\/thumb\/\d+$/);
    assert.equal(page.items[0].colorThumbUrl, null);
    const paged = await api.listPhotos({ sort: 'name', offset: 1, limit: 1 });
    assert.deepEqual([paged.total, paged.items.map((p) => p.name)], [3, ['p1.jpg']]);
    // The same folder again: the photos are found, and counted as already in the library.
    const again = await api.importPaths([path.join(dir, 'photos')]);
    assert.deepEqual([again.imported.length, again.alreadyInLibrary], [3, 3]);
    assert.equal((await api.listPhotos({})).total, 3);
  });

  test('status names backend, model and library', async () => {
    const s = await api.getStatus();
    assert.ok(s.backend.length > 0);
    assert.ok(s.model?.id);
    assert.equal(s.library, core.paths.root);
    assert.equal(s.photoCount, 3);
  });
});

describe('colorize jobs', () => {
  test('colorizes with progress; outputs become history; thumbs of outputs are made on demand', async () => {
    const ids = (await api.listPhotos({ sort: 'name' })).items.map((p) => p.id);
    const events: JobInfo[] = [];
    const off = api.onJobProgress((j) => events.push(j));
    const { jobId } = await api.colorize({ photoIds: ids.slice(0, 2), saturation: 1.2 });
    const done = await waitForJob(jobId, (j) => j.finishedAt !== null);
    off();
    assert.equal(done.state, 'done');
    assert.deepEqual([done.done, done.total, done.failed], [2, 2, 0]);
    assert.deepEqual(done.finishedPhotoIds.sort(), ids.slice(0, 2).sort());
    assert.ok(
      events.some((e) => e.state === 'running' && e.done === 1),
      'a progress event per photo',
    );
    const photo = await api.getPhoto(ids[0]);
    assert.equal(photo.outputs.length, 1);
    assert.equal(photo.outputs[0].saturation, 1.2);
    const thumb = await api.mediaPath('output-thumb', photo.outputs[0].id);
    assert.ok(thumb && fs.existsSync(thumb));
    const listed = await api.listPhotos({ filter: 'colorized' });
    assert.equal(listed.total, 2);
    assert.ok(listed.items.every((p) => p.colorThumbUrl?.startsWith('/media/output-thumb/')));
  });

  test('a changed/broken original fails alone; the rest of the batch goes on', async () => {
    const ids = (await api.listPhotos({ sort: 'name' })).items.map((p) => p.id);
    const victim = path.join(dir, 'photos-copy.jpg');
    await greyPhoto(victim, 64, 64, 9);
    const [v] = (await api.importPaths([victim])).imported;
    fs.writeFileSync(victim, 'garbage now');
    const { jobId } = await api.colorize({ photoIds: [v.id, ids[2], 999_999] });
    const j = await waitForJob(jobId, (x) => x.finishedAt !== null);
    assert.equal(j.state, 'failed');
    assert.deepEqual([j.done, j.total, j.failed], [3, 3, 2]);
    assert.deepEqual(j.finishedPhotoIds, [ids[2]]);
    assert.ok(j.errors.some((e) => e.name === 'photos-copy.jpg' && /not an image/.test(e.error)));
    assert.ok(j.errors.some((e) => e.photoId === 999_999 && /not in the library/.test(e.error)));
  });

  test('cancel stops after the current photo; a queued job is cancelled at once', async () => {
    const first = await api.colorize({ photoIds: 'all' });
    const second = await api.colorize({ photoIds: 'all' });
    assert.deepEqual(await api.cancelJob(second.jobId), { cancelled: true });
    await waitForJob(first.jobId, (j) => j.state === 'running');
    await api.cancelJob(first.jobId);
    const j = await waitForJob(first.jobId, (x) => x.finishedAt !== null);
    assert.equal(j.state, 'cancelled');
    assert.ok(j.done < j.total);
    const jobs = await api.listJobs();
    assert.equal(jobs.find((x) => x.id === second.jobId)?.state, 'cancelled');
    assert.equal(jobs.find((x) => x.id === second.jobId)?.done, 0);
    assert.deepEqual(await api.cancelJob(first.jobId), { cancelled: false });
  });
});

describe('web bridge', () => {
  let bridge: Bridge;
  const rendererDir = (): string => path.join(dir, 'renderer');
  before(async () => {
    fs.mkdirSync(path.join(rendererDir(), 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir(), 'index.html'), '<!doctype html><title>x</title>');
    fs.writeFileSync(path.join(rendererDir(), 'assets', 'a.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    bridge = await startBridge({ api, rendererDir: rendererDir(), maxUpload: 64 * 1024 });
  });
  after(() => bridge.close());

  const base = (): string => `http://127.0.0.1:${bridge.port}`;
  const auth = (): Record<string, string> => ({ 'x-heirloom-token': bridge.token });
  const post = (method: string, arg: unknown, headers = auth()): Promise<Response> =>
    fetch(`${base()}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ arg }) });

  test('listens on 127.0.0.1 and prints a URL with the token', () => {
    assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  test('no token, wrong token → 401; the right token in the URL becomes an HttpOnly cookie', async () => {
    assert.equal((await fetch(`${base()}/`)).status, 401);
    assert.equal((await post('getStatus', null, {})).status, 401);
    assert.equal((await post('getStatus', null, { 'x-heirloom-token': 'nope' })).status, 401);
    assert.equal((await fetch(`${base()}/?token=wrong`, { redirect: 'manual' })).status, 401);
    const r = await fetch(bridge.url, { redirect: 'manual' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/');
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const page = await fetch(`${base()}/`, { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/);
  });

  test('foreign Host or Origin is refused (DNS rebinding, cross-site)', async () => {
    const http = await import('node:http');
    const status = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: bridge.port, path: '/', headers: { ...auth(), ...headers } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
    assert.equal(await status({ host: 'evil.example:80' }), 403);
    assert.equal(await status({ origin: 'http://evil.example' }), 403);
    assert.equal(await status({}), 200);
  });

  test('API: JSON results, validation errors as 400, GET refused', async () => {
    const s = await post('getStatus', null);
    assert.equal(s.status, 200);
    assert.equal(((await s.json()) as { result: { photoCount: number } }).result.photoCount, 4);
    const bad = await post('getPhoto', '../../etc/passwd');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /invalid argument/);
    // A person's mistake is coded, with no method or field name in its words; 422, not 500.
    const long = await post('importPaths', ['/' + 'x'.repeat(5000)]);
    assert.equal(long.status, 400);
    const body = (await long.json()) as { error: string; problem: { code: string } };
    assert.equal(body.problem.code, 'path.tooLong');
    assert.doesNotMatch(body.error, /importPaths|\b0:/);
    const missing = await post('startFinetune', { folder: path.join(dir, 'no such folder'), name: 'x', minutes: 1 });
    assert.equal(missing.status, 422);
    assert.equal(((await missing.json()) as { problem: { code: string } }).problem.code, 'finetune.folderMissing');
    assert.equal((await fetch(`${base()}/api/getStatus`, { headers: auth() })).status, 405);
    const form = await fetch(`${base()}/api/getStatus`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(form.status, 415);
  });

  test('images only by catalogue id; no path escapes the renderer folder', async () => {
    const [p] = (await api.listPhotos({ sort: 'name' })).items;
    const thumb = await fetch(`${base()}/media/thumb/${p.id}`, { headers: auth() });
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
    assert.equal((await fetch(`${base()}/media/original/${p.id}`, { headers: auth() })).status, 200);
    assert.equal((await fetch(`${base()}/media/thumb/424242`, { headers: auth() })).status, 404);
    for (const evil of [
      '/media/file/%2Fetc%2Fpasswd',
      '/media/original/..%2F..%2Fsecret.txt',
      '/../secret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/%2e%2e/secret.txt',
    ]) {
      const r = await fetch(`${base()}${evil}`, { headers: auth() });
      assert.notEqual(r.status, 200, evil);
      assert.doesNotMatch(await r.text(), /^secret$/);
    }
    assert.equal((await fetch(`${base()}/assets/a.js`, { headers: auth() })).status, 200);
  });

  test('a TIFF original is shown as a full-resolution JPEG, converted once and cached in the library', async () => {
    const tif = path.join(dir, 'scan.tif');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } })
      .tiff()
      .toFile(tif);
    const [p] = (await api.importPaths([tif])).imported;
    const file = (await api.mediaPath('original', p.id))!;
    assert.ok(file.startsWith(core.paths.thumbs + path.sep) && file.endsWith('.jpg'), file);
    const mtime = fs.statSync(file).mtimeMs;
    assert.equal(await api.mediaPath('original', p.id), file, 'cached');
    assert.equal(fs.statSync(file).mtimeMs, mtime);
    const r = await fetch(`${base()}/media/original/${p.id}`, { headers: auth() });
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 300, 200]);
    assert.ok(fs.existsSync(tif), 'the original is untouched');
  });

  test('upload (drag and drop in a browser): checked names, a size limit, a copy kept in the library', async () => {
    const jpeg = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#555' } })
      .jpeg()
      .toBuffer();
    const up = (
      name: string,
      body: Buffer,
      headers: Record<string, string> = { ...auth(), 'content-type': 'application/octet-stream' },
    ): Promise<Response> => fetch(`${base()}/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers, body });
    const r = await up('Grandma 1951.jpg', jpeg);
    assert.equal(r.status, 200);
    const { result } = (await r.json()) as { result: { imported: { id: number; name: string }[] } };
    assert.equal(result.imported[0].name, 'Grandma 1951.jpg');
    const stored = core.catalogue.getOriginal(result.imported[0].id)!.path;
    assert.ok(stored.startsWith(path.join(core.paths.root, 'uploads') + path.sep), stored);
    // The same bytes again: the same photo, no second copy.
    const again = (await (await up('copy.jpg', jpeg)).json()) as { result: { imported: { id: number }[]; alreadyInLibrary: number } };
    assert.equal(again.result.imported[0].id, result.imported[0].id);
    assert.equal(again.result.alreadyInLibrary, 1, 'the same bytes are counted as already in the library');
    assert.equal(fs.readdirSync(path.dirname(stored)).length, 1);
    for (const evil of ['../evil.jpg', 'a/b.jpg', 'a\\b.jpg', 'CON.jpg', '.hidden.jpg', 'x.jpg ', 'notes.txt', 'x\u0000.jpg', '']) {
      const e = await up(evil, jpeg);
      assert.equal(e.status, 400, evil);
    }
    assert.equal((await up('big.jpg', Buffer.alloc(65 * 1024))).status, 413);
    assert.equal((await up('a.jpg', jpeg, { 'content-type': 'application/octet-stream' })).status, 401, 'token needed');
    assert.equal((await up('a.jpg', jpeg, { ...auth(), 'content-type': 'text/plain' })).status, 415);
    // Not a photo inside: a clear per-file error, and nothing kept.
    const bad = (await (await up('fake.jpg', Buffer.from('not a photo'))).json()) as { result: { errors: { name: string; error: string }[] } };
    assert.match(bad.result.errors[0].error, /not an image/);
    assert.ok(!fs.readdirSync(path.dirname(stored)).includes('fake.jpg'));
  });

  test('WebSocket needs the token and a same-site Origin, then streams job events', async () => {
    const { WebSocket } = await import('ws');
    const wsUrl = `ws://127.0.0.1:${bridge.port}/ws`;
    const refused = (headers: Record<string, string>): Promise<boolean> =>
      new Promise((resolve) => {
        const ws = new WebSocket(wsUrl, { headers });
        ws.on('open', () => {
          ws.close();
          resolve(false);
        });
        ws.on('error', () => resolve(true));
      });
    assert.ok(await refused({ origin: base() }));
    assert.ok(await refused({ ...auth(), origin: 'http://evil.example' }));
    const ws = new WebSocket(wsUrl, { headers: { ...auth(), origin: base() } });
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<{ type: string; job: JobInfo }>((resolve) => ws.on('message', (d) => resolve(JSON.parse(String(d)))));
    const [p] = (await api.listPhotos({ sort: 'name' })).items;
    const { jobId } = await api.colorize({ photoIds: [p.id] });
    const msg = await got;
    assert.equal(msg.type, 'job');
    assert.equal(msg.job.id, jobId);
    await waitForJob(jobId, (j) => j.finishedAt !== null).catch(() => undefined);
    ws.close();
  });
});
