// Request/response + events between a face (Electron main, tests) and the core host process.
import type { MediaKind } from './core-api';
import type { ApiMethod, JobInfo } from './types';
import { fromErrorReply, type Problem } from '../contract/problems';

export type HostRequest =
  | { type: 'call'; id: number; method: ApiMethod; arg: unknown }
  | { type: 'media'; id: number; kind: MediaKind; mediaId: number }
  | { type: 'close'; id: number };

export type HostReply =
  | { type: 'ready' }
  | { type: 'job'; job: JobInfo }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string; problem?: Problem };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The two calls every transport has: utilityProcess (postMessage) and child_process (send). */
export interface HostTransport {
  send(msg: HostRequest): void;
  onMessage(cb: (msg: HostReply) => void): void;
  onExit(cb: (code: number | null) => void): void;
}

export class HostClient {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private jobListeners = new Set<(job: JobInfo) => void>();
  readonly ready: Promise<void>;

  constructor(private readonly t: HostTransport) {
    let markReady: () => void;
    this.ready = new Promise((r) => (markReady = r));
    t.onMessage((m) => {
      if (m.type === 'ready') markReady();
      else if (m.type === 'job') for (const cb of this.jobListeners) cb(m.job);
      else if (m.type === 'result') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(fromErrorReply({ message: m.error, problem: m.problem }));
      }
    });
    t.onExit((code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the Heirloom worker stopped (exit code ${code})`));
      this.pending.clear();
    });
  }

  private request(msg: DistributiveOmit<HostRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.t.send({ ...msg, id } as HostRequest);
    });
  }

  call(method: ApiMethod, arg?: unknown): Promise<unknown> {
    return this.request({ type: 'call', method, arg: arg ?? null });
  }

  mediaPath(kind: MediaKind, mediaId: number): Promise<string | null> {
    return this.request({ type: 'media', kind, mediaId }) as Promise<string | null>;
  }

  onJob(cb: (job: JobInfo) => void): () => void {
    this.jobListeners.add(cb);
    return () => this.jobListeners.delete(cb);
  }

  close(): Promise<unknown> {
    return this.request({ type: 'close' });
  }
}
