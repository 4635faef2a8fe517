// The renderer's only door to Heirloom: the HeirloomApi, from the Electron preload (window.heirloom)
// or, in an ordinary browser, over the `heirloom serve` bridge (HTTP for calls, WebSocket for events).
import type { ApiMethod, FileError, HeirloomApi, ImportResult, JobInfo, PhotoSummary } from '../../src-main/api/types';

declare global {
  interface Window {
    heirloom?: HeirloomApi;
  }
}

const PHOTO_NAME = /\.(jpe?g|png|tiff?|webp|gif|heic|heif|avif|jp2)$/i;

class WebApi {
  private listeners = new Set<(job: JobInfo) => void>();
  private socket: WebSocket | undefined;
  private retry = 500;

  private async call<T>(method: ApiMethod, arg?: unknown): Promise<T> {
    const res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ arg: arg ?? null }),
    });
    let body: { result?: T; error?: string };
    try {
      body = await res.json();
    } catch {
      throw new Error(`HTTP ${res.status}`);
    }
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    return body.result as T;
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
  private async upload(files: File[]): Promise<ImportResult> {
    const imported: PhotoSummary[] = [];
    const errors: FileError[] = [];
    let alreadyInLibrary = 0;
    for (const f of files) {
      // Same rule as the bridge's (schemas.ts uploadName); checked here too so a stray file costs no upload.
      if (!PHOTO_NAME.test(f.name)) {
        errors.push({ name: f.name, error: 'not a photo file type Heirloom reads' });
        continue;
      }
      try {
        const res = await fetch(`/upload?name=${encodeURIComponent(f.name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream' },
          credentials: 'same-origin',
          body: f,
        });
        const body = (await res.json().catch(() => ({}))) as { result?: ImportResult; error?: string };
        if (!res.ok || !body.result) throw new Error(body.error ?? `HTTP ${res.status}`);
        imported.push(...body.result.imported);
        alreadyInLibrary += body.result.alreadyInLibrary ?? 0;
        errors.push(...body.result.errors);
      } catch (e) {
        errors.push({ name: f.name, error: (e as Error).message });
      }
    }
    return { imported, alreadyInLibrary, errors };
  }

  api(): HeirloomApi {
    return {
      getStatus: () => this.call('getStatus'),
      listPhotos: (q) => this.call('listPhotos', q),
      listPhotoIds: (q) => this.call('listPhotoIds', q),
      importFiles: (files) => this.upload(files),
      getPhoto: (id) => this.call('getPhoto', id),
      importPaths: (paths) => this.call('importPaths', paths),
      importWithDialog: (req) => this.call('importWithDialog', req),
      colorize: (req) => this.call('colorize', req),
      cancelJob: (id) => this.call('cancelJob', id),
      resumeJob: (id) => this.call('resumeJob', id),
      listJobs: () => this.call('listJobs'),
      listAlbums: () => this.call('listAlbums'),
      getAlbum: (id) => this.call('getAlbum', id),
      createAlbum: (req) => this.call('createAlbum', req),
      renameAlbum: (req) => this.call('renameAlbum', req),
      deleteAlbum: (id) => this.call('deleteAlbum', id),
      addToAlbum: (req) => this.call('addToAlbum', req),
      removeFromAlbum: (req) => this.call('removeFromAlbum', req),
      reorderAlbum: (req) => this.call('reorderAlbum', req),
      setAlbumCover: (req) => this.call('setAlbumCover', req),
      setAlbumCaption: (req) => this.call('setAlbumCaption', req),
      exportAlbum: (req) => this.call('exportAlbum', req),
      listModels: () => this.call('listModels'),
      activateModel: (id) => this.call('activateModel', id),
      revertModel: () => this.call('revertModel'),
      startFinetune: (req) => this.call('startFinetune', req),
      onJobProgress: (cb) => {
        this.listeners.add(cb);
        this.connect();
        return () => this.listeners.delete(cb);
      },
    };
  }
}

export const api: HeirloomApi = window.heirloom ?? new WebApi().api();
export const isDesktop = window.heirloom !== undefined;
