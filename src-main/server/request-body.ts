// Request bodies for the web bridge. A body past its limit is read on and dropped, so the client gets
// a clean 413 answer instead of a connection reset; a dropped photo is streamed to a temp file in the
// library (never held whole in memory), and only a few uploads run at once.
import * as crypto from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CoreApi } from '../api/core-api';
import type { ImportResult } from '../api/types';

/** How much more than its limit a body may send before the connection is simply closed. */
export const DISCARD_MAX = 64 * 1024 * 1024;

export class BodyTooLarge extends Error {
  constructor(readonly bytes: number) {
    super('request too large');
  }
}

/**
 * Reads a body chunk by chunk (`onChunk` may wait, e.g. for a file write). Past `limit` the rest is
 * read and dropped, then BodyTooLarge is thrown so the caller can still answer 413.
 */
export async function consumeBody(req: Readable, limit: number, onChunk: (c: Buffer) => void | Promise<void>): Promise<number> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      if (size > limit + DISCARD_MAX) break; // absurdly large: stop reading (the client then sees the connection close)
      continue;
    }
    await onChunk(chunk);
  }
  if (size > limit) throw new BodyTooLarge(size);
  return size;
}

/** Streams a body to `file` (created new), hashing it on the way; on any failure the file is removed. */
export async function receiveToFile(req: Readable, file: string, limit: number): Promise<{ sha256: string; bytes: number }> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const hash = crypto.createHash('sha256');
  const out = fs.createWriteStream(file, { flags: 'wx' });
  // A client that hangs up mid-upload leaves a write in flight when `out` is destroyed; that write then
  // fails with ERR_STREAM_DESTROYED, which without a listener would crash the bridge. The upload has
  // already failed by then (the request's own error is thrown below), so this one is not news.
  out.on('error', () => undefined);
  try {
    await once(out, 'open');
    const bytes = await consumeBody(req, limit, async (c) => {
      hash.update(c);
      if (!out.write(c)) await once(out, 'drain');
    });
    out.end();
    await finished(out);
    return { sha256: hash.digest('hex'), bytes };
  } catch (e) {
    out.destroy();
    if (!out.closed) await once(out, 'close'); // closed before removal: Windows cannot remove an open file
    fs.rmSync(file, { force: true });
    throw e;
  }
}

/** At most `limit` holders at once; up to `maxWaiting` more wait their turn, beyond that `acquire` says no. */
export class Slots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  /** A release function, or undefined when even the waiting line is full. */
  async acquire(): Promise<(() => void) | undefined> {
    if (this.busy < this.limit) this.busy++;
    else if (this.waiting.length >= this.maxWaiting) return undefined;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // a released slot is handed straight on
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    };
  }
}

/** Where uploads are received before they get their real name (hidden: never collected as photos). */
export function incomingDir(api: CoreApi): string {
  return path.join(api.core.paths.root, 'uploads', '.incoming');
}

/**
 * Files a received upload under uploads/<date>/<name> (a free name, never overwriting) and imports it;
 * the same bytes already in the library give that photo back. Nothing is kept of a file that is not a photo.
 */
export async function importUpload(api: CoreApi, name: string, tmp: string, sha256: string): Promise<ImportResult> {
  try {
    const known = api.core.catalogue.findOriginalBySha(sha256);
    if (known && fs.existsSync(known.path)) return await api.importPaths([known.path]);
    const dir = path.join(api.core.paths.root, 'uploads', new Date().toISOString().slice(0, 10));
    fs.mkdirSync(dir, { recursive: true });
    const { name: stem, ext } = path.parse(name);
    let file = path.join(dir, name);
    for (let i = 2; ; i++) {
      try {
        fs.closeSync(fs.openSync(file, 'wx')); // claims a free name: two uploads of "scan.jpg" at once never overwrite each other
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        file = path.join(dir, `${stem} (${i})${ext}`);
      }
    }
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e;
    }
    const r = await api.importPaths([file]);
    if (r.imported.length === 0) fs.rmSync(file, { force: true });
    return { imported: r.imported, alreadyInLibrary: r.alreadyInLibrary, errors: r.errors.map((e) => ({ ...e, name })) };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
