// Output file names for a batch: <stem>.<ext> in the output folder, never the original's own path,
// never a file that already exists there (another original, the user's own file, an earlier result),
// and never two inputs on one name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OutputFormat } from '../imaging/encode';

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
