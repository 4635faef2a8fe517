// Electron main process: one secure window, thin validated IPC, and the core in a separate utility
// process (api/host.ts) so colorizing never blocks this thread. Settings asserted by
// test/unit/electron-security.test.ts come from ./security.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, screen, session, utilityProcess, type MenuItemConstructorOptions } from 'electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { argumentError, desktopExportRequest, desktopFinetuneRequest, parseCall } from '../api/schemas';
import { CodedError, errorReply } from '../contract/problems';
import { hostArgs } from '../api/host-args';
import { HostClient, type HostReply } from '../api/rpc';
import type { CallReply, DialogImportRequest, ExportRequest, FinetuneRequest, ExportStart, ImportResult, JobInfo } from '../api/types';
import type { InstallPaths } from '../core/app-paths';
import { writeFileAtomic } from '../core/fs-atomic';
import { checkDroppedPaths } from './drop-paths';
import {
  APP_ENTRY,
  APP_HOST,
  APP_SCHEME,
  IPC_CALL,
  IPC_DROP,
  IPC_JOB,
  isAppUrl,
  MEDIA_BASE,
  MEDIA_SCHEME,
  parseMediaUrl,
  RENDERER_CSP,
  WINDOW_DEFAULTS,
  webPreferences,
} from './security';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RENDERER_DIR = path.join(ROOT, 'dist-renderer');
const PRELOAD = path.join(__dirname, 'preload.js');
const HOST = path.join(__dirname, '..', 'api', 'host.js');
/** better-sqlite3 built for Electron's ABI by scripts/electron-native.js (`npm start` runs it first). */
const DEV_SQLITE = path.join(ROOT, 'build', 'electron-native', 'better_sqlite3.node');

/** Where the core finds this installation's files, given to the core process (api/host.ts) on its command line. */
function installPaths(): InstallPaths {
  // electron-builder.yml copies the shipped model and the Electron-ABI SQLite binding to resources/.
  if (app.isPackaged) {
    return {
      appRoot: app.getAppPath(),
      modelsDir: path.join(process.resourcesPath, 'models'),
      sqliteBinding: path.join(process.resourcesPath, 'native', 'better_sqlite3.node'),
    };
  }
  return fs.existsSync(DEV_SQLITE) ? { sqliteBinding: DEV_SQLITE } : {};
}

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  let host: HostClient;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every web contents, present and future: no new windows, no navigation away, no <webview>.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    contents.on('will-redirect', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });

  const stateFile = (): string => path.join(app.getPath('userData'), 'window-state.json');
  const loadBounds = (): Partial<Electron.Rectangle> & { maximized?: boolean } => {
    try {
      return JSON.parse(fs.readFileSync(stateFile(), 'utf8'));
    } catch {
      return {};
    }
  };
  const saveBounds = (w: BrowserWindow): void => {
    try {
      writeFileAtomic(stateFile(), JSON.stringify({ ...w.getNormalBounds(), maximized: w.isMaximized() }));
    } catch {
      /* not worth bothering the user */
    }
  };

  const startHost = (): HostClient => {
    const child = utilityProcess.fork(HOST, hostArgs({ mediaBase: MEDIA_BASE, install: installPaths() }), {
      serviceName: 'Heirloom core',
      stdio: 'inherit',
    });
    return new HostClient({
      send: (m) => child.postMessage(m),
      onMessage: (cb) => child.on('message', (m: HostReply) => cb(m)),
      onExit: (cb) => child.on('exit', cb),
    });
  };

  const pickPaths = async (req: DialogImportRequest): Promise<string[]> => {
    const r = await dialog.showOpenDialog(win!, {
      properties: req.kind === 'folder' ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
      filters:
        req.kind === 'folder' ? [] : [{ name: 'Photos', extensions: ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'gif', 'heic', 'heif', 'avif'] }],
    });
    return r.canceled ? [] : r.filePaths;
  };

  const registerProtocols = (): void => {
    protocol.handle(APP_SCHEME, async (req) => {
      const u = new URL(req.url);
      const rel = path.posix.normalize(decodeURIComponent(u.pathname));
      const file = path.join(RENDERER_DIR, rel === '/' ? 'index.html' : rel);
      if (u.host !== APP_HOST || !file.startsWith(RENDERER_DIR + path.sep)) return new Response('not found', { status: 404 });
      const res = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', RENDERER_CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(res.body, { status: res.status, headers });
    });
    protocol.handle(MEDIA_SCHEME, async (req) => {
      const m = parseMediaUrl(req.url);
      const file = m ? await host.mediaPath(m.kind, m.id) : null;
      if (!file) return new Response('not found', { status: 404 });
      return net.fetch(pathToFileURL(file).toString());
    });
  };

  /**
   * The window never names a folder itself: the person picks where the export goes. When that folder
   * already holds the export, the window asks "Replace it?" (or "Export here?" for the home folder, a
   * drive's top folder or a folder of originals); the agreed second call (overwrite, placeConfirmed)
   * reuses the folder just chosen for the same album instead of showing the dialog again.
   */
  let askedReplace: { albumId: number; parentDir: string } | null = null;
  const exportWithDialog = async (arg: unknown): Promise<ExportStart> => {
    const r = desktopExportRequest.safeParse(arg === null ? undefined : arg);
    if (!r.success) throw argumentError(r.error.issues);
    const req = r.data;
    let parentDir: string;
    if ((req.overwrite || req.placeConfirmed) && askedReplace?.albumId === req.albumId) {
      parentDir = askedReplace.parentDir;
    } else {
      const d = await dialog.showOpenDialog(win!, { title: 'Export the album into…', properties: ['openDirectory', 'createDirectory'] });
      if (d.canceled || !d.filePaths[0]) return { jobId: null, problem: 'cancelled', target: null };
      parentDir = d.filePaths[0];
    }
    askedReplace = null;
    const res = (await host.call('exportAlbum', { ...req, parentDir } satisfies ExportRequest)) as ExportStart;
    if (res.jobId === null && (res.problem === 'target-exists' || res.problem === 'place-warning'))
      askedReplace = { albumId: req.albumId, parentDir };
    return res;
  };

  /** Likewise the folder of colour photos to learn from is picked by the person, never named by the window. */
  const finetuneWithDialog = async (arg: unknown): Promise<{ jobId: number | null }> => {
    const r = desktopFinetuneRequest.safeParse(arg);
    if (!r.success) throw argumentError(r.error.issues);
    const d = await dialog.showOpenDialog(win!, { title: 'Choose a folder of your colour photos', properties: ['openDirectory'] });
    if (d.canceled || !d.filePaths[0]) return { jobId: null };
    return host.call('startFinetune', { ...r.data, folder: d.filePaths[0] } satisfies FinetuneRequest) as Promise<{ jobId: number | null }>;
  };

  const registerIpc = (): void => {
    const callOnce = async (method: unknown, arg: unknown): Promise<unknown> => {
      if (method === 'exportAlbum') return exportWithDialog(arg);
      if (method === 'startFinetune') return finetuneWithDialog(arg);
      const c = parseCall(method, arg); // zod: unknown methods and bad arguments stop here
      if (c.method === 'importPaths' || c.method === 'locatePhoto')
        throw new CodedError('import.byDialogOnly', {}, 'in the desktop app, photos are chosen with the system dialog');
      if (c.method === 'locatePhotoWithDialog') {
        // The person points to the file (or a folder to search); the core checks it is the same photo.
        const req = c.arg as { photoId: number; kind: 'file' | 'folder' };
        const d = await dialog.showOpenDialog(win!, {
          title: req.kind === 'file' ? 'Where is this photo now?' : 'Search a folder for this photo',
          properties: [req.kind === 'file' ? 'openFile' : 'openDirectory'],
        });
        if (d.canceled || !d.filePaths[0]) return null;
        return host.call('locatePhoto', { photoId: req.photoId, path: d.filePaths[0] });
      }
      if (c.method === 'importWithDialog') {
        const paths = await pickPaths(c.arg as DialogImportRequest);
        return paths.length ? ((await host.call('importPaths', paths)) as ImportResult) : { imported: [], alreadyInLibrary: 0, errors: [] };
      }
      return host.call(c.method, c.arg);
    };
    // Answered as a CallReply, never thrown: Electron would keep only an error's message, not its problem.
    ipcMain.handle(IPC_CALL, async (event, method: unknown, arg: unknown): Promise<CallReply> => {
      if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) throw new Error('refused: not the Heirloom window');
      try {
        return { ok: true, value: (await callOnce(method, arg)) ?? null };
      } catch (e) {
        return { ok: false, ...errorReply(e) };
      }
    });
    // Drag and drop is the one place a path comes from the window: the preload learned it from a
    // trusted drop event's File (webUtils). The renderer is not trusted with paths, so each is checked
    // (absolute, existing, a photo file or a folder, a bounded count) before the core reads it.
    ipcMain.handle(IPC_DROP, async (event, paths: unknown) => {
      if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) throw new Error('refused: not the Heirloom window');
      const checked = checkDroppedPaths(paths);
      const r = checked.paths.length
        ? ((await host.call('importPaths', checked.paths)) as ImportResult)
        : { imported: [], alreadyInLibrary: 0, errors: [] };
      return { imported: r.imported, alreadyInLibrary: r.alreadyInLibrary, errors: [...checked.refused, ...r.errors] } satisfies ImportResult;
    });
  };

  const buildMenu = (): void => {
    const template: MenuItemConstructorOptions[] = [
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      { role: 'fileMenu' },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
          ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        ],
      },
      { role: 'windowMenu' },
    ];
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  // A window remembered on a monitor that is gone now would open off screen: keep its size only.
  const onSomeDisplay = (b: Partial<Electron.Rectangle>): boolean =>
    b.x !== undefined &&
    b.y !== undefined &&
    screen
      .getAllDisplays()
      .some(({ workArea: a }) => b.x! < a.x + a.width - 40 && b.x! + (b.width ?? 0) > a.x + 40 && b.y! >= a.y - 10 && b.y! < a.y + a.height - 40);

  const createWindow = (): void => {
    const saved = loadBounds();
    if (!onSomeDisplay(saved)) {
      delete saved.x;
      delete saved.y;
    }
    win = new BrowserWindow({
      width: saved.width ?? WINDOW_DEFAULTS.width,
      height: saved.height ?? WINDOW_DEFAULTS.height,
      x: saved.x,
      y: saved.y,
      minWidth: WINDOW_DEFAULTS.minWidth,
      minHeight: WINDOW_DEFAULTS.minHeight,
      title: 'Heirloom',
      show: false,
      webPreferences: webPreferences(PRELOAD),
    });
    if (saved.maximized) win.maximize();
    win.once('ready-to-show', () => win?.show());
    win.on('close', () => win && saveBounds(win));
    win.on('closed', () => (win = null));
    void win.loadURL(APP_ENTRY);
  };

  app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    host = startHost();
    await host.ready;
    host.onJob((job: JobInfo) => {
      if (!win) return;
      win.webContents.send(IPC_JOB, job);
      const active = job.state === 'running' || job.state === 'queued';
      win.setProgressBar(active && job.total ? job.done / job.total : -1, { mode: job.failed ? 'error' : 'normal' });
    });
    registerProtocols();
    registerIpc();
    buildMenu();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('before-quit', (ev) => {
    if (closing || !host) return;
    closing = true;
    ev.preventDefault();
    // Lets the running photo finish and the catalogue close cleanly, but never hangs the quit.
    Promise.race([host.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]).finally(() => app.quit());
  });
}
