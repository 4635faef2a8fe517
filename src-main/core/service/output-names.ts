// Output file names for a batch: <stem>.<ext> in the output folder, never the original's own path,
// never a file that already exists there (another original, the user's own file, an earlier result),
// and never two inputs on one name. A name a job planned before a crash is written again only while it
// is free or holds exactly the bytes that item recorded it was writing (ownPlannedResult).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputFormat } from '../imaging/encode';
import { hashFile } from './file-hash';

/**
 * What is at a job item's planned output name now: 'free' (nothing), 'own' (a file with exactly the
 * sha256 the item recorded before writing: its own result, renamed into place before a kill), or
 * 'other' (anything else: the user's file, a new scan, another job's result, a folder; or a file the
 * item cannot vouch for because it recorded no sha256). Only 'free' and 'own' may be written.
 */
export async function plannedNameState(file: string, recordedSha: string | null): Promise<'free' | 'own' | 'other'> {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st) return 'free';
  if (!st.isFile() || recordedSha === null) return 'other';
  try {
    return (await hashFile(file)) === recordedSha ? 'own' : 'other';
  } catch {
    return 'other'; // unreadable: not provably ours
  }
}

export class OutputNamer {
  private readonly taken = new Set<string>();

  constructor(
    private readonly outDir: string,
    private readonly format: OutputFormat,
  ) {}

  /** Keeps a name for the item that planned it (a resumed job's own, maybe already written, result). */
  reserve(file: string): void {
    this.taken.add(this.key(path.resolve(file)));
  }

  private key(p: string): string {
    return process.platform === 'linux' ? p : p.toLowerCase();
  }

  nameFor(input: string): string {
    const stem = path.parse(input).name;
    const key = (p: string): string => this.key(p);
    const inputKey = key(path.resolve(input));
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`;
      let candidate = path.join(this.outDir, `${stem}${suffix}.${this.format}`);
      // The output folder may be the photo's own folder: an original is never replaced.
      if (key(candidate) === inputKey) candidate = path.join(this.outDir, `${stem}-colorized${suffix}.${this.format}`);
      // The final rename replaces whatever has this name, so an existing file is never a candidate.
      if (!this.taken.has(key(candidate)) && !fs.lstatSync(candidate, { throwIfNoEntry: false })) {
        this.taken.add(key(candidate));
        return candidate;
      }
    }
  }
}
