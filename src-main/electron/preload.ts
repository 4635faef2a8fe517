// Runs in the sandboxed preload: exposes HeirloomApi to the window via contextBridge.
// Only `electron` may be required here (sandbox); ipcRenderer itself is never exposed.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { HeirloomApi, JobInfo } from '../api/types';

// Duplicated from security.ts on purpose: a sandboxed preload cannot require local modules.
const IPC_CALL = 'heirloom:call';
const IPC_JOB = 'heirloom:job';
const IPC_DROP = 'heirloom:drop';

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
    const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p !== '');
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
