// Runs in the sandboxed preload: exposes HeirloomApi to the window via contextBridge.
// Only `electron` may be required here (sandbox); ipcRenderer itself is never exposed.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { HeirloomApi, JobInfo } from '../api/types';

// Duplicated from security.ts on purpose: a sandboxed preload cannot require local modules.
const IPC_CALL = 'heirloom:call';
const IPC_JOB = 'heirloom:job';
const IPC_DROP = 'heirloom:drop';

// The DOM is not in this project's TypeScript libs (they are for Node); the preload needs only this much.
declare const window: {
  addEventListener(type: 'drop', listener: (e: { isTrusted: boolean; dataTransfer: { files: ArrayLike<File> } | null }) => void, capture: boolean): void;
};

// Paths of the files in the last real drop: a page script cannot fake a trusted drop event, so
// importFiles sends main no path that the person did not drop (main checks each one again).
const dropped = new Set<string>();
window.addEventListener('drop', (e) => {
  if (!e.isTrusted || !e.dataTransfer) return;
  dropped.clear();
  for (const f of Array.from(e.dataTransfer.files)) {
    const p = webUtils.getPathForFile(f);
    if (p) dropped.add(p);
  }
}, true);

const call = <T>(method: string, arg?: unknown): Promise<T> => ipcRenderer.invoke(IPC_CALL, method, arg ?? null) as Promise<T>;

const api: HeirloomApi = {
  getStatus: () => call('getStatus'),
  listPhotos: (q) => call('listPhotos', q),
  listPhotoIds: (q) => call('listPhotoIds', q),
  getPhoto: (id) => call('getPhoto', id),
  importPaths: (paths) => call('importPaths', paths),
  importWithDialog: (req) => call('importWithDialog', req),
  colorize: (req) => call('colorize', req),
  cancelJob: (id) => call('cancelJob', id),
  resumeJob: (id) => call('resumeJob', id),
  listJobs: () => call('listJobs'),
  listAlbums: () => call('listAlbums'),
  getAlbum: (id) => call('getAlbum', id),
  createAlbum: (req) => call('createAlbum', req),
  renameAlbum: (req) => call('renameAlbum', req),
  deleteAlbum: (id) => call('deleteAlbum', id),
  addToAlbum: (req) => call('addToAlbum', req),
  removeFromAlbum: (req) => call('removeFromAlbum', req),
  reorderAlbum: (req) => call('reorderAlbum', req),
  setAlbumCover: (req) => call('setAlbumCover', req),
  setAlbumCaption: (req) => call('setAlbumCaption', req),
  exportAlbum: (req) => call('exportAlbum', req),
  listModels: () => call('listModels'),
  activateModel: (id) => call('activateModel', id),
  revertModel: () => call('revertModel'),
  startFinetune: (req) => call('startFinetune', req),
  // Dropped files and folders: Electron gives each File its real path; the bytes never cross IPC.
  importFiles: (files) => {
    const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p !== '' && dropped.has(p));
    return ipcRenderer.invoke(IPC_DROP, paths);
  },
  onJobProgress: (cb) => {
    const listener = (_e: IpcRendererEvent, job: JobInfo): void => cb(job);
    ipcRenderer.on(IPC_JOB, listener);
    return () => {
      ipcRenderer.removeListener(IPC_JOB, listener);
    };
  },
};

contextBridge.exposeInMainWorld('heirloom', api);
