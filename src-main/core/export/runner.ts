// Runs an album export safely: everything is built in a hidden ".partial" folder next to the target and
// moved into place only when complete, so the target never holds half an album. Re-running the same
// export after a crash or cancel continues where it stopped (see manifest.ts). Where it may go and what
// it may replace is decided by target-safety.ts.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import type { Catalogue } from '../catalogue/catalogue';
import { fsyncDir, renameIntoPlace, writeFileAtomic } from '../fs-atomic';
import { ExportError } from './errors';
import { buildAlbumHtml, type HtmlPhoto } from './html-album';
import { ExportManifest, MANIFEST_NAME, writeFinishedManifest } from './manifest';
import { buildPlan, type ExportOptions, type ExportPlan, type PlannedPhoto } from './plan';
import { renderPhoto, renderWebPair, type Provenance } from './render';
import { safeSegment } from './safe-names';
import { assertNoClash, carryOver, clashes, theirEntries } from './replace';
import { assertReplaceable, checkExportTarget, ZIP_MARK } from './target-safety';
import { writeZip } from './zip';

export interface ExportProgress {
  phase: 'photos' | 'html' | 'zip' | 'done';
  /** Photos finished (rendered now or found finished by an earlier attempt). */
  done: number;
  total: number;
  /** The photo just finished. */
  photo?: { originalId: number; name: string };
}

export interface ExportRunOptions extends ExportOptions {
  /** Shown in EXIF Software and the web album's footer. */
  appVersion: string;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /** Remove the .partial folder when cancelled (the UI's Cancel); default keeps it for a resume (Ctrl-C). */
  discardOnCancel?: boolean;
  /** The person agreed to export into the home folder, a drive's top folder or a folder of originals (target-safety.ts). */
  placeConfirmed?: boolean;
}

export interface ExportResult {
  /** The finished folder, or the .zip file. */
  target: string;
  photos: number;
  /** Files written in this run / found already finished by an interrupted earlier run. */
  written: number;
  reused: number;
  resumed: boolean;
  /** Files in the replaced export that Heirloom did not write (the person's own), kept where they were. */
  kept: number;
  /** The web album's page, when made (inside the folder, or inside the archive). */
  html: string | null;
}

/** Where an export of `albumName` goes inside `parentDir`: the album's name made into a safe folder name. */
export function exportTargetFor(parentDir: string, albumName: string, zip = false): string {
  return path.join(path.resolve(parentDir), safeSegment(albumName, 'album') + (zip ? '.zip' : ''));
}

/**
 * The final path for `to` (a folder, or with zip a .zip file) and the hidden work folder beside it.
 * `to` must name the export itself: never a drive's top folder, never ending in "." or "..". A .zip with
 * no name before ".zip" is named after `albumName` (or refused without one).
 */
export function exportPaths(to: string, zip: boolean, albumName?: string): { target: string; partial: string; rootName: string } {
  let target = path.resolve(to);
  if (path.dirname(target) === target) {
    throw new ExportError(
      'unsafe-target',
      `cannot export to ${to}: it is the top folder of a drive; choose a new folder inside it; nothing was changed`,
      'root',
    );
  }
  const last = to
    .split(/[\\/]+/)
    .filter(Boolean)
    .at(-1);
  if (last === '.' || last === '..') {
    throw new ExportError('bad-target', `cannot export to ${to}: name the export's own new folder (not "${last}")`);
  }
  if (zip) {
    const stem = path.basename(target).replace(/\.zip$/i, '');
    if (/^\.*$/.test(stem)) {
      // ".zip" alone names no file (it would be a hidden one): the archive is named after the album instead.
      if (albumName === undefined) throw new ExportError('bad-target', `cannot export to ${to}: a .zip needs a name before ".zip"`);
      target = path.join(path.dirname(target), safeSegment(albumName, 'album') + '.zip');
    } else if (!/\.zip$/i.test(target)) {
      target += '.zip';
    }
  }
  const base = path.basename(target);
  if (!base || base === '.' || base === '..') {
    throw new ExportError('bad-target', `cannot export to ${to}: choose a new folder's name`);
  }
  const rootName = zip ? base.replace(/\.zip$/i, '') || 'album' : base;
  return { target, partial: path.join(path.dirname(target), `.heirloom-export-${base}.partial`), rootName };
}

export async function runExport(catalogue: Catalogue, albumId: number, to: string, o: ExportRunOptions): Promise<ExportResult> {
  const plan = buildPlan(catalogue, albumId, o);
  const opts = plan.options;
  const { target, rootName } = exportPaths(to, opts.zip, plan.albumName);
  if (!opts.zip) restoreMovedAside(target);
  // Refuses unsafe places and anything there but an earlier export; `real` has `..` and symlinks resolved.
  const { real, replaces } = checkExportTarget(catalogue, target, {
    zip: opts.zip,
    overwrite: opts.overwrite,
    placeConfirmed: o.placeConfirmed,
  });
  // What the person added to the earlier export stays; one of their files where this export writes is refused now, before any work.
  if (replaces && !opts.zip) assertNoClash(theirEntries(real), [...expectedFiles(plan)], target);
  const parent = path.dirname(real);
  const partial = path.join(parent, `.heirloom-export-${path.basename(real)}.partial`);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new ExportError('bad-target', `cannot create ${parent}: ${(e as Error).message}`);
  }

  const { manifest, resumed } = openPartial(partial, plan.fingerprint);
  const checkpoints = new Map<string, string>();
  const provenance = (p: PlannedPhoto): Provenance => {
    if (p.checkpointId === null)
      return {
        software: `Heirloom ${o.appVersion} (original, not colorized)`,
        note: `Exported by Heirloom ${o.appVersion} as the original: this photo was not colorized.`,
      };
    if (!p.colorized)
      return { software: `Heirloom ${o.appVersion} (restored)`, note: `Restored by Heirloom ${o.appVersion}; its colours are the photo's own.` };
    if (!checkpoints.has(p.checkpointId)) checkpoints.set(p.checkpointId, catalogue.getCheckpoint(p.checkpointId)?.name ?? p.checkpointId);
    return {
      software: `Heirloom ${o.appVersion} (colorized with ${p.checkpointId})`,
      note: `Colorized by Heirloom ${o.appVersion} with model ${checkpoints.get(p.checkpointId)} (${p.checkpointId}); the colours are an estimate.`,
    };
  };
  const total = plan.photos.length;
  const progress = (p: ExportProgress): void => o.onProgress?.(p);
  const stats = { written: 0, reused: 0, kept: 0 };
  const cancelled = (): void => {
    if (!o.signal?.aborted) return;
    if (o.discardOnCancel) fs.rmSync(partial, { recursive: true, force: true });
    throw new ExportError('cancelled', o.discardOnCancel ? 'export cancelled' : 'export cancelled; run it again to continue where it stopped');
  };

  // One file: skipped if an earlier attempt finished it, else made, written atomically, then recorded.
  const produce = async (rel: string, make: () => Promise<Buffer> | Buffer | { copyFrom: string }): Promise<void> => {
    cancelled();
    if (manifest.isDone(partial, rel)) {
      stats.reused++;
      return;
    }
    const dest = path.join(partial, ...rel.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const made = await make();
    if (Buffer.isBuffer(made)) writeFileAtomic(dest, made);
    else copyAtomic(made.copyFrom, dest);
    manifest.markDone(rel, fs.statSync(dest).size);
    stats.written++;
  };

  const htmlPhotos: HtmlPhoto[] = [];
  for (const p of plan.photos) {
    await produce(p.files.photo, () => renderPhoto(p, opts, provenance(p)));
    if (p.files.original) {
      const orig = p.originalPath;
      await produce(p.files.original, () => {
        if (!fs.existsSync(orig)) throw new ExportError('file-missing', `the original of photo #${p.originalId} is missing: ${orig}`);
        return { copyFrom: orig };
      });
    }
    if (p.files.webAfter && p.files.webBefore) {
      htmlPhotos.push(await webPair(p, partial, produce));
    }
    progress({ phase: 'photos', done: p.n, total, photo: { originalId: p.originalId, name: p.caption } });
  }

  if (opts.html) {
    cancelled();
    progress({ phase: 'html', done: total, total });
    const html = buildAlbumHtml({
      title: plan.albumName,
      photos: htmlPhotos,
      generator: `Heirloom ${o.appVersion}`,
      models: [...new Set(plan.photos.flatMap((p) => (p.colorized && p.checkpointId ? [p.checkpointId] : [])))],
      locale: opts.locale,
    });
    writeFileAtomic(path.join(partial, 'index.html'), html);
  }
  cancelled();
  manifest.remove();
  removeStrays(partial, expectedFiles(plan));

  if (opts.zip) {
    progress({ phase: 'zip', done: total, total });
    const tmp = path.join(parent, `.heirloom-export-${path.basename(real)}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    try {
      const entries = listFiles(partial).map((rel) => ({ name: `${rootName}/${rel}`, file: path.join(partial, ...rel.split('/')) }));
      await writeZip(tmp, entries, `Heirloom ${o.appVersion} album export (${ZIP_MARK})`);
      checkStillReplaceable(real, target, true, opts.overwrite);
      renameIntoPlace(tmp, real);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    fs.rmSync(partial, { recursive: true, force: true });
  } else {
    const files = listFiles(partial);
    writeFinishedManifest(partial, {
      generator: `Heirloom ${o.appVersion}`,
      album: plan.albumName,
      albumId: plan.albumId,
      fingerprint: plan.fingerprint,
      madeAt: new Date().toISOString(),
      files,
      sizes: Object.fromEntries(files.map((f) => [f, fs.statSync(path.join(partial, ...f.split('/'))).size])),
    });
    stats.kept = moveFolderIntoPlace(partial, real, target, opts.overwrite);
  }
  progress({ phase: 'done', done: total, total });
  return {
    target,
    photos: total,
    written: stats.written,
    reused: stats.reused,
    resumed,
    kept: stats.kept,
    html: opts.html ? path.join(target, opts.zip ? `${rootName}/index.html` : 'index.html') : null,
  };
}

/** The person's own files in the earlier export folder `real` that this plan would write over (none: it may be replaced). */
export function replaceClashes(real: string, plan: ExportPlan): string[] {
  return clashes(theirEntries(real), expectedFiles(plan));
}

/** The plan as it would run (names, chosen outputs), for a dry run or a UI preview. */
export function previewExport(catalogue: Catalogue, albumId: number, opts: ExportOptions): ExportPlan {
  return buildPlan(catalogue, albumId, opts);
}

async function webPair(p: PlannedPhoto, dir: string, produce: (rel: string, make: () => Promise<Buffer>) => Promise<void>): Promise<HtmlPhoto> {
  const after = p.files.webAfter!;
  const before = p.files.webBefore!;
  // Both images come from one resize (they must match pixel for pixel); made only if one is not finished.
  let pair: ReturnType<typeof renderWebPair> | undefined;
  const get = (): ReturnType<typeof renderWebPair> => (pair ??= renderWebPair(p));
  await produce(after, async () => (await get()).after);
  await produce(before, async () => (await get()).before);
  const m = await sharp(path.join(dir, ...after.split('/'))).metadata();
  return { after, before, width: m.width ?? 0, height: m.height ?? 0, caption: p.caption, takenAt: p.takenAt };
}

function openPartial(partial: string, fingerprint: string): { manifest: ExportManifest; resumed: boolean } {
  const st = fs.lstatSync(partial, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) fs.rmSync(partial, { force: true });
  const opened = st?.isDirectory() ? ExportManifest.open(partial, fingerprint) : undefined;
  // A leftover from a different export (other options, or changed photos) cannot be reused.
  if (st?.isDirectory() && !opened!.resumed) fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  return opened?.resumed ? opened : ExportManifest.open(partial, fingerprint);
}

function copyAtomic(from: string, dest: string): void {
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.copyFileSync(from, tmp, fs.constants.COPYFILE_EXCL);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  renameIntoPlace(tmp, dest);
}

/** Just before replacing: whatever is at the target now must still be an earlier export, and replacing allowed. */
function checkStillReplaceable(real: string, shown: string, zip: boolean, overwrite: boolean): boolean {
  if (!fs.lstatSync(real, { throwIfNoEntry: false })) return false;
  if (!overwrite) throw new ExportError('target-exists', `${shown} appeared while exporting; nothing was replaced`);
  assertReplaceable(real, zip, shown);
  return true;
}

/**
 * A kill between the two renames of moveFolderIntoPlace left the earlier export hidden beside its place
 * (".heirloom-export-<name>.old-<hex>") and nothing at the target; the re-run then rebuilt the export and
 * the hidden copy stayed for good (found listing temp names for scripts/soak.ts). The earlier export is put back (the state
 * before that replace), or, when the target is there, what the person had added to it is carried into the
 * target and the hidden copy dropped, before anything else looks at the target.
 */
function restoreMovedAside(target: string): void {
  let parent: string;
  try {
    parent = fs.realpathSync(path.dirname(target));
  } catch {
    return; // no parent folder yet: nothing was ever moved aside there
  }
  const real = path.join(parent, path.basename(target));
  const prefix = `.heirloom-export-${path.basename(real)}.old-`; // as moveFolderIntoPlace names it
  const dropping = `.heirloom-export-${path.basename(real)}.drop-`; // dropAside's: Heirloom's files only
  for (const name of fs.readdirSync(parent)) {
    if (name.startsWith(dropping) && /^[0-9a-f]{8}$/.test(name.slice(dropping.length))) {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
      continue;
    }
    if (!name.startsWith(prefix) || !/^[0-9a-f]{8}$/.test(name.slice(prefix.length))) continue;
    const aside = path.join(parent, name);
    if (fs.lstatSync(real, { throwIfNoEntry: false })) dropAside(aside, real);
    else fs.renameSync(aside, real);
  }
}

/**
 * Renames the finished folder into place. An old export being replaced is moved aside first; what the
 * person added to it is moved into the new one, and the rest (Heirloom's own files) removed last.
 * Returns how many of the person's files were kept.
 */
function moveFolderIntoPlace(partial: string, target: string, shown: string, overwrite: boolean): number {
  const existing = checkStillReplaceable(target, shown, false, overwrite);
  let aside: string | undefined;
  let kept = 0;
  if (existing) {
    const theirs = theirEntries(target);
    assertNoClash(theirs, listFiles(partial, true), shown); // added while this export ran
    kept = theirs.files;
    aside = path.join(path.dirname(target), `.heirloom-export-${path.basename(target)}.old-${crypto.randomBytes(4).toString('hex')}`);
    fs.renameSync(target, aside);
  }
  try {
    fs.renameSync(partial, target);
  } catch (e) {
    if (aside) fs.renameSync(aside, target);
    throw e;
  }
  fsyncDir(path.dirname(target));
  if (aside) dropAside(aside, target);
  return kept;
}

/** Carries the person's files from an earlier export moved aside into the export at `target`, then removes the rest of it. */
function dropAside(aside: string, target: string): void {
  carryOver(aside, target, theirEntries(aside).entries);
  fsyncDir(target);
  // Only Heirloom's own files are left in it now; if anything of the person's is still there, it stays for the next run.
  if (theirEntries(aside).entries.length > 0) return;
  // Renamed first, then deleted: a kill mid-delete (its manifest perhaps gone already) leaves a folder whose
  // name says all in it is Heirloom's, so the next run never takes its photos for the person's.
  const doomed = aside.replace(/\.old-([0-9a-f]{8})$/, '.drop-$1');
  fs.renameSync(aside, doomed);
  fs.rmSync(doomed, { recursive: true, force: true });
}

function expectedFiles(plan: ExportPlan): Set<string> {
  const out = new Set<string>(plan.options.html ? ['index.html'] : []);
  for (const p of plan.photos) for (const f of Object.values(p.files)) if (f) out.add(f);
  return out;
}

/** Drops what the plan does not name (e.g. a temp file torn by a crash), so only finished files ship. */
function removeStrays(dir: string, keep: Set<string>): void {
  for (const rel of listFiles(dir, true)) if (!keep.has(rel)) fs.rmSync(path.join(dir, ...rel.split('/')), { force: true });
}

/** Files under `dir`, relative with forward slashes, sorted (index.html first: the archive's front door). */
function listFiles(dir: string, all = false): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else if (all || (e.isFile() && r !== MANIFEST_NAME && !e.name.endsWith('.tmp'))) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a === 'index.html' ? -1 : b === 'index.html' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}
