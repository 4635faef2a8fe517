// Where the application's own files are: the shipped models and the demo samples. In a packaged
// desktop app they sit in the resources folder; HEIRLOOM_APP_ROOT / HEIRLOOM_MODELS_DIR override.
import * as fs from 'node:fs';
import * as path from 'node:path';

let cachedRoot: string | undefined;

/** The folder holding package.json (found by walking up from this compiled file). */
export function appRoot(): string {
  if (process.env.HEIRLOOM_APP_ROOT) return process.env.HEIRLOOM_APP_ROOT;
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
  return process.env.HEIRLOOM_MODELS_DIR ?? path.join(appRoot(), 'models');
}

export function appVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')).version;
}
