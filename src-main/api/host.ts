// The process that owns the core for the desktop app: Electron's main process starts it with
// utilityProcess.fork (tests use child_process.fork), so decoding, colorizing and SQLite never block
// the window's main thread. Messages are validated here again (defence in depth). What it needs to know
// (library, media URL base, where the installation's files are) comes on its command line (host-args.ts).
import { CoreApi, type MediaKind } from './core-api';
import { parseHostArgs, type HostOptions } from './host-args';
import { HeirloomCore } from '../core/service/heirloom-core';
import type { HostReply, HostRequest } from './rpc';
import { problemOf } from '../contract/problems';

interface Port {
  send(msg: unknown): void;
  onMessage(cb: (msg: unknown) => void): void;
}

function parentPort(): Port {
  const pp = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', cb: (e: { data: unknown }) => void): void } })
    .parentPort;
  if (pp) return { send: (m) => pp.postMessage(m), onMessage: (cb) => pp.on('message', (e) => cb(e.data)) };
  if (process.send) return { send: (m) => process.send!(m), onMessage: (cb) => process.on('message', cb) };
  throw new Error('host.js must be started as a child process (utilityProcess.fork or child_process.fork)');
}

const MEDIA_KINDS = new Set<MediaKind>(['thumb', 'original', 'output', 'output-thumb', 'preview']);

export function runHost({ library, mediaBase, install }: HostOptions): void {
  const port = parentPort();
  const core = HeirloomCore.open({ library, install, holder: 'the Heirloom window' });
  const api = new CoreApi(core, { mediaUrl: (kind, id) => `${mediaBase}${kind}/${id}`, importByPath: false, importByDialog: true });
  const reply = (r: HostReply): void => port.send(r);
  api.onJobProgress((job) => reply({ type: 'job', job }));
  port.onMessage(async (raw) => {
    const msg = raw as Partial<HostRequest>;
    if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return;
    try {
      if (msg.type === 'call') {
        reply({ type: 'result', id: msg.id, ok: true, value: (await api.call(msg.method, msg.arg)) ?? null });
      } else if (msg.type === 'media') {
        if (!MEDIA_KINDS.has(msg.kind as MediaKind) || !Number.isSafeInteger(msg.mediaId)) throw new Error('bad media request');
        reply({ type: 'result', id: msg.id, ok: true, value: (await api.mediaPath(msg.kind as MediaKind, msg.mediaId as number)) ?? null });
      } else if (msg.type === 'close') {
        await api.close();
        core.close();
        reply({ type: 'result', id: msg.id, ok: true, value: null });
        process.exit(0);
      }
    } catch (e) {
      reply({ type: 'result', id: msg.id, ok: false, error: (e as Error).message, problem: problemOf(e) });
    }
  });
  reply({ type: 'ready' });
}

if (require.main === module) runHost(parseHostArgs(process.argv.slice(2)));
