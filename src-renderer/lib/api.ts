// The renderer's only door to Heirloom: the HeirloomApi, over the Electron preload's bridge
// (window.heirloomBridge) or, in an ordinary browser, over the `heirloom serve` bridge (HTTP for calls,
// WebSocket for events). Both are made typed by the same makeApiClient, from the contract's method list.
import { makeApiClient } from '../../src-main/api/client';
import type {
  ApiMethod,
  CallReply,
  FileError,
  HeirloomApi,
  HeirloomBridge,
  ImportResult,
  JobInfo,
  Problem,
  PhotoSummary,
} from '../../src-main/api/types';
import { isProblem, NOT_AN_IMAGE } from '../../src-main/contract/problems';

declare global {
  interface Window {
    heirloomBridge?: HeirloomBridge;
  }
}

/** The photo file types Heirloom reads (schemas.ts uploadName, photo-files.ts PHOTO_EXTENSIONS). */
export const PHOTO_NAME = /\.(jpe?g|png|tiff?|webp|gif|heic|heif|avif|jp2)$/i;

class WebBridge implements HeirloomBridge {
  private listeners = new Set<(job: JobInfo) => void>();
  private socket: WebSocket | undefined;
  private retry = 500;

  async call(method: ApiMethod, arg?: unknown): Promise<CallReply> {
    let res: Response;
    try {
      res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ arg: arg ?? null }),
      });
    } catch (e) {
      return unexpected((e as Error).message);
    }
    let body: { result?: unknown; error?: string; problem?: Problem };
    try {
      body = await res.json();
    } catch {
      return unexpected(`HTTP ${res.status}`);
    }
    if (!res.ok) {
      const message = body.error ?? `HTTP ${res.status}`;
      return { ok: false, message, problem: isProblem(body.problem) ? body.problem : { code: 'unexpected', params: { detail: message } } };
    }
    return { ok: true, value: body.result };
  }

  private connect(): void {
    if (this.socket) return;
    const ws = new WebSocket(`ws://${location.host}/ws`);
    this.socket = ws;
    ws.onopen = () => (this.retry = 500);
    ws.onmessage = (ev) => {
      try {
        const msg = JSON.parse(String(ev.data)) as { type: string; job: JobInfo };
        if (msg.type === 'job') for (const cb of this.listeners) cb(msg.job);
      } catch {
        /* ignore malformed frames */
      }
    };
    ws.onclose = () => {
      this.socket = undefined;
      if (this.listeners.size) setTimeout(() => this.connect(), (this.retry = Math.min(this.retry * 2, 10_000)));
    };
  }

  /** One request per dropped file (the bridge caps each upload's size and checks its name). */
  async importFiles(files: File[]): Promise<ImportResult> {
    const imported: PhotoSummary[] = [];
    const errors: FileError[] = [];
    let alreadyInLibrary = 0;
    for (const f of files) {
      // Same rule as the bridge's (schemas.ts uploadName); checked here too so a stray file costs no upload.
      if (!PHOTO_NAME.test(f.name)) {
        errors.push({ name: f.name, error: NOT_AN_IMAGE, problem: { code: 'photo.notAnImage', params: { name: f.name } } });
        continue;
      }
      try {
        const res = await fetch(`/upload?name=${encodeURIComponent(f.name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream' },
          credentials: 'same-origin',
          body: f,
        });
        const body = (await res.json().catch(() => ({}))) as { result?: ImportResult; error?: string; problem?: Problem };
        if (!res.ok || !body.result) {
          const error = body.error ?? `HTTP ${res.status}`;
          errors.push({ name: f.name, error, problem: isProblem(body.problem) ? body.problem : { code: 'unexpected', params: { detail: error } } });
          continue;
        }
        imported.push(...body.result.imported);
        alreadyInLibrary += body.result.alreadyInLibrary ?? 0;
        errors.push(...body.result.errors);
      } catch (e) {
        errors.push({ name: f.name, error: (e as Error).message });
      }
    }
    return { imported, alreadyInLibrary, errors };
  }

  onJobProgress(cb: (job: JobInfo) => void): () => void {
    this.listeners.add(cb);
    this.connect();
    return () => this.listeners.delete(cb);
  }
}

function unexpected(detail: string): CallReply {
  return { ok: false, message: detail, problem: { code: 'unexpected', params: { detail } } };
}

export const isDesktop = window.heirloomBridge !== undefined;
export const api: HeirloomApi = makeApiClient(window.heirloomBridge ?? new WebBridge());
