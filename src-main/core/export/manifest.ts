// What an interrupted export already finished, kept inside its .partial folder. Rewritten atomically
// after every file, so after a crash it lists only files that are complete on disk. A finished export
// folder keeps a final manifest (`complete: true`): the proof that a later "replace" deletes only an export.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../fs-atomic';

export const MANIFEST_NAME = '.heirloom-export.json';

interface ManifestData {
  fingerprint: string;
  /** Relative path → byte size when it was finished. */
  done: Record<string, number>;
}

export class ExportManifest {
  private constructor(
    private readonly file: string,
    private readonly data: ManifestData,
  ) {}

  /** Loads the manifest of a previous attempt, or starts an empty one when there is none or it was for a different plan. */
  static open(dir: string, fingerprint: string): { manifest: ExportManifest; resumed: boolean } {
    const file = path.join(dir, MANIFEST_NAME);
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as ManifestData;
      if (data.fingerprint === fingerprint && data.done && typeof data.done === 'object') {
        return { manifest: new ExportManifest(file, data), resumed: true };
      }
    } catch {
      // No manifest, or unreadable: nothing can be trusted, start over.
    }
    return { manifest: new ExportManifest(file, { fingerprint, done: {} }), resumed: false };
  }

  /** True when `rel` was finished before and is still there, unchanged in size. */
  isDone(dir: string, rel: string): boolean {
    const size = this.data.done[rel];
    if (size === undefined) return false;
    return fs.statSync(path.join(dir, rel), { throwIfNoEntry: false })?.size === size;
  }

  markDone(rel: string, size: number): void {
    this.data.done[rel] = size;
    writeFileAtomic(this.file, JSON.stringify(this.data));
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}

export interface FinishedManifest {
  complete: true;
  /** "Heirloom <version>". */
  generator: string;
  album: string;
  albumId: number;
  fingerprint: string;
  madeAt: string;
  /** The export's files, relative with forward slashes: what a later replace may replace. */
  files: string[];
  /** Their sizes in bytes when written (absent in exports from before 0.1): a listed file of another size was changed since, and is kept. */
  sizes?: Record<string, number>;
}

/** Written into the finished folder last, just before it is moved into place. */
export function writeFinishedManifest(dir: string, m: Omit<FinishedManifest, 'complete'>): void {
  writeFileAtomic(path.join(dir, MANIFEST_NAME), JSON.stringify({ complete: true, ...m }, null, 1));
}

/** The finished manifest of an export folder, or null when there is none (or only an unfinished one). */
export function readFinishedManifest(dir: string): FinishedManifest | null {
  const file = path.join(dir, MANIFEST_NAME);
  try {
    if (!fs.lstatSync(file).isFile()) return null;
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<FinishedManifest> | null;
    return data && data.complete === true && Array.isArray(data.files) ? (data as FinishedManifest) : null;
  } catch {
    return null;
  }
}
