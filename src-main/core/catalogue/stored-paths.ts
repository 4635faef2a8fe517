// Files inside the library (thumbs, outputs, checkpoints) are stored relative to the library root, so a
// library copied to another disk or computer keeps working. Anything outside (originals, the shipped model)
// stays absolute. Relative forms always use '/' so a library moves between Windows and macOS/Linux.
import * as path from 'node:path';

export function toStoredPath(libraryRoot: string, p: string): string {
  if (!path.isAbsolute(p)) throw new Error(`Expected an absolute path, got "${p}".`);
  const rel = path.relative(libraryRoot, p);
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  const inside = rel !== '' && !outside;
  return inside ? rel.split(path.sep).join('/') : p;
}

export function fromStoredPath(libraryRoot: string, stored: string): string {
  return isStoredAbsolute(stored) ? stored : path.join(libraryRoot, ...stored.split('/'));
}

// A Windows absolute path read on POSIX (or vice versa) must not be glued onto the library root.
function isStoredAbsolute(p: string): boolean {
  return path.posix.isAbsolute(p) || path.win32.isAbsolute(p);
}
