// Paths of items dropped on the desktop window. They reach the main process over IPC from the renderer,
// which must not be trusted with the file system: each is checked here before the core reads anything.
// Free of Electron imports so a plain Node test can run it (test/unit/drop-paths.test.ts).
import type { FileError } from '../contract/jobs';
import { NOT_AN_IMAGE } from '../contract/problems';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPhotoName } from '../core/photo-files';

/** At most this many items in one drop (a folder counts as one). */
export const MAX_DROPPED = 1000;
const MAX_PATH = 4096;

export interface DropCheck {
  /** Existing photo files and folders, safe to hand to importPaths. */
  paths: string[];
  /** Dropped items that are not photos or folders, each with a reason the person can read. */
  refused: FileError[];
}

/**
 * Checks what the window says was dropped. Anything a real drop cannot produce (not a list, too many,
 * not an absolute, normalised path string) refuses the whole call; an item that is simply not a photo,
 * not a folder or gone is refused on its own with a reason, so the person sees it.
 */
export function checkDroppedPaths(input: unknown, max = MAX_DROPPED): DropCheck {
  const bad = (why: string): Error => new Error(`refused: ${why}`);
  if (!Array.isArray(input) || input.length === 0) throw bad('dropped items are not files on this computer');
  if (input.length > max) throw bad(`more than ${max} items dropped at once (drop their folder instead)`);
  const paths: string[] = [];
  const refused: DropCheck['refused'] = [];
  for (const p of input as unknown[]) {
    if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PATH || p.includes('\0')) throw bad('dropped items are not files on this computer');
    // A real drop gives a full, clean path: relative ones and `..` tricks never come from one.
    if (!path.isAbsolute(p) || path.resolve(p) !== p) throw bad('dropped items are not files on this computer');
    const name = path.basename(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      refused.push({ name, error: 'not found (was it moved or deleted?)', problem: { code: 'import.notFound', params: {} } });
      continue;
    }
    if (st.isDirectory()) paths.push(p);
    else if (!st.isFile()) refused.push({ name, error: 'not a file or folder', problem: { code: 'import.notAFileOrFolder', params: {} } });
    else if (!isPhotoName(p)) refused.push({ name, error: NOT_AN_IMAGE, problem: { code: 'photo.notAnImage', params: { name } } });
    else paths.push(p);
  }
  return { paths: [...new Set(paths)], refused };
}
