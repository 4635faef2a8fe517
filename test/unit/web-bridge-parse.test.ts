// The web bridge reads cookies, headers and URLs without ever throwing: a malformed value is "not there",
// so the answer is 400 (not a usable request) or 401 (no valid token), never a 500 or an uncaught
// exception. `Cookie: heirloom_token=%` on a WebSocket upgrade used to throw a URIError outside any catch.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreApi } from '../../src-main/api/core-api';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { startBridge, type Bridge } from '../../src-main/server/web-bridge';
import { headerValue, readCookies, requestUrl, safeDecode } from '../../src-main/server/request-parse';
import * as fx from '../helpers/fixtures';

describe('request-parse', () => {
  test('cookies: malformed escapes are dropped, never thrown', () => {
    assert.deepEqual(readCookies('heirloom_token=%', 'heirloom_token'), []);
    assert.deepEqual(readCookies('heirloom_token=%E0%A4%A; a=b', 'heirloom_token'), []);
    assert.deepEqual(readCookies('a=%; heirloom_token=abc%2Bd', 'heirloom_token'), ['abc+d']);
    assert.deepEqual(readCookies('heirloom_token=x=y', 'heirloom_token'), ['x=y']);
    assert.deepEqual(readCookies('heirloom_token=1; heirloom_token=%; heirloom_token=2', 'heirloom_token'), ['1', '2']);
    assert.deepEqual(readCookies(undefined, 'heirloom_token'), []);
    assert.deepEqual(readCookies(['heirloom_token=1'], 'heirloom_token'), [], 'not a string: not a cookie header');
    assert.deepEqual(readCookies('heirloom_token=' + 'a'.repeat(9000), 'heirloom_token'), []);
    assert.equal(safeDecode('%zz'), undefined);
    assert.equal(safeDecode('%41'), 'A');
  });

  test('URLs: only a path and query; anything else is undefined', () => {
    assert.equal(requestUrl('/api/listAlbums?x=%')?.pathname, '/api/listAlbums');
    assert.equal(requestUrl('/?token=%zz')?.searchParams.get('token'), '%zz');
    for (const bad of [
      undefined,
      '',
      '*',
      '//',
      '//evil.example/x',
      'http://[',
      'http://evil.example/',
      '/a\u0000b',
      '/a\nb',
      '/' + 'a'.repeat(9000),
    ])
      assert.equal(requestUrl(bad), undefined, JSON.stringify(bad));
  });

  test('headers: a repeated header (an array) is not a value', () => {
    assert.equal(headerValue('x'), 'x');
    assert.equal(headerValue(['x', 'y']), undefined);
    assert.equal(headerValue(undefined), undefined);
  });
});

describe('the bridge with malformed input', () => {
  let root: string;
  let core: HeirloomCore;
  let api: CoreApi;
  let bridge: Bridge;

  before(async () => {
    root = fx.makeTempDir('heirloom-bridge-parse-');
    fs.mkdirSync(path.join(root, 'renderer'));
    fs.writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
    core = HeirloomCore.open({ library: path.join(root, 'lib') });
    api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
    bridge = await startBridge({ api, rendererDir: path.join(root, 'renderer') });
  });
  after(async () => {
    await bridge.close();
    await api.close();
    core.close();
    fx.removeDir(root);
  });

  const status = (request: string): Promise<number | null> =>
    new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: bridge.port });
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
        if (m) {
          s.destroy();
          resolve(Number(m[1]));
        }
      });
      s.on('error', () => resolve(null));
      s.on('close', () => resolve(null));
      s.end(request.replace(/PORT/g, String(bridge.port)));
    });
  const site = 'Host: 127.0.0.1:PORT\r\nOrigin: http://127.0.0.1:PORT';
  const ws = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13';

  test('a malformed token cookie is 401, on a page, an API call and a WebSocket upgrade', async () => {
    assert.equal(await status(`GET / HTTP/1.1\r\n${site}\r\nCookie: heirloom_token=%\r\nConnection: close\r\n\r\n`), 401);
    assert.equal(
      await status(
        `POST /api/listAlbums HTTP/1.1\r\n${site}\r\nCookie: heirloom_token=%E0%A4%A\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      ),
      401,
    );
    assert.equal(await status(`GET /ws HTTP/1.1\r\n${site}\r\n${ws}\r\nCookie: heirloom_token=%\r\n\r\n`), 401);
  });

  test('an unusable request target is 400, with the token too, also on an upgrade', async () => {
    const auth = `X-Heirloom-Token: ${bridge.token}`;
    assert.equal(await status(`GET // HTTP/1.1\r\n${site}\r\n${auth}\r\nConnection: close\r\n\r\n`), 400);
    assert.equal(await status(`GET //evil.example/ws HTTP/1.1\r\n${site}\r\n${auth}\r\n${ws}\r\n\r\n`), 400);
  });

  test('and after all that the token holder still gets answers', async () => {
    const r = await fetch(`http://127.0.0.1:${bridge.port}/api/listAlbums`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-heirloom-token': bridge.token, cookie: 'heirloom_token=%' },
      body: '{}',
    });
    assert.equal(r.status, 200);
  });
});
