// The serving side of the live preview's worker (preview-worker.ts): starts it on first use, matches
// each answer to its request, and turns a crashed worker into failed requests (the next request starts
// a fresh worker). While no request is pending the worker never keeps the process alive.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { closeWorker } from '../jobs/close-worker';
import type { SuggestedColour } from '../../contract/hints';
import type { WorkerInit } from '../jobs/worker-protocol';
import type { PreviewImage, PreviewSettings } from './live-preview';
import type { PreviewReply, PreviewRequest } from './preview-protocol';

type Ask = Exclude<PreviewRequest, { type: 'close' }>;
type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never;

export class PreviewRunner {
  private worker: Worker | undefined;
  private serial = 0;
  private readonly pending = new Map<number, { resolve: (r: PreviewReply) => void; reject: (e: Error) => void }>();

  constructor(private readonly init: WorkerInit) {}

  async render(photoId: number, modelId: string | undefined, settings: PreviewSettings): Promise<PreviewImage> {
    const r = await this.ask({ type: 'render', photoId, modelId, settings });
    if (r.type !== 'rendered') throw new Error('the preview answered out of turn');
    // A Buffer arrives as a plain Uint8Array; the caller writes it to a file.
    return { ...r.image, jpeg: Buffer.from(r.image.jpeg.buffer, r.image.jpeg.byteOffset, r.image.jpeg.byteLength) };
  }

  async suggest(photoId: number, modelId: string | undefined, x: number, y: number, count: number, workingSize?: number): Promise<SuggestedColour[]> {
    const r = await this.ask({ type: 'suggest', photoId, modelId, x, y, count, workingSize });
    if (r.type !== 'suggested') throw new Error('the preview answered out of turn');
    return r.colours;
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    await closeWorker(w, { type: 'close' } satisfies PreviewRequest);
  }

  private ask(req: Unsent<Ask>): Promise<PreviewReply> {
    const w = this.start();
    const id = ++this.serial;
    return new Promise<PreviewReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ ...req, id } as Ask);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(__dirname, 'preview-worker.js'), { workerData: this.init });
    this.worker = w;
    w.on('message', (m: PreviewReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.type === 'failed') p.reject(new Error(m.message));
      else p.resolve(m);
    });
    const died = (why: string): void => {
      if (this.worker === w) this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const p of waiting) p.reject(new Error(why));
    };
    w.on('error', (e) => died(`the colour preview stopped unexpectedly: ${e.message}`));
    w.on('exit', (code) => died(`the colour preview stopped unexpectedly (exit code ${code})`));
    w.unref();
    return w;
  }
}
