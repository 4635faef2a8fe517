// `heirloom serve`: the same HeirloomApi over HTTP (POST /api/<method>) and WebSocket (job events),
// plus the built renderer, so the real UI runs in an ordinary browser and in headless e2e tests.
// Listens on 127.0.0.1 only; every request needs the random token (query on first load → cookie).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CoreApi, MediaKind } from '../api/core-api';
import { ApiArgumentError, issueProblem, uploadName } from '../api/schemas';
import { CodedError, errorReply, type Problem } from '../contract/problems';
import { BodyTooLarge, consumeBody, importUpload, incomingDir, receiveToFile, Slots } from './request-body';
import { headerValue, readCookies, requestUrl } from './request-parse';

export const TOKEN_COOKIE = 'heirloom_token';
export const TOKEN_HEADER = 'x-heirloom-token';
const MAX_BODY = 1 << 20;
/** One dropped photo; large enough for a 600 dpi 16-bit TIFF scan (streamed to disk, never held in memory). */
export const MAX_UPLOAD = 300 * 1024 * 1024;
/** Uploads received at once (each also decodes a thumbnail); a few more wait their turn, the rest get 503. */
export const UPLOADS_AT_ONCE = 2;
const UPLOADS_WAITING = 8;

export interface BridgeOptions {
  api: CoreApi;
  port?: number;
  /** Folder with the built renderer (index.html + assets/). */
  rendererDir: string;
  token?: string;
  /** Largest upload accepted, in bytes (default MAX_UPLOAD; tests use a small one). */
  maxUpload?: number;
}

export interface Bridge {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** CSP for the renderer; the only connection allowed is back to this server. */
export function bridgeCsp(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function safeEqual(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const api = opts.api;
  const maxUpload = opts.maxUpload ?? MAX_UPLOAD;
  const uploadSlots = new Slots(UPLOADS_AT_ONCE, UPLOADS_WAITING);
  fs.rmSync(incomingDir(api), { recursive: true, force: true }); // leftovers of uploads cut short by a crash
  const tooLarge = (name: string): { error: string; problem: Problem } => {
    const mb = Math.round(maxUpload / 1024 / 1024);
    return { error: `${name} is larger than ${mb} MB`, problem: { code: 'upload.tooLarge', params: { name, mb } } };
  };
  /** An error's answer: its English message and its problem; a person's mistake is 422, a fault of ours 500. */
  const failed = (res: http.ServerResponse, e: unknown): void => {
    const r = errorReply(e);
    const status = e instanceof ApiArgumentError ? 400 : r.problem.code === 'unexpected' ? 500 : 422;
    json(res, status, { error: r.message, problem: r.problem });
  };
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

  const authorised = (req: http.IncomingMessage): boolean =>
    readCookies(req.headers.cookie, TOKEN_COOKIE).some((v) => safeEqual(v, token)) || safeEqual(headerValue(req.headers[TOKEN_HEADER]), token);

  // Rejects DNS-rebinding (foreign Host) and cross-site requests (foreign Origin).
  const sameSite = (req: http.IncomingMessage): boolean => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
  };

  const baseHeaders = (res: http.ServerResponse): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
  };

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, value: unknown): void =>
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', { 'Cache-Control': 'no-store' });

  const serveFile = (res: http.ServerResponse, file: string, extra: Record<string, string> = {}): void => {
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    fs.readFile(file, (err, buf) => {
      if (err) return send(res, 404, 'not found', 'text/plain; charset=utf-8');
      send(res, 200, buf, type, extra);
    });
  };

  const serveRenderer = (res: http.ServerResponse, rel: string): void => {
    const root = path.resolve(opts.rendererDir);
    const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 404, 'not found', 'text/plain; charset=utf-8');
    if (rel === '/' || rel === '/index.html') {
      if (!fs.existsSync(path.join(root, 'index.html'))) {
        return send(res, 500, 'The window has not been built yet: run `npm run build` first.', 'text/plain; charset=utf-8');
      }
      return serveFile(res, path.join(root, 'index.html'), { 'Content-Security-Policy': bridgeCsp(port), 'Cache-Control': 'no-store' });
    }
    serveFile(res, file, { 'Cache-Control': rel.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store' });
  };

  const serveMedia = async (res: http.ServerResponse, kind: MediaKind, id: number): Promise<void> => {
    const file = await api.mediaPath(kind, id);
    if (!file || !fs.existsSync(file)) return send(res, 404, 'not found', 'text/plain; charset=utf-8');
    // TIFF/HEIF come back from mediaPath already converted to a cached JPEG (see CoreApi.viewable).
    serveFile(res, file, { 'Cache-Control': kind === 'original' ? 'private, no-cache' : kind === 'preview' ? 'no-store' : 'private, max-age=86400' });
  };

  // Past the limit the body is read on and dropped (consumeBody), so the client gets a 413, not a reset.
  const readBody = async (req: http.IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    await consumeBody(req, MAX_BODY, (c) => void chunks.push(c));
    return Buffer.concat(chunks).toString('utf8');
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    baseHeaders(res);
    if (!sameSite(req)) return send(res, 403, 'forbidden', 'text/plain; charset=utf-8');
    const url = requestUrl(req.url);
    if (!url) return send(res, 400, 'bad request', 'text/plain; charset=utf-8');

    // First load: the token arrives in the URL once, becomes an HttpOnly cookie, and leaves the address bar.
    const qToken = url.searchParams.get('token');
    if (req.method === 'GET' && qToken !== null) {
      if (!safeEqual(qToken, token))
        return send(res, 401, 'This link is not valid any more. Use the address printed by `heirloom serve`.', 'text/plain; charset=utf-8');
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      return void res.end();
    }
    if (!authorised(req)) {
      return send(
        res,
        401,
        'Open Heirloom with the full address printed by `heirloom serve` (it contains a secret token).',
        'text/plain; charset=utf-8',
      );
    }

    const apiMatch = /^\/api\/([A-Za-z]{1,40})$/.exec(url.pathname);
    if (apiMatch) {
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return json(res, 415, { error: 'send JSON' });
      let arg: unknown;
      try {
        const body = await readBody(req);
        const parsed = body ? (JSON.parse(body) as { arg?: unknown }) : {};
        arg = parsed?.arg;
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          const mb = MAX_BODY / 1024 / 1024;
          return json(res, 413, { error: `the request is too large (over ${mb} MB)`, problem: { code: 'request.tooLarge', params: { mb } } });
        }
        return failed(res, e instanceof ApiArgumentError ? e : new ApiArgumentError('the request body is not valid JSON'));
      }
      try {
        const result = await api.call(apiMatch[1], arg);
        return json(res, 200, { result: result ?? null });
      } catch (e) {
        return failed(res, e);
      }
    }

    // A photo dropped on the browser window: raw bytes, its file name in the query (checked, never a path).
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST' });
      if (req.headers['content-type'] !== 'application/octet-stream') return json(res, 415, { error: 'send the file as application/octet-stream' });
      const rawName = url.searchParams.get('name') ?? '';
      const name = uploadName.safeParse(rawName);
      if (!name.success) {
        const problem = issueProblem(name.error.issues);
        // A refused name is said with the name (cut short: it may be anything) as any file's problem is.
        problem.params = { name: rawName.slice(0, 120), ...problem.params };
        return json(res, 400, { error: `upload refused: ${name.error.issues[0]?.message ?? 'bad name'}`, problem });
      }
      if (Number(req.headers['content-length'] ?? 0) > maxUpload) {
        res.setHeader('Connection', 'close');
        return json(res, 413, tooLarge(name.data));
      }
      // Streamed to a temp file in the library, a few at a time: parallel big uploads must not fill the memory.
      const release = await uploadSlots.acquire();
      if (!release) {
        res.setHeader('Connection', 'close');
        res.setHeader('Retry-After', '5');
        const busy = new CodedError(
          'upload.busy',
          { name: name.data },
          `too many uploads at once: ${name.data} was not received, try it again in a moment`,
        );
        return json(res, 503, { error: busy.message, problem: busy.problem });
      }
      try {
        const tmp = path.join(incomingDir(api), `${crypto.randomUUID()}.part`);
        let received: { sha256: string };
        try {
          received = await receiveToFile(req, tmp, maxUpload);
        } catch (e) {
          if (e instanceof BodyTooLarge) return json(res, 413, tooLarge(name.data));
          throw e;
        }
        return json(res, 200, { result: await importUpload(api, name.data, tmp, received.sha256) });
      } finally {
        release();
      }
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain; charset=utf-8');
    const media = /^\/media\/(thumb|original|output|output-thumb|preview)\/(\d{1,15})$/.exec(url.pathname);
    if (media) return serveMedia(res, media[1] as MediaKind, Number(media[2]));
    serveRenderer(res, url.pathname);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) failed(res, e);
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<WebSocket>();
  // An upgrade runs outside the request handler's catch: nothing in it may throw, and a socket error
  // (the client hanging up mid-handshake) must not be an unhandled 'error' event either.
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string): void => {
      if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    try {
      const url = requestUrl(req.url);
      if (!url) return refuse('400 Bad Request');
      if (url.pathname !== '/ws' || !sameSite(req) || !authorised(req) || req.headers.origin === undefined) return refuse('401 Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        ws.on('error', () => ws.terminate());
        ws.on('message', () => undefined); // the socket is one-way: server → window
      });
    } catch {
      refuse('400 Bad Request');
    }
  });
  const unsubscribe = api.onJobProgress((job) => {
    const msg = JSON.stringify({ type: 'job', job });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(msg);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Where `npm run build:renderer` puts the window (repo root/dist-renderer). */
export function defaultRendererDir(): string {
  return path.resolve(__dirname, '..', '..', '..', 'dist-renderer');
}
