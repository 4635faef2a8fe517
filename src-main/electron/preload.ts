// Runs in the sandboxed preload: exposes a minimal bridge (one call by method name, job events,
// dropped files) to the window via contextBridge. The window builds the typed HeirloomApi over it from
// the contract's method list (src-main/api/client.ts), so no method is listed here; main validates
// every call (parseCall refuses unknown methods). Only `electron` may be required here (sandbox);
// ipcRenderer itself is never exposed.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { HeirloomBridge, JobInfo } from '../api/types';

// Duplicated from security.ts on purpose: a sandboxed preload cannot require local modules.
const IPC_CALL = 'heirloom:call';
const IPC_JOB = 'heirloom:job';
const IPC_DROP = 'heirloom:drop';

// The DOM is not in this project's TypeScript libs (they are for Node); the preload needs only this much.
declare const window: {
  addEventListener(
    type: 'drop',
    listener: (e: { isTrusted: boolean; dataTransfer: { files: ArrayLike<File> } | null }) => void,
    capture: boolean,
  ): void;
};

// Paths of the files in the last real drop: a page script cannot fake a trusted drop event, so
// importFiles sends main no path that the person did not drop (main checks each one again).
const dropped = new Set<string>();
window.addEventListener(
  'drop',
  (e) => {
    if (!e.isTrusted || !e.dataTransfer) return;
    dropped.clear();
    for (const f of Array.from(e.dataTransfer.files)) {
      const p = webUtils.getPathForFile(f);
      if (p) dropped.add(p);
    }
  },
  true,
);

const bridge: HeirloomBridge = {
  call: (method, arg) => ipcRenderer.invoke(IPC_CALL, method, arg ?? null),
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

contextBridge.exposeInMainWorld('heirloomBridge', bridge);
