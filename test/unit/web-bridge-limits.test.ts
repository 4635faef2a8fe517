// The web bridge under load a hostile tester tried: a JSON body over its 1 MB limit gets a clean 413
// (not a reset), uploads are streamed to a temp file in the library rather than held in memory, and
// only two are received at once while the others wait their turn.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import { CoreApi } from '../../src-main/api/core-api';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { UPLOADS_AT_ONCE, startBridge, type Bridge } from '../../src-main/server/web-bridge';
import * as fx from '../helpers/fixtures';

let root: string;
let core: HeirloomCore;
let api: CoreApi;
let bridge: Bridge;
const MAX_UPLOAD = 6 * 1024 * 1024;

before(async () => {
  root = fx.makeTempDir('heirloom-bridge-limits-');
  fs.mkdirSync(path.join(root, 'renderer'));
  fs.writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
  core = HeirloomCore.open({ library: path.join(root, 'lib') });
  api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  bridge = await startBridge({ api, rendererDir: path.join(root, 'renderer'), maxUpload: MAX_UPLOAD });
});

after(async () => {
  await bridge.close();
  await api.close();
  core.close();
  fx.removeDir(root);
});

interface Reply {
  status: number;
  body: string;
}

/** A raw HTTP request whose body is sent in parts: `parts[i]` is written once `gates[i]` (if any) resolves. */
function request(
  pathname: string,
  headers: Record<string, string | number>,
  parts: Buffer[],
  gates: Array<Promise<void> | undefined> = [],
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: bridge.port, method: 'POST', path: pathname, headers: { 'x-heirloom-token': bridge.token, ...headers } },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => (body += d))
          .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    void (async () => {
      for (let i = 0; i < parts.length; i++) {
        await gates[i];
        req.write(parts[i]);
      }
      req.end();
    })();
  });
}

const upload = (name: string, data: Buffer, gate?: Promise<void>): Promise<Reply> => {
  const half = Math.floor(data.length / 2);
  return request(
    `/upload?name=${encodeURIComponent(name)}`,
    { 'content-type': 'application/octet-stream', 'content-length': data.length },
    [data.subarray(0, half), data.subarray(half)],
    [undefined, gate],
  );
};

const incoming = (): string => path.join(core.paths.root, 'uploads', '.incoming');
const partFiles = (): string[] => (fs.existsSync(incoming()) ? fs.readdirSync(incoming()) : []);

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A JPEG of noise (barely compressible), so a few megapixels make a few megabytes. */
async function noisyJpeg(width: number, height: number, seed: number): Promise<Buffer> {
  const px = fx.photoPixels(width, height, { seed });
  for (let k = 0; k < px.length; k++) px[k] = (px[k]! + ((k * 2654435761 + seed) >>> 26)) & 255;
  return sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
}

describe('JSON bodies', () => {
  test('over 1 MB: HTTP 413 with a JSON error, and the connection is not reset', async () => {
    const big = Buffer.from(JSON.stringify({ arg: 'x'.repeat(1.5 * 1024 * 1024) }));
    const r = await request('/api/getStatus', { 'content-type': 'application/json', 'content-length': big.length }, [big]);
    assert.equal(r.status, 413);
    assert.match((JSON.parse(r.body) as { error: string }).error, /too large \(over 1 MB\)/);
    // Chunked (no Content-Length) too.
    const chunked = await request('/api/getStatus', { 'content-type': 'application/json' }, [big.subarray(0, 700_000), big.subarray(700_000)]);
    assert.equal(chunked.status, 413);
    const ok = await request('/api/listPhotoIds', { 'content-type': 'application/json' }, [Buffer.from('{"arg":{}}')]);
    assert.equal(ok.status, 200, ok.body);
  });
});

describe('uploads', () => {
  test('a photo larger than the JSON limit is streamed to a temp file in the library, then imported', async () => {
    const jpeg = await noisyJpeg(1600, 1200, 1);
    assert.ok(jpeg.length > 1.5 * 1024 * 1024 && jpeg.length < MAX_UPLOAD, `fixture size ${jpeg.length}`);
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    const reply = upload('big scan.jpg', jpeg, gate);
    // While only the first half has been sent, it is already on disk: nothing waits for the whole body in memory.
    const half = Math.floor(jpeg.length / 2);
    await until('the first half on disk', () => partFiles().some((f) => fs.statSync(path.join(incoming(), f)).size === half));
    go();
    const r = await reply;
    assert.equal(r.status, 200, r.body);
    const { result } = JSON.parse(r.body) as { result: { imported: Array<{ id: number; name: string; width: number; height: number }> } };
    assert.equal(result.imported[0]!.name, 'big scan.jpg');
    assert.deepEqual([result.imported[0]!.width, result.imported[0]!.height], [1600, 1200]);
    const stored = core.catalogue.getOriginal(result.imported[0]!.id)!.path;
    assert.equal(fx.sha256File(stored), fx.sha256File(await writeTemp('check.jpg', jpeg)));
    assert.deepEqual(partFiles(), [], 'no temp file left');
  });

  test(`at most ${UPLOADS_AT_ONCE} uploads are received at once; the others wait their turn and then succeed`, async () => {
    const photos = await Promise.all([11, 12, 13, 14].map((s) => noisyJpeg(200, 150, s)));
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    const replies = photos.map((p, i) => upload(`p${i}.jpg`, p, gate));
    await until(`${UPLOADS_AT_ONCE} uploads receiving`, () => partFiles().length === UPLOADS_AT_ONCE);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(partFiles().length, UPLOADS_AT_ONCE, 'the others are not being read yet');
    go();
    const done = await Promise.all(replies);
    assert.deepEqual(
      done.map((r) => r.status),
      [200, 200, 200, 200],
      done.map((r) => r.body).join('\n'),
    );
    assert.deepEqual(partFiles(), []);
  });

  test('an upload that turns out too large (chunked, no Content-Length) gets 413 and leaves no temp file', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const r = await request(
      '/upload?name=huge.jpg',
      { 'content-type': 'application/octet-stream' },
      Array(MAX_UPLOAD / chunk.length + 2).fill(chunk),
    );
    assert.equal(r.status, 413);
    assert.match((JSON.parse(r.body) as { error: string }).error, /huge\.jpg is larger than 6 MB/);
    assert.deepEqual(partFiles(), []);
  });
});

describe('a client that hangs up mid-upload', () => {
  test('does not bring the bridge down, leaves no temp file, and the next upload is received', async () => {
    // Many hang-ups, each while a large chunk is being written to the temp file: a write still in
    // flight when the upload is abandoned once crashed the whole bridge (ERR_STREAM_DESTROYED).
    const chunk = Buffer.alloc(2 * 1024 * 1024, 9);
    for (let i = 0; i < 12; i++) {
      const socket = net.connect(bridge.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.on('error', () => undefined);
      socket.write(
        `POST /upload?name=cut${i}.jpg HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nx-heirloom-token: ${bridge.token}\r\n` +
          `content-type: application/octet-stream\r\ncontent-length: ${chunk.length * 2}\r\n\r\n`,
      );
      socket.write(chunk);
      await new Promise((r) => setTimeout(r, i % 4));
      socket.destroy();
    }
    await until('the cut uploads cleaned up', () => partFiles().length === 0);
    const r = await upload('after.jpg', await noisyJpeg(120, 90, 21));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(partFiles(), []);
  });
});

async function writeTemp(name: string, data: Buffer): Promise<string> {
  const f = path.join(root, name);
  fs.writeFileSync(f, data);
  return f;
}
