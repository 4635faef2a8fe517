// Finding photos: files named on the command line are always tried (so a broken one gets a clear
// error); folders are searched recursively for image files, skipping hidden entries. What Heirloom
// made itself is never imported again: a library's own folders (when a photos folder is also the
// library) and album exports (their manifest marks them) are passed over, the exports with a word.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../contract/problems';
import { readFinishedManifest } from './export/manifest';
import { libraryOwnFolders } from './library';

export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.gif', '.heic', '.heif', '.avif', '.jp2']);

export function isPhotoName(name: string): boolean {
  return PHOTO_EXTENSIONS.has(path.extname(name).toLowerCase());
}

export interface CollectResult {
  files: string[];
  /** Inputs that could not be read at all (missing path, unreadable folder). */
  problems: Array<{ input: string; error: string; problem: Problem }>;
}

export function collectPhotos(inputs: string[]): CollectResult {
  const files: string[] = [];
  const problems: CollectResult['problems'] = [];
  // Symbolic links (and entries whose type the file system does not report) are followed, never
  // skipped silently: a photo must not go missing because it is a link. Real paths guard against loops.
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const realOf = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const addFile = (p: string): void => {
    const real = realOf(p);
    if (seenFiles.has(real)) return; // the same photo reached twice (a link and its target)
    seenFiles.add(real);
    files.push(p);
  };
  const walk = (dir: string): void => {
    const real = realOf(dir);
    if (seenDirs.has(real)) return; // a link back to a folder already searched
    seenDirs.add(real);
    if (readFinishedManifest(dir)) {
      problems.push({
        input: dir,
        error: 'an album Heirloom exported: its copies are not imported again',
        problem: { code: 'import.heirloomExport', params: {} },
      });
      return;
    }
    const own = libraryOwnFolders(dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      problems.push({ input: dir, error: `folder cannot be read (${code})`, problem: { code: 'import.folderUnreadable', params: { code } } });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || own.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        if (isPhotoName(e.name)) addFile(p);
      } else if (e.isFIFO() || e.isSocket() || e.isCharacterDevice() || e.isBlockDevice()) {
        if (isPhotoName(e.name)) problems.push(notAFile(p));
      } else {
        // a link, or type not reported
        let st: fs.Stats;
        try {
          st = fs.statSync(p);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (isPhotoName(e.name)) {
            problems.push(
              code === 'ENOENT'
                ? { input: p, error: 'a link to something that does not exist', problem: { code: 'import.brokenLink', params: {} } }
                : code === 'ELOOP'
                  ? { input: p, error: 'a link that loops back on itself', problem: { code: 'import.loopingLink', params: {} } }
                  : {
                      input: p,
                      error: `cannot be read (${code ?? 'error'})`,
                      problem: { code: 'import.unreadable', params: { code: code ?? 'error' } },
                    },
            );
          }
          continue;
        }
        if (st.isDirectory()) walk(p);
        else if (st.isFile() && (isPhotoName(e.name) || isPhotoName(realOf(p)))) addFile(p);
        else if (!st.isFile() && isPhotoName(e.name)) problems.push(notAFile(p)); // a link to a pipe or a device
      }
    }
  };
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      problems.push({ input, error: 'not found', problem: { code: 'import.notFound', params: {} } });
      continue;
    }
    if (st.isDirectory()) walk(abs);
    else addFile(abs);
  }
  return { files, problems };
}

/** A pipe, socket or device named like a photo: said per file, as when it is named directly. */
function notAFile(p: string): CollectResult['problems'][number] {
  return { input: p, error: 'not a file (a pipe or a device)', problem: { code: 'photo.notAFile', params: { name: path.basename(p) } } };
}
