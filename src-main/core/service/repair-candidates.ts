// Which catalogue a repair should keep: each candidate (what salvage read back from the damaged file,
// and every backup that passes its own check) is counted for what a family would miss (photos, their
// colorized versions, albums), the one that keeps the most is taken, and each is told what it would
// lose against the best of each count. Ties go to the earlier candidate (salvage first: it is the
// newest state; then backups newest first).
import { openSqlite } from '../catalogue/health';

export interface CatalogueCounts {
  readonly photos: number;
  readonly versions: number;
  readonly albums: number;
}

export const COUNTED: ReadonlyArray<[keyof CatalogueCounts, string]> = [
  ['photos', 'originals'],
  ['versions', 'outputs'],
  ['albums', 'albums'],
];

/** What a catalogue file holds (a table that cannot be read counts 0). */
export function countKept(file: string): CatalogueCounts {
  const db = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    const n = (table: string): number => {
      try {
        return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
      } catch {
        return 0;
      }
    };
    return { photos: n('originals'), versions: n('outputs'), albums: n('albums') };
  } finally {
    db.close();
  }
}

/** The index of the candidate that keeps the most: photos first, then versions, then albums. */
export function bestCandidate(all: readonly CatalogueCounts[]): number {
  let best = 0;
  for (let i = 1; i < all.length; i++) {
    const a = all[i]!;
    const b = all[best]!;
    const cmp = a.photos - b.photos || a.versions - b.versions || a.albums - b.albums;
    if (cmp > 0) best = i;
  }
  return best;
}

/** What each candidate would lose against the most any candidate keeps, count by count. */
export function lossesOf(all: readonly CatalogueCounts[]): CatalogueCounts[] {
  const most = (k: keyof CatalogueCounts): number => Math.max(0, ...all.map((c) => c[k]));
  return all.map((c) => ({ photos: most('photos') - c.photos, versions: most('versions') - c.versions, albums: most('albums') - c.albums }));
}

/** "9 photo(s) and 2 album(s)", or "nothing" (plain words for the CLI). */
export function describeCounts(c: CatalogueCounts, all = false): string {
  const parts = [`${c.photos} photo(s)`, `${c.versions} colorized version(s)`, `${c.albums} album(s)`].filter((_, i) => all || c[COUNTED[i]![0]] > 0);
  if (parts.length === 0) return 'nothing';
  return all ? parts.join(', ') : parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
