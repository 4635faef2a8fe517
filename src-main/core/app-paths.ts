// Where the application's own files are: the shipped models and the demo samples. By default they are
// found from this compiled file; the packaged desktop app keeps them in its resources folder and says
// so through HeirloomCore.open({ install }) (see setInstallPaths).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** This installation's own files, when the process that starts the core knows better than the defaults. */
export interface InstallPaths {
  /** The folder holding package.json; default: found by walking up from this compiled file. */
  appRoot?: string;
  /** The shipped models; default: `<appRoot>/models`. */
  modelsDir?: string;
  /**
   * better-sqlite3's native binding, e.g. the desktop app's copy built for Electron's ABI; default: the
   * one in node_modules. $HEIRLOOM_SQLITE_BINDING, when set, is used instead (see catalogue/health.ts).
   */
  sqliteBinding?: string;
}

let install: InstallPaths = {};
let cachedRoot: string | undefined;

/**
 * Sets this thread's installation paths (HeirloomCore.open does it with its `install` option); the
 * ones left out keep their value. A worker thread is given them again (see jobs/colorize-runner.ts).
 */
export function setInstallPaths(p: InstallPaths): void {
  install = { ...install, ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) };
}

/** The installation paths set so far (those not set use their defaults). */
export function installPaths(): InstallPaths {
  return { ...install };
}

/** The folder holding package.json (found by walking up from this compiled file). */
export function appRoot(): string {
  if (install.appRoot) return install.appRoot;
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'heirloom') break;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the Heirloom installation folder (package.json)');
    dir = up;
  }
  cachedRoot = dir;
  return dir;
}

export function shippedModelsDir(): string {
  return install.modelsDir ?? path.join(appRoot(), 'models');
}

export function appVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')).version;
}
