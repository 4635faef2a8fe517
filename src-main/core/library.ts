// Where the user's library lives on disk, and its fixed folder layout (see ARCHITECTURE.md "Library on disk").
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const LIBRARY_ENV_VAR = 'HEIRLOOM_LIBRARY';

export interface LibraryPaths {
  readonly root: string;
  readonly catalogue: string;
  readonly thumbs: string;
  readonly outputs: string;
  readonly models: string;
  readonly exports: string;
  /** Automatic catalogue backups (see catalogue/health.ts). */
  readonly backups: string;
}

/** Platform inputs, injectable so every OS's answer can be tested on any OS. */
export interface PlatformInfo {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
}

function currentPlatform(): PlatformInfo {
  return { platform: process.platform, env: process.env, home: os.homedir() };
}

/** The OS's per-user data folder + Heirloom/Library (matches where Electron's userData lives). */
export function defaultLibraryDir(p: PlatformInfo = currentPlatform()): string {
  if (p.platform === 'win32') {
    const appData = p.env.APPDATA || path.win32.join(p.home, 'AppData', 'Roaming');
    return path.win32.join(appData, 'Heirloom', 'Library');
  }
  if (p.platform === 'darwin') {
    return path.posix.join(p.home, 'Library', 'Application Support', 'Heirloom', 'Library');
  }
  // XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = p.env.XDG_DATA_HOME;
  const dataHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(p.home, '.local', 'share');
  return path.posix.join(dataHome, 'Heirloom', 'Library');
}

/** Precedence: explicit option (e.g. `--library`), then $HEIRLOOM_LIBRARY, then the OS default. */
export function resolveLibraryDir(option?: string, p: PlatformInfo = currentPlatform()): string {
  const chosen = nonEmpty(option) ?? nonEmpty(p.env[LIBRARY_ENV_VAR]);
  if (chosen === undefined) return defaultLibraryDir(p);
  return path.resolve(expandHome(chosen, p.home));
}

/** Creates the library folder and its sub-folders if needed; safe to call on every start. */
export function ensureLibrary(dir: string): LibraryPaths {
  const root = path.resolve(dir);
  const paths: LibraryPaths = {
    root,
    catalogue: path.join(root, 'catalogue.sqlite'),
    thumbs: path.join(root, 'thumbs'),
    outputs: path.join(root, 'outputs'),
    models: path.join(root, 'models'),
    exports: path.join(root, 'exports'),
    backups: path.join(root, 'backups'),
  };
  for (const d of [paths.root, paths.thumbs, paths.outputs, paths.models, paths.exports, paths.backups]) {
    fs.mkdirSync(d, { recursive: true });
    // mkdirSync is silent when the path exists; a plain file there would only fail much later.
    if (!fs.statSync(d).isDirectory()) throw new Error(`Cannot use ${d} as a library folder: it is a file.`);
  }
  return paths;
}

/** The sub-folders a library makes for itself (thumbnails, versions, models, exports, backups), by name. */
export const LIBRARY_OWN_FOLDERS = ['thumbs', 'outputs', 'models', 'exports', 'backups'] as const;

/**
 * The names of the library's own folders in `dir` when `dir` is a library's root (it holds a
 * catalogue), else none: a photos folder used as a library keeps the person's photos importable,
 * and only what Heirloom made there is passed over.
 */
export function libraryOwnFolders(dir: string): Set<string> {
  const catalogue = fs.lstatSync(path.join(dir, 'catalogue.sqlite'), { throwIfNoEntry: false });
  return catalogue?.isFile() ? new Set(LIBRARY_OWN_FOLDERS) : new Set();
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s : undefined;
}

// Values from config files or GUI launchers never went through a shell, so "~" was not expanded.
function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}
