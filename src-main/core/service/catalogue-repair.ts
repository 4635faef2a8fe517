// `heirloom doctor --repair`: a catalogue that fails SQLite's integrity check is moved aside (kept,
// never deleted) and replaced by the newest automatic backup that passes the check, or, with no such
// backup, by a fresh catalogue holding every row the damaged one still yields and what the library
// folder itself tells (its fine-tuned models).
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

export interface RepairReport {
  /** 'none': the catalogue passed its check and was not touched. */
  readonly action: 'none' | 'restored' | 'rebuilt';
  /** Rebuild only: per table, the rows read back from the damaged catalogue and those lost. */
  readonly salvaged: SalvagedTable[];
  /** What the full integrity check said before repairing. */
  readonly problems: string;
  /** Where the damaged catalogue (and its -wal/-shm files) were moved. */
  readonly movedAside: string[];
  readonly restoredFrom?: { file: string; takenAt: string };
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

export function repairCatalogue(paths: LibraryPaths, now: Date = new Date()): RepairReport {
  const health = checkCatalogueFile(paths.catalogue, 'full');
  if (health.ok)
    return { action: 'none', problems: health.problems, movedAside: [], badBackups: [], salvaged: [], registeredModels: [], notRecovered: [] };
  // No other Heirloom process may be using the library while its catalogue is swapped.
  const lock = acquireLibraryLock(paths.root, '`heirloom doctor --repair`');
  try {
    const badBackups: { file: string; problems: string }[] = [];
    let restored: { file: string; takenAt: string; tmp: string } | undefined;
    for (const b of listBackups(paths.backups)) {
      // Checked as a copy beside the catalogue, so the backup itself is never changed and the swap is one rename.
      const tmp = tempPathFor(paths.catalogue);
      try {
        fs.copyFileSync(b.file, tmp);
        const h = fs.statSync(tmp).size > 0 ? checkCatalogueFile(tmp, 'full') : { ok: false, problems: 'empty file' };
        if (h.ok) {
          restored = { file: b.file, takenAt: b.takenAt, tmp };
          break;
        }
        badBackups.push({ file: b.file, problems: h.problems });
      } catch (e) {
        badBackups.push({ file: b.file, problems: (e as Error).message });
      }
      fs.rmSync(tmp, { force: true });
    }

    const movedAside = moveAside(paths.catalogue, now);
    if (restored) {
      renameIntoPlace(restored.tmp, paths.catalogue);
      return {
        action: 'restored',
        problems: health.problems,
        movedAside,
        restoredFrom: { file: restored.file, takenAt: restored.takenAt },
        badBackups,
        salvaged: [],
        registeredModels: [],
        notRecovered: [
          `Changes made after the backup was taken (${restored.takenAt.replace('T', ' ').slice(0, 19)} UTC) are not in it: ` +
            'colorize those photos again to record them (files already written are not touched).',
        ],
      };
    }

    const registeredModels: string[] = [];
    const notRecovered: string[] = [];
    Catalogue.open(paths.catalogue).close(); // a fresh, empty catalogue at the current schema
    const salvaged = salvageRows(movedAside[0]!, paths.catalogue);
    const cat = Catalogue.open(paths.catalogue);
    let activeKnown: boolean;
    try {
      registerLibraryModels(cat, paths.models, registeredModels, notRecovered);
      activeKnown = cat.getActiveCheckpoint() !== undefined;
    } finally {
      cat.close();
    }
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
    return { action: 'rebuilt', problems: health.problems, movedAside, badBackups, salvaged, registeredModels, notRecovered };
  } finally {
    lock.release();
  }
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
