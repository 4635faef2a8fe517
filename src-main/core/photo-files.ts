// Finding photos: files named on the command line are always tried (so a broken one gets a clear
// error); folders are searched recursively for image files, skipping hidden entries.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.gif', '.heic', '.heif', '.avif', '.jp2']);

export function isPhotoName(name: string): boolean {
  return PHOTO_EXTENSIONS.has(path.extname(name).toLowerCase());
}

export interface CollectResult {
  files: string[];
  /** Inputs that could not be read at all (missing path, unreadable folder). */
  problems: Array<{ input: string; error: string }>;
}

export function collectPhotos(inputs: string[]): CollectResult {
  const files: string[] = [];
  const problems: CollectResult['problems'] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ input: dir, error: `folder cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isPhotoName(e.name)) files.push(p);
    }
  };
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      problems.push({ input, error: 'not found' });
      continue;
    }
    if (st.isDirectory()) walk(abs);
    else files.push(abs);
  }
  return { files: [...new Set(files)], problems };
}
