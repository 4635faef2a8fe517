// Originals that were moved, renamed or deleted outside Heirloom: finding one again (a file chosen by
// the person, checked by its sha256, or a folder searched for those bytes) and taking a photo out of
// the library. Removing never touches the person's own files; the versions Heirloom made of the photo
// are deleted only when asked (deleteVersions), and only files inside the library's outputs folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodedError } from '../../contract/problems';
import type { Catalogue } from '../catalogue/catalogue';
import type { OriginalRow } from '../catalogue/types';
import type { LibraryPaths } from '../library';
import { collectPhotos } from '../photo-files';
import { hashFile } from './file-hash';

/** Files hashed at most when a folder is searched (by size first, so usually one or two). */
const MAX_HASHED = 2000;

const isInside = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/**
 * The file that holds this photo's bytes: `place` itself (a file, which must be the same photo) or the
 * first match in the folder `place` (searched recursively). Throws a coded error a person can act on.
 */
export async function findOriginal(row: OriginalRow, place: string): Promise<string> {
  const abs = path.resolve(place);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new CodedError('import.notFound', {}, `${abs} was not found`);
  }
  if (!st.isDirectory()) {
    const sha = await hashFile(abs).catch(() => null);
    if (sha !== row.sha256)
      throw new CodedError('photo.wrongFile', { name: path.basename(abs) }, `${abs} is not photo #${row.id}: its contents differ (sha256)`);
    return abs;
  }
  const { files } = collectPhotos([abs]);
  const candidates = files.filter((f) => row.bytes === null || fileSize(f) === row.bytes);
  for (const f of candidates.slice(0, MAX_HASHED)) {
    if ((await hashFile(f).catch(() => null)) === row.sha256) return f;
  }
  throw new CodedError(
    'locate.notInFolder',
    { name: path.basename(row.path), folder: abs },
    `photo #${row.id} (${path.basename(row.path)}) is not in ${abs} or its folders (searched by its contents)`,
  );
}

function fileSize(f: string): number | null {
  try {
    return fs.statSync(f).size;
  } catch {
    return null;
  }
}

export interface RemovedPhoto {
  removed: boolean;
  versionsDeleted: number;
  /** Version files left where they are (outside the library's outputs folder, or not asked to delete). */
  filesKept: string[];
}

/** Takes one photo out of the catalogue (its albums too); see the file's comment for what is deleted. */
export function removePhoto(paths: LibraryPaths, catalogue: Catalogue, photoId: number, deleteVersions: boolean): RemovedPhoto {
  const row = catalogue.getOriginal(photoId);
  if (!row) return { removed: false, versionsDeleted: 0, filesKept: [] };
  const outputs = catalogue.listOutputs(photoId);
  catalogue.deleteOriginal(photoId); // its versions, album places and other paths go with it (foreign keys)
  const filesKept: string[] = [];
  let versionsDeleted = 0;
  for (const o of outputs) {
    fs.rmSync(path.join(paths.thumbs, 'outputs', `${o.id}.jpg`), { force: true });
    fs.rmSync(path.join(paths.thumbs, 'full', `r${o.id}.jpg`), { force: true });
    if (deleteVersions && isInside(path.resolve(o.path), paths.outputs)) {
      fs.rmSync(o.path, { force: true });
      versionsDeleted++;
    } else if (fs.existsSync(o.path)) filesKept.push(o.path);
  }
  // Heirloom's own caches of the original (never the original itself).
  if (row.thumbPath && isInside(path.resolve(row.thumbPath), paths.thumbs)) fs.rmSync(row.thumbPath, { force: true });
  fs.rmSync(path.join(paths.thumbs, 'full', `o${row.id}-${row.sha256.slice(0, 12)}.jpg`), { force: true });
  return { removed: true, versionsDeleted, filesKept };
}
