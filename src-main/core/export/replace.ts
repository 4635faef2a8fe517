// Replacing an earlier export folder without losing what the person put in it. The folder's finished
// manifest lists the files Heirloom wrote there and their sizes; everything else in it (a letter, a
// folder of scans, a listed photo they edited) is theirs. Theirs is carried into the new export as it
// is (renamed across, never copied or rewritten), and a new export that would write at one of their
// names is refused before anything is written. Nothing here deletes a file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExportError } from './errors';
import { MANIFEST_NAME, readFinishedManifest } from './manifest';

export interface TheirEntries {
  /** Relative paths (forward slashes): a file, or a folder the export never had (with all that is in it). */
  readonly entries: string[];
  /** How many files these hold. */
  readonly files: number;
}

/** What in the export folder `dir` Heirloom did not write there, by its finished manifest (none: all of it). */
export function theirEntries(dir: string): TheirEntries {
  const manifest = readFinishedManifest(dir);
  const listed = new Map<string, number | null>((manifest?.files ?? []).map((f) => [f, manifest?.sizes?.[f] ?? null]));
  const exportDirs = new Set<string>();
  for (const f of listed.keys()) {
    const parts = f.split('/');
    for (let k = 1; k < parts.length; k++) exportDirs.add(parts.slice(0, k).join('/'));
  }
  const entries: string[] = [];
  let files = 0;
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, ...rel.split('/').filter(Boolean)), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === MANIFEST_NAME && manifest) continue;
      if (e.isDirectory()) {
        if (exportDirs.has(r)) walk(r);
        else {
          entries.push(r);
          files += countFiles(path.join(dir, ...r.split('/')));
        }
        continue;
      }
      const size = listed.get(r);
      const ours = size !== undefined && e.isFile() && (size === null || fs.statSync(path.join(dir, ...r.split('/'))).size === size);
      if (!ours) {
        entries.push(r);
        files++;
      }
    }
  };
  walk('');
  return { entries: entries.sort(), files };
}

/** Their entries that the new export's files (relative paths) would land on, or inside, or above. */
export function clashes(theirs: TheirEntries, newFiles: Iterable<string>): string[] {
  const all = [...newFiles];
  return theirs.entries.filter((e) => all.some((f) => f === e || f.startsWith(`${e}/`) || e.startsWith(`${f}/`)));
}

/** Throws 'user-files-in-the-way' when the new export would write where the person's own files are. */
export function assertNoClash(theirs: TheirEntries, newFiles: Iterable<string>, shown: string): void {
  const hit = clashes(theirs, newFiles);
  if (hit.length === 0) return;
  const names = hit.slice(0, 5).join(', ') + (hit.length > 5 ? ` and ${hit.length - 5} more` : '');
  throw new ExportError(
    'user-files-in-the-way',
    `cannot replace ${shown}: ${names} ${hit.length === 1 ? 'is' : 'are'} not what Heirloom wrote there (added or changed since) ` +
      'and the new export would write the same name; nothing was changed. Move it out of the folder, or export to another folder',
    undefined,
    { target: shown, files: names },
  );
}

/**
 * Moves each entry from `from` into `to` at the same relative path (an entry already moved is passed
 * over, so a run cut short can be finished). A name taken in `to` gets the next free one ("letter (2).txt"):
 * nothing is ever replaced.
 */
export function carryOver(from: string, to: string, entries: readonly string[]): void {
  for (const e of entries) {
    const src = path.join(from, ...e.split('/'));
    if (!fs.lstatSync(src, { throwIfNoEntry: false })) continue;
    let dest = path.join(to, ...e.split('/'));
    try {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
    } catch {
      dest = path.join(to, path.basename(dest)); // a file of the new export where its folder was: beside the rest
    }
    fs.renameSync(src, freeName(dest));
  }
}

function freeName(p: string): string {
  if (!fs.lstatSync(p, { throwIfNoEntry: false })) return p;
  const { dir, name, ext } = path.parse(p);
  for (let n = 2; ; n++) {
    const candidate = path.join(dir, `${name} (${n})${ext}`);
    if (!fs.lstatSync(candidate, { throwIfNoEntry: false })) return candidate;
  }
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}
