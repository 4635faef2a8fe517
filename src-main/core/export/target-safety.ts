// Where an export may go, and what it may replace. "Replace" deletes a folder, so the rules are strict and
// live here once, for the CLI, the API and the window alike (issue "A library a family can trust"):
// - only a finished Heirloom export is ever replaced: a folder carrying its manifest (MANIFEST_NAME, kept
//   with `complete: true` when the export finishes) or a .zip whose archive comment carries ZIP_MARK;
//   anything else that already has the name is refused, and nothing is touched;
// - never a drive's top folder, the home folder (or a folder holding it), the library (or a folder holding
//   it, or anything inside it but an export in its exports/ folder), or a folder holding originals the
//   catalogue records — replacing those would delete a family's photos;
// - decided on the real place: `..` and symlinks in the existing part of the path are resolved first;
// - a new export that would land straight in a drive's top folder or the home folder, or in a folder that
//   holds originals (or below one), is made only once the person agreed (placeConfirmed): copies beside the originals
//   are easily mistaken for them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Catalogue } from '../catalogue/catalogue';
import { ExportError, type UnsafeReason } from './errors';
import { MANIFEST_NAME, readFinishedManifest } from './manifest';

/** In the archive comment of every .zip an export writes: the proof that replacing it loses nothing else. */
export const ZIP_MARK = 'heirloom-export/1';

/** `p` with `..` and every symlink in its existing part resolved; the part that does not exist yet is appended. */
export function realTarget(p: string): string {
  let existing = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(existing), ...rest);
    } catch {
      const up = path.dirname(existing);
      if (up === existing) return path.resolve(p);
      rest.unshift(path.basename(existing));
      existing = up;
    }
  }
}

const FOLD = process.platform === 'win32' || process.platform === 'darwin';
const key = (p: string): string => (FOLD ? p.toLowerCase() : p);

/** True when `inner` is `outer` or lies somewhere inside it. */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(key(outer), key(inner));
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

export interface PlaceContext {
  libraryRoot: string;
  /** Paths of the originals the catalogue records. */
  originals: readonly string[];
  /** Default: the current user's home folder. */
  home?: string;
}

export function placeContext(catalogue: Catalogue): PlaceContext {
  return { libraryRoot: catalogue.libraryRoot, originals: catalogue.listOriginals().map((o) => o.path) };
}

/** Throws 'unsafe-target' when an export must never be made at (or replace) `target`, a real path (realTarget). */
export function assertSafePlace(target: string, ctx: PlaceContext): void {
  const refuse = (reason: UnsafeReason, why: string): never => {
    throw new ExportError('unsafe-target', `cannot export to ${target}: ${why}; nothing was changed`, reason, { target });
  };
  if (path.parse(target).root === target || path.dirname(target) === target)
    refuse('root', 'it is the top folder of a drive; choose a new folder inside it');
  const home = realTarget(ctx.home ?? os.homedir());
  if (isWithin(home, target)) refuse('home', 'it is (or holds) the home folder; choose a new folder inside it');
  const library = realTarget(ctx.libraryRoot);
  const exportsDir = path.join(library, 'exports');
  if (isWithin(library, target)) refuse('library', 'it is (or holds) the Heirloom library');
  if (isWithin(target, library) && !(isWithin(target, exportsDir) && target !== exportsDir)) {
    refuse('library', `it is inside the Heirloom library; only its exports folder (${exportsDir}) takes exports`);
  }
  const dirs = new Set<string>();
  for (const file of ctx.originals) {
    if (key(path.resolve(file)) === key(target)) refuse('originals', `it is an original photo in the library (${file})`);
    dirs.add(path.dirname(path.resolve(file)));
  }
  for (const d of dirs) {
    if (isWithin(d, target) || isWithin(realTarget(d), target)) {
      const example = ctx.originals.find((f) => path.dirname(path.resolve(f)) === d);
      refuse('originals', `it holds original photos of the library (e.g. ${example})`);
    }
  }
}

/** Why the person is asked before an export is made at `target` (a real path), or null when it is an ordinary place. */
export function placeWarning(target: string, ctx: PlaceContext): Exclude<UnsafeReason, 'library'> | null {
  const parent = path.dirname(target);
  if (path.dirname(parent) === parent) return 'root';
  if (key(parent) === key(realTarget(ctx.home ?? os.homedir()))) return 'home';
  // Inside a folder that holds originals (the folder itself or one below it): adding that folder again
  // reaches the copies.
  const dirs = new Set(ctx.originals.map((f) => path.dirname(path.resolve(f))));
  for (const dir of dirs) if (isWithin(parent, dir) || isWithin(parent, realTarget(dir))) return 'originals';
  return null;
}

/** True when `target` is a finished Heirloom export: a folder with its manifest, or (zip) an archive with ZIP_MARK. */
export function isHeirloomExport(target: string, zip: boolean): boolean {
  const st = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!st) return false;
  if (!zip) return st.isDirectory() && readFinishedManifest(target) !== null;
  return st.isFile() && (zipComment(target)?.includes(ZIP_MARK) ?? false);
}

/** The archive comment of a .zip (read from its end record), or null when the file is not a ZIP. */
export function zipComment(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 22 + 0xffff);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    // The end record is 22 bytes plus the comment, and it ends the file.
    for (let i = len - 22; i >= 0; i--) {
      if (buf.readUInt32LE(i) === 0x06054b50 && i + 22 + buf.readUInt16LE(i + 20) === len) {
        return buf.toString('latin1', i + 22, len);
      }
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

export interface TargetCheck {
  /** Where the export really goes (realTarget): use it for every file operation. */
  real: string;
  /** An earlier Heirloom export is there and may be replaced (overwrite was asked for). */
  replaces: boolean;
}

/**
 * Every rule at once, before anything is written: a safe place; a new export in a place worth a question
 * only when placeConfirmed ('place-warning' otherwise); an existing target only when it is an earlier
 * export ('not-an-export' otherwise, even without overwrite: agreeing to replace it would not help) and
 * only with overwrite ('target-exists' otherwise: a question for the person).
 */
export function checkExportTarget(
  catalogue: Catalogue,
  target: string,
  o: { zip: boolean; overwrite: boolean; placeConfirmed?: boolean; home?: string },
): TargetCheck {
  const real = realTarget(target);
  const ctx = { ...placeContext(catalogue), home: o.home };
  assertSafePlace(real, ctx);
  if (!fs.lstatSync(real, { throwIfNoEntry: false })) {
    const warning = o.placeConfirmed ? null : placeWarning(real, ctx);
    if (warning) {
      const where = { root: "a drive's top folder", home: 'the home folder', originals: 'a folder that holds original photos of the library' }[
        warning
      ];
      throw new ExportError('place-warning', `${target} would be made in ${where}; confirm to export there`, warning, { target });
    }
    return { real, replaces: false };
  }
  assertReplaceable(real, o.zip, target);
  if (!o.overwrite)
    throw new ExportError('target-exists', `${target} already exists; choose another name or allow replacing it`, undefined, { target });
  return { real, replaces: true };
}

/** Throws 'not-an-export' unless `real` is a finished Heirloom export of the same kind (folder or zip). */
export function assertReplaceable(real: string, zip: boolean, shown = real): void {
  if (isHeirloomExport(real, zip)) return;
  const proof = zip ? 'it is not a .zip that Heirloom exported' : `it is not a folder that Heirloom exported (no ${MANIFEST_NAME} in it)`;
  throw new ExportError(
    'not-an-export',
    `${shown} already exists and ${proof}; nothing was replaced. Choose another name, or move it away yourself`,
    undefined,
    { target: shown },
  );
}
