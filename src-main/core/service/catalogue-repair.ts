// `heirloom doctor --repair`: a catalogue that fails SQLite's integrity check is moved aside (kept,
// never deleted) and replaced by the candidate that keeps the most (repair-candidates.ts): a fresh
// catalogue holding every row the damaged one still yields and what the library folder itself tells
// (its fine-tuned models), or one of the automatic backups that passes its own check. The report says
// what each candidate keeps and what it would have lost.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Catalogue } from '../catalogue/catalogue';
import { checkCatalogueFile, listBackups } from '../catalogue/health';
import { SalvagedTable, salvageRows } from '../catalogue/salvage';
import { MANIFEST_FILE } from '../engine/manifest';
import { findModelDir } from '../engine/model-registry';
import { renameIntoPlace, tempPathFor } from '../fs-atomic';
import type { LibraryPaths } from '../library';
import { acquireLibraryLock } from '../library-lock';
import { bestCandidate, CatalogueCounts, countKept, lossesOf } from './repair-candidates';

export interface RepairCandidate {
  /** 'salvage': what the damaged catalogue still yields; 'backup': an automatic backup that passes its check. */
  readonly source: 'salvage' | 'backup';
  /** Backups: the file, when it was taken (by its name) and its sequence number. */
  readonly file?: string;
  readonly takenAt?: string;
  readonly seq?: number;
  readonly keeps: CatalogueCounts;
  /** Against the most any candidate keeps, count by count. */
  readonly loses: CatalogueCounts;
  readonly chosen: boolean;
}

export interface RepairReport {
  /** 'none': the catalogue passed its check and was not touched; 'restored': a backup was taken; 'rebuilt': salvage was. */
  readonly action: 'none' | 'restored' | 'rebuilt';
  /** Per table, the rows read back from the damaged catalogue and those lost. */
  readonly salvaged: SalvagedTable[];
  /** What the full integrity check said before repairing. */
  readonly problems: string;
  /** Where the damaged catalogue (and its -wal/-shm files) were moved. */
  readonly movedAside: string[];
  readonly restoredFrom?: { file: string; takenAt: string };
  /** Every candidate compared, salvage first, then the usable backups newest first. */
  readonly candidates: RepairCandidate[];
  /** Backups that failed their own check and were left as they are. */
  readonly badBackups: { file: string; problems: string }[];
  /** Model checkpoints found in the library's models/ folder and registered again (rebuild only). */
  readonly registeredModels: string[];
  /** Plain sentences: what the repaired catalogue does not hold. */
  readonly notRecovered: string[];
}

interface ManifestLite {
  id: string;
  name?: string;
  parentId?: string | null;
  metrics?: Record<string, unknown>;
}

interface Prepared {
  source: 'salvage' | 'backup';
  tmp: string;
  keeps: CatalogueCounts;
  backup?: { file: string; takenAt: string; seq: number };
}

export function repairCatalogue(paths: LibraryPaths, now: Date = new Date()): RepairReport {
  const health = checkCatalogueFile(paths.catalogue, 'full');
  if (health.ok)
    return {
      action: 'none',
      problems: health.problems,
      movedAside: [],
      candidates: [],
      badBackups: [],
      salvaged: [],
      registeredModels: [],
      notRecovered: [],
    };
  // No other Heirloom process may be using the library while its catalogue is swapped.
  const lock = acquireLibraryLock(paths.root, '`heirloom doctor --repair`');
  const prepared: Prepared[] = [];
  const movedAside = moveAside(paths.catalogue, now);
  try {
    // Candidate 1: a fresh catalogue at the current schema, filled with every row the damaged one still yields.
    const registeredModels: string[] = [];
    const salvageNotes: string[] = [];
    const salvageTmp = tempPathFor(paths.catalogue);
    prepared.push({ source: 'salvage', tmp: salvageTmp, keeps: { photos: 0, versions: 0, albums: 0 } });
    Catalogue.open(salvageTmp).close();
    const salvaged = salvageRows(movedAside[0]!, salvageTmp);
    const cat = Catalogue.open(salvageTmp);
    let activeKnown: boolean;
    try {
      registerLibraryModels(cat, paths.models, registeredModels, salvageNotes);
      activeKnown = cat.getActiveCheckpoint() !== undefined;
    } finally {
      cat.close();
    }
    prepared[0]!.keeps = countKept(salvageTmp);

    // Then every backup that passes its own check, each as a copy beside the catalogue (the backup itself is never changed).
    const badBackups: { file: string; problems: string }[] = [];
    for (const b of listBackups(paths.backups)) {
      const tmp = tempPathFor(paths.catalogue);
      try {
        fs.copyFileSync(b.file, tmp);
        const h = fs.statSync(tmp).size > 0 ? checkCatalogueFile(tmp, 'full') : { ok: false, problems: 'empty file' };
        if (h.ok) {
          prepared.push({ source: 'backup', tmp, keeps: countKept(tmp), backup: { file: b.file, takenAt: b.takenAt, seq: b.seq } });
          continue;
        }
        badBackups.push({ file: b.file, problems: h.problems });
      } catch (e) {
        badBackups.push({ file: b.file, problems: (e as Error).message });
      }
      removeSqlite(tmp);
    }

    const best = bestCandidate(prepared.map((p) => p.keeps));
    const losses = lossesOf(prepared.map((p) => p.keeps));
    const candidates: RepairCandidate[] = prepared.map((p, i) => ({
      source: p.source,
      ...(p.backup ? { file: p.backup.file, takenAt: p.backup.takenAt, seq: p.backup.seq } : {}),
      keeps: p.keeps,
      loses: losses[i]!,
      chosen: i === best,
    }));
    const chosen = prepared[best]!;
    renameIntoPlace(chosen.tmp, paths.catalogue);
    for (const p of prepared) if (p !== chosen) removeSqlite(p.tmp);

    if (chosen.backup) {
      return {
        action: 'restored',
        problems: health.problems,
        movedAside,
        restoredFrom: { file: chosen.backup.file, takenAt: chosen.backup.takenAt },
        candidates,
        badBackups,
        salvaged,
        registeredModels: [],
        notRecovered: [
          `Changes made after the backup was taken (${chosen.backup.takenAt.replace('T', ' ').slice(0, 19)} UTC) are not in it: ` +
            'colorize those photos again to record them (files already written are not touched).',
        ],
      };
    }
    const notRecovered = [...salvageNotes];
    const photos = salvaged.find((t) => t.table === 'originals');
    const lost = salvaged.reduce((n, t) => n + t.lost, 0);
    if (!photos) {
      notRecovered.unshift(
        'No backup could be used and the damaged catalogue could not be read at all, so the list of photos, their colorized versions, albums and captions, and the job history are not in the new catalogue. ' +
          `The photos themselves and the files in ${paths.outputs} are untouched; colorizing the photos again records them anew.`,
      );
    } else if (lost > 0) {
      notRecovered.unshift(
        `${lost} record(s) in the damaged catalogue could not be read (${salvaged
          .filter((t) => t.lost > 0)
          .map((t) => `${t.table}: ${t.lost}`)
          .join(', ')}). ` +
          `The photos themselves and the files in ${paths.outputs} are untouched; add or colorize a missing photo again to record it anew.`,
      );
    }
    if (!activeKnown) notRecovered.push('Which model was active: the shipped model is used until you choose again (heirloom models activate <id>).');
    return { action: 'rebuilt', problems: health.problems, movedAside, candidates, badBackups, salvaged, registeredModels, notRecovered };
  } catch (e) {
    // Nothing was put in its place: the damaged catalogue goes back where it was, as it was.
    for (const p of prepared) removeSqlite(p.tmp);
    if (!fs.existsSync(paths.catalogue)) for (const f of movedAside) fs.renameSync(f, paths.catalogue + f.slice(movedAside[0]!.length));
    throw e;
  } finally {
    lock.release();
  }
}

/** A candidate's temp catalogue and what SQLite may have left beside it. */
function removeSqlite(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

/** catalogue.sqlite (and -wal, -shm) → catalogue.damaged-<time>.sqlite…, beside it. */
function moveAside(file: string, now: Date): string[] {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const base = path.join(path.dirname(file), `catalogue.damaged-${stamp}.sqlite`);
  const moved: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    if (!fs.existsSync(file + suffix)) continue;
    if (fs.existsSync(base + suffix)) throw new Error(`${base + suffix} already exists; nothing was moved.`);
    fs.renameSync(file + suffix, base + suffix);
    moved.push(base + suffix);
  }
  return moved;
}

/** Registers every model folder in models/ again, parents first (a shipped parent is registered as shipped). */
function registerLibraryModels(cat: Catalogue, modelsDir: string, registered: string[], notes: string[]): void {
  const found = new Map<string, { dir: string; m: ManifestLite }>();
  for (const name of fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir) : []) {
    if (name.startsWith('.')) continue; // half-written saves
    const dir = path.join(modelsDir, name);
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as ManifestLite;
      if (typeof m.id === 'string' && m.id !== '') found.set(m.id, { dir, m });
    } catch {
      if (fs.statSync(dir).isDirectory()) notes.push(`${dir} has no readable ${MANIFEST_FILE}; it was not registered.`);
    }
  }
  const done = new Set<string>();
  const register = (id: string, trail: Set<string>): boolean => {
    if (done.has(id)) return true;
    const own = found.get(id);
    if (!own) {
      // A parent outside the library: the shipped model it was fine-tuned from.
      try {
        const dir = findModelDir(id);
        const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as ManifestLite;
        cat.registerCheckpoint({ id, name: m.name ?? id, path: dir, kind: 'shipped', metrics: m.metrics ?? null });
        done.add(id);
        return true;
      } catch {
        return false;
      }
    }
    let parentId = own.m.parentId ?? null;
    if (parentId !== null && (trail.has(parentId) || !register(parentId, new Set([...trail, id])))) {
      notes.push(`The model ${id} was fine-tuned from ${parentId}, which was not found; it was registered without its parent.`);
      parentId = null;
    }
    cat.registerCheckpoint({ id, name: own.m.name ?? id, parentId, path: own.dir, kind: 'finetuned', metrics: own.m.metrics ?? null });
    done.add(id);
    registered.push(id);
    return true;
  };
  for (const id of [...found.keys()].sort()) register(id, new Set());
}
