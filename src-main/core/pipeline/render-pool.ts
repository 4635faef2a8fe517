// Splits the full-resolution pass over worker threads (one per core), sharing the pixels through
// SharedArrayBuffers: the work is per row, so it scales with cores, and Electron's main thread
// or the CLI's event loop stays free. Small images render inline (thread hand-off costs more).
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GuidedCoefficients } from '../imaging/guided-upsample';
import { renderRows } from './render-rows';

const INLINE_BELOW_PIXELS = 1_500_000;

let workers: Worker[] | undefined;
let nextId = 1;

function pool(): Worker[] {
  if (!workers) {
    const n = Math.max(1, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
    workers = Array.from({ length: n }, () => {
      const w = new Worker(path.join(__dirname, 'render-worker.js'));
      w.unref(); // idle workers never keep the process alive
      return w;
    });
  }
  return workers;
}

function run(w: Worker, task: object): Promise<void> {
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    const onMessage = (m: { id: number; error?: string }): void => {
      if (m.id !== id) return;
      w.off('message', onMessage);
      w.off('error', onError);
      if (m.error) reject(new Error(m.error));
      else resolve();
    };
    const onError = (e: Error): void => {
      w.off('message', onMessage);
      workers = undefined; // a crashed worker: start a fresh pool next time
      reject(e);
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.ref();
    w.postMessage({ ...task, id });
  }).finally(() => w.unref());
}

/**
 * Renders the colorized photo: interleaved 8-bit sRGB, same size as `rgb` (which is left as it is).
 * Each row is rendered in place over a copy of the input, since a row's colour needs only that
 * row's own L: one extra image in memory, not two (a 144 MP scan is 432 MB per copy).
 */
export async function renderFullResolution(rgb: Uint8Array, width: number, height: number, coeffs: GuidedCoefficients): Promise<Buffer> {
  if (width * height < INLINE_BELOW_PIXELS) {
    const out = Buffer.from(rgb);
    renderRows({ rgb: out, out, width, height, coeffs, y0: 0, y1: height });
    return out;
  }
  const sab = new SharedArrayBuffer(rgb.length);
  const shared = new Uint8Array(sab);
  shared.set(rgb);
  const ws = pool();
  const band = Math.ceil(height / ws.length);
  await Promise.all(
    ws.map((w, i) =>
      run(w, { rgb: shared, out: shared, width, height, coeffs, y0: Math.min(height, i * band), y1: Math.min(height, (i + 1) * band) }),
    ),
  );
  return Buffer.from(sab);
}
