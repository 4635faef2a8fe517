// `heirloom serve` under malformed input, on loopback only (127.0.0.1): thousands of seeded random and
// hostile requests (cookies, the token header, Host and Origin, paths and queries, bodies, WebSocket
// upgrades, raw garbage), a fixed number of them, at most a few in flight. Each must be answered with a
// status below 500 (400/401/403/404/…) or a closed connection, never an exception: the process stays up
// and still answers the token's holder. Found by a hostile probe: `Cookie: heirloom_token=%` on a
// WebSocket upgrade threw an uncaught URIError that killed the server and its running batch.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Rng } from '../../src-main/core/rng';
import { CLI, cliEnv, makeTempDir, removeDir } from '../helpers/fixtures';

/** How many random requests (fixed: the test never depends on how fast the machine is). */
const RANDOM_REQUESTS = 3000;
const IN_FLIGHT = 6;

let dir: string;
let child: ChildProcess;
let port: number;
let token: string;
let stderr = '';

before(async () => {
  dir = makeTempDir('heirloom-bridge-fuzz-');
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: cliEnv(path.join(dir, 'lib')), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`heirloom serve exited (${code}): ${stderr}`)));
  });
  const u = new URL(url);
  port = Number(u.port);
  token = u.searchParams.get('token')!;
});

after(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  removeDir(dir);
});

interface Answer {
  /** The status line's code, or null when the server closed the connection without one. */
  status: number | null;
}

/** Sends raw bytes to the bridge over 127.0.0.1 and reads the status line of the answer. */
function raw(bytes: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    let done = false;
    const finish = (status: number | null): void => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ status });
    };
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      if (m) finish(Number(m[1]));
      else if (got.length > 64 && !got.startsWith('HTTP/')) finish(null);
    });
    s.on('error', () => finish(null));
    s.on('close', () => finish(null));
    s.end(bytes);
  });
}

const HOSTS = () => [`127.0.0.1:${port}`, `localhost:${port}`];
const printable = (rng: Rng, n: number): string => Array.from({ length: n }, () => String.fromCharCode(rng.int(0x21, 0x7e))).join('');
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;

/** Percent-escapes and values that break naive decoders, plus random printable runs. */
function nastyValue(rng: Rng): string {
  const fixed = [
    '%',
    '%%',
    '%zz',
    '%E0%A4%A',
    '%C0%80',
    '%ED%A0%80',
    '%FF',
    '%u0041',
    '\\x00',
    '=',
    '==%',
    ';;;',
    '"',
    '"%"',
    'a'.repeat(4000),
    '%'.repeat(300),
    `${token.slice(0, -1)}%`,
    `${token}%`,
    encodeURIComponent(token) + '%',
    'é',
    '\u00ff\u00fe',
  ];
  return rng.next() < 0.6 ? pick(rng, fixed) : printable(rng, rng.int(0, 80)).replace(/[\r\n]/g, '');
}

function nastyPath(rng: Rng): string {
  const fixed = [
    '/',
    '//',
    '///x',
    '/%',
    '/%zz',
    '/ws',
    '/ws?x=%',
    '/?token=%',
    '/?token=%zz&token=1',
    `/?token=${token}%`,
    '/api/',
    '/api/listAlbums',
    '/api/constructor',
    '/api/__proto__',
    '/api/toString',
    '/upload?name=%',
    '/upload?name=..%2F..%2Fetc%2Fpasswd',
    '/upload?name=%00.jpg',
    '/media/thumb/99999999999999',
    '/media/original/0',
    '/media/x/1',
    '/assets/../../../etc/passwd',
    '/assets/%2e%2e/%2e%2e/etc/passwd',
    'http://[',
    'http://evil.example/',
    '*',
    '/\\..\\..\\',
  ];
  return rng.next() < 0.7 ? pick(rng, fixed) : '/' + printable(rng, rng.int(0, 40)).replace(/[\s#]/g, '');
}

/** A request with hostile headers, query and body; sometimes with the right token, Host and Origin. */
function hostileRequest(rng: Rng): Buffer {
  const method = pick(rng, ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'GEt', 'X']);
  const target = nastyPath(rng);
  const headers: string[] = [`Host: ${rng.next() < 0.85 ? pick(rng, HOSTS()) : nastyValue(rng)}`, 'Connection: close'];
  if (rng.next() < 0.6) headers.push(`Origin: ${rng.next() < 0.8 ? `http://${pick(rng, HOSTS())}` : nastyValue(rng)}`);
  const cookie = (): string =>
    rng.next() < 0.5 ? `heirloom_token=${nastyValue(rng)}` : `${nastyValue(rng)}=${nastyValue(rng)}; heirloom_token=${nastyValue(rng)}`;
  const c = rng.next();
  if (c < 0.5) headers.push(`Cookie: ${cookie()}`);
  else if (c < 0.6) headers.push(`Cookie: ${cookie()}`, `Cookie: ${cookie()}`);
  const t = rng.next();
  if (t < 0.3) headers.push(`X-Heirloom-Token: ${token}`);
  else if (t < 0.5) headers.push(`X-Heirloom-Token: ${nastyValue(rng)}`);
  else if (t < 0.55) headers.push(`X-Heirloom-Token: ${token}`, `X-Heirloom-Token: ${token}`);
  if (target.startsWith('/ws') || rng.next() < 0.1) {
    headers.push('Upgrade: websocket', 'Connection: Upgrade');
    if (rng.next() < 0.7) headers.push(`Sec-WebSocket-Key: ${rng.next() < 0.5 ? 'dGhlIHNhbXBsZSBub25jZQ==' : nastyValue(rng)}`);
    if (rng.next() < 0.7) headers.push(`Sec-WebSocket-Version: ${pick(rng, ['13', '8', '', '%', '99999999999'])}`);
  }
  headers.push(
    `Content-Type: ${pick(rng, ['application/json', 'application/json; charset=%', 'application/octet-stream', 'text/plain', nastyValue(rng)])}`,
  );
  const bodies = [
    '',
    '{',
    '{"arg":',
    'null',
    '[]',
    '"x"',
    '{"arg":"x"}',
    '{"arg":{"albumId":"%"}}',
    '{"__proto__":{"arg":1}}',
    '['.repeat(5000) + ']'.repeat(5000),
    '{"arg":' + '['.repeat(3000) + ']'.repeat(3000) + '}',
    '\u0000\u00ff\ufffe',
    printable(rng, rng.int(0, 200)),
  ];
  const body = Buffer.from(method === 'GET' || method === 'HEAD' ? '' : pick(rng, bodies), 'utf8');
  if (rng.next() < 0.9) headers.push(`Content-Length: ${body.length}`);
  else headers.push(`Content-Length: ${pick(rng, ['-1', 'abc', '1e3', '99999999999999999999', `${body.length}, ${body.length}`])}`);
  return Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Well-formed requests from the token's holder whose query or body is hostile: what the parsers behind the gates see. */
function authorisedRequest(rng: Rng): Buffer {
  // Methods that only read, or whose argument these values never satisfy (a valid call of a real method may
  // rightly fail with a 500, e.g. "album 1 does not exist": that is the method's answer, not the parser's).
  const methods = ['listAlbums', 'listPhotos', 'colorize', 'exportAlbum', 'nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty'];
  const values = ['null', '1', '-1', '1e999', '"x"', '"%"', '[]', '{}', 'true', '{"albumId":"%"}', '{"photoIds":[-1]}', '{"name":"\u0000"}'];
  const bodies = [
    () => `{"arg":${pick(rng, values)}}`,
    () => `{"arg":{"${nastyValue(rng).replace(/["\\]/g, '')}":${pick(rng, values)}}}`,
    () => pick(rng, ['', '{', '{"arg":', 'null', '[]', '"x"', '{"__proto__":{"arg":1}}', '\u0000']),
    () => '{"arg":' + '['.repeat(rng.int(1, 5000)) + ']'.repeat(rng.int(0, 5000)) + '}',
    () => printable(rng, rng.int(0, 300)),
  ];
  const auth = rng.next() < 0.5 ? `X-Heirloom-Token: ${token}` : `Cookie: ${nastyValue(rng)}=1; heirloom_token=${encodeURIComponent(token)}`;
  const kind = rng.next();
  let line: string;
  let type: string;
  let body: Buffer;
  if (kind < 0.7) {
    line = `POST /api/${pick(rng, methods)} HTTP/1.1`;
    type = pick(rng, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain']);
    body = Buffer.from(pick(rng, bodies)(), 'utf8');
  } else if (kind < 0.85) {
    line = `POST /upload?name=${pick(rng, ['%', '%2F', 'a%00.jpg', '..', 'scan.jpg', nastyValue(rng)])} HTTP/1.1`;
    type = pick(rng, ['application/octet-stream', 'application/json']);
    body = Buffer.from(printable(rng, rng.int(0, 64)));
  } else {
    line = `GET ${pick(rng, ['/media/thumb/', '/media/output/', '/media/preview/', '/?q=%&token=', '/assets/%'])}${nastyValue(rng).replace(/[\s#]/g, '')} HTTP/1.1`;
    type = 'text/plain';
    body = Buffer.alloc(0);
  }
  const head = [line, `Host: ${pick(rng, HOSTS())}`, auth, `Content-Type: ${type}`, `Content-Length: ${body.length}`, 'Connection: close'];
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

/** Bytes that are not HTTP at all, or break its grammar. */
function garbage(rng: Rng): Buffer {
  const fixed = [
    'GET / HTTP/1.1\r\n\r\n',
    'GET\r\n\r\n',
    'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: heirloom_token=%\r\nX: \u0000\r\n\r\n`,
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${'X-A: b\r\n'.repeat(3000)}\r\n`,
    `POST /api/listAlbums HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n`,
    '\r\n\r\n\r\n',
  ];
  if (rng.next() < 0.4) return Buffer.from(pick(rng, fixed), 'latin1');
  return Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255)));
}

/** The inputs the hostile probe used, first and always. */
function knownCrashers(): Buffer[] {
  const h = `Host: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}`;
  return [
    `GET /ws HTTP/1.1\r\n${h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: heirloom_token=%\r\n\r\n`,
    `GET / HTTP/1.1\r\n${h}\r\nCookie: heirloom_token=%\r\nConnection: close\r\n\r\n`,
    `POST /api/listAlbums HTTP/1.1\r\n${h}\r\nCookie: heirloom_token=%E0%A4%A\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    `GET // HTTP/1.1\r\n${h}\r\nX-Heirloom-Token: ${token}\r\nConnection: close\r\n\r\n`,
    `GET // HTTP/1.1\r\n${h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Heirloom-Token: ${token}\r\n\r\n`,
    `GET http://[ HTTP/1.1\r\n${h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  ].map((s) => Buffer.from(s, 'latin1'));
}

async function listAlbums(): Promise<number | null> {
  const body = '{}';
  const a = await raw(
    Buffer.from(
      `POST /api/listAlbums HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Heirloom-Token: ${token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ),
  );
  return a.status;
}

test('malformed cookies, headers, queries and bodies get 4xx answers, never an exception; the server stays up', async () => {
  assert.equal(await listAlbums(), 200, 'the server answers before');
  const serverErrors: string[] = [];
  const seen = new Map<number | null, number>();
  const check = async (bytes: Buffer): Promise<void> => {
    const a = await raw(bytes);
    seen.set(a.status, (seen.get(a.status) ?? 0) + 1);
    if (a.status !== null && a.status >= 500) serverErrors.push(`${a.status} for ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  };
  for (const b of knownCrashers()) {
    await check(b);
    assert.equal(child.exitCode, null, `the server died on ${JSON.stringify(b.toString('latin1'))}: ${stderr}`);
  }
  const rng = new Rng(29);
  const inputs: Array<() => Buffer> = [];
  for (let i = 0; i < RANDOM_REQUESTS; i++)
    inputs.push(i % 10 === 9 ? () => garbage(rng) : i % 10 < 4 ? () => authorisedRequest(rng) : () => hostileRequest(rng));
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < inputs.length && child.exitCode === null) await check(inputs[next++]!());
    }),
  );
  assert.equal(child.exitCode, null, `the server stayed up through ${next} requests: ${stderr}`);
  assert.equal(next, RANDOM_REQUESTS);
  assert.deepEqual(serverErrors.slice(0, 10), [], `${serverErrors.length} answers of 500 or more`);
  // The inputs reach every gate and the parsers behind them (the seed is fixed, so this is not luck).
  for (const status of [200, 400, 401, 403, 404, 405, 415]) assert.ok(seen.has(status), `some answers were ${status}: ${JSON.stringify([...seen])}`);
  console.log(`statuses: ${JSON.stringify([...seen].sort((a, b) => Number(a[0]) - Number(b[0])))}`);
  assert.equal(await listAlbums(), 200, 'and it still answers the token holder');
  assert.ok(!/Uncaught|URIError|TypeError/.test(stderr), stderr);
  assert.ok(fs.existsSync(path.join(dir, 'lib', 'catalogue.sqlite')));
});
