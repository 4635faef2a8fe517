// The originals table (the family's own photos, one row per distinct sha256) and original_paths (the
// other places the same bytes were found); also the gallery listing, which joins each photo to the
// version in use. The contract of each method is documented on Catalogue, which delegates here.
import type Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toOriginal, toOriginalList, type RawOriginal, type RawOriginalList } from './rows';
import { fromStoredPath, toStoredPath } from './stored-paths';
import { checkCount, type TableContext } from './table-context';
import type { ListOriginalsOptions, OriginalFilter, OriginalInput, OriginalListRow, OriginalRow, OriginalSort } from './types';

// Original + the version in use: the one the family picked, else the newest. Shared by the gallery
// listing and album items ("latest_output_*" names that version).
export const LATEST_OUTPUT_JOIN = `
  LEFT JOIN outputs lo ON lo.id = COALESCE(o.current_output_id, (
    SELECT x.id FROM outputs x WHERE x.original_id = o.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1
  ))`;
const ORIGINAL_LIST_FROM = `FROM originals o ${LATEST_OUTPUT_JOIN}`;
export const ORIGINAL_LIST_COLUMNS = 'o.*, lo.id AS latest_output_id, lo.path AS latest_output_path';

// Fixed SQL fragments chosen by key, never built from caller text.
const FILTER_SQL: Record<OriginalFilter, string> = {
  all: '1',
  colorized: 'lo.id IS NOT NULL',
  uncolorized: 'lo.id IS NULL',
};
// heirloom_basename is registered on the connection by the Catalogue's constructor.
const SORT_SQL: Record<OriginalSort, string> = {
  taken: 'o.taken_at IS NULL, o.taken_at ASC, o.imported_at ASC, o.id ASC',
  name: 'heirloom_basename(o.path) COLLATE NOCASE ASC, o.id ASC',
  imported: 'o.imported_at DESC, o.id DESC',
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class OriginalsTable {
  constructor(private readonly ctx: TableContext) {}

  upsertOriginal(input: OriginalInput): OriginalRow {
    if (!path.isAbsolute(input.path)) throw new Error(`Original path must be absolute: "${input.path}".`);
    const sha256 = input.sha256.toLowerCase();
    if (!SHA256_HEX.test(sha256)) throw new Error(`Not a sha256 hex digest: "${input.sha256}".`);
    return this.ctx.transaction(() => {
      const known = this.ctx.st('SELECT id, path FROM originals WHERE sha256 = ?').get(sha256) as { id: number; path: string } | undefined;
      let primary = input.path;
      if (known && known.path !== input.path) {
        const keepKnown = fs.existsSync(fromStoredPath(this.ctx.libraryRoot, known.path));
        primary = keepKnown ? known.path : input.path;
        const other = keepKnown ? input.path : known.path;
        this.ctx
          .st('INSERT INTO original_paths (original_id, path, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
          .run(known.id, other, this.ctx.now());
        this.ctx.st('DELETE FROM original_paths WHERE original_id = ? AND path = ?').run(known.id, primary);
      }
      return this.insertOrUpdateOriginal({ ...input, path: primary }, sha256);
    });
  }

  otherPaths(originalId: number): string[] {
    const rows = this.ctx.st('SELECT path FROM original_paths WHERE original_id = ? ORDER BY first_seen_at, path').all(originalId) as {
      path: string;
    }[];
    return rows.map((r) => r.path);
  }

  private insertOrUpdateOriginal(input: OriginalInput, sha256: string): OriginalRow {
    const raw = this.ctx
      .st(
        `INSERT INTO originals (path, sha256, bytes, width, height, taken_at, camera, imported_at)
       VALUES (@path, @sha256, @bytes, @width, @height, @takenAt, @camera, @importedAt)
       ON CONFLICT (sha256) DO UPDATE SET
         path = excluded.path,
         missing = 0,
         bytes = coalesce(originals.bytes, excluded.bytes),
         width = coalesce(originals.width, excluded.width),
         height = coalesce(originals.height, excluded.height),
         taken_at = coalesce(originals.taken_at, excluded.taken_at),
         camera = coalesce(originals.camera, excluded.camera)
       RETURNING *`,
      )
      .get({
        path: input.path,
        sha256,
        bytes: input.bytes ?? null,
        width: input.width ?? null,
        height: input.height ?? null,
        takenAt: input.takenAt ?? null,
        camera: input.camera ?? null,
        importedAt: this.ctx.now(),
      }) as RawOriginal;
    return toOriginal(this.ctx.libraryRoot, raw);
  }

  getOriginal(id: number): OriginalRow | undefined {
    const raw = this.ctx.st('SELECT * FROM originals WHERE id = ?').get(id) as RawOriginal | undefined;
    return raw && toOriginal(this.ctx.libraryRoot, raw);
  }

  findOriginalBySha(sha256: string): OriginalRow | undefined {
    const raw = this.ctx.st('SELECT * FROM originals WHERE sha256 = ?').get(sha256.toLowerCase()) as RawOriginal | undefined;
    return raw && toOriginal(this.ctx.libraryRoot, raw);
  }

  listOriginals(options: ListOriginalsOptions = {}): OriginalListRow[] {
    const sort = options.sort ?? 'imported';
    const filter = options.filter ?? 'all';
    if (!(sort in SORT_SQL)) throw new Error(`Unknown sort "${sort}".`);
    if (!(filter in FILTER_SQL)) throw new Error(`Unknown filter "${filter}".`);
    const limit = options.limit === undefined ? -1 : checkCount('limit', options.limit);
    const offset = options.offset === undefined ? 0 : checkCount('offset', options.offset);
    const rows = this.ctx
      .st(
        `SELECT ${ORIGINAL_LIST_COLUMNS} ${ORIGINAL_LIST_FROM}
       WHERE ${FILTER_SQL[filter]} ORDER BY ${SORT_SQL[sort]} LIMIT ? OFFSET ?`,
      )
      .all(limit, offset) as RawOriginalList[];
    return rows.map((r) => toOriginalList(this.ctx.libraryRoot, r));
  }

  countOriginals(filter: OriginalFilter = 'all'): number {
    if (!(filter in FILTER_SQL)) throw new Error(`Unknown filter "${filter}".`);
    const row = this.ctx.st(`SELECT count(*) AS n ${ORIGINAL_LIST_FROM} WHERE ${FILTER_SQL[filter]}`).get() as {
      n: number;
    };
    return row.n;
  }

  setThumb(id: number, thumbPath: string | null): void {
    const stored = thumbPath === null ? null : toStoredPath(this.ctx.libraryRoot, thumbPath);
    mustChange(this.ctx.st('UPDATE originals SET thumb_path = ? WHERE id = ?').run(stored, id), 'photo', id);
  }

  /** Deletes the row; its versions, album places and other paths go with it (ON DELETE CASCADE). */
  deleteOriginal(id: number): boolean {
    return this.ctx.st('DELETE FROM originals WHERE id = ?').run(id).changes > 0;
  }

  markMissing(id: number, missing: boolean): void {
    mustChange(this.ctx.st('UPDATE originals SET missing = ? WHERE id = ?').run(missing ? 1 : 0, id), 'photo', id);
  }
}

function mustChange(res: Database.RunResult, what: string, id: number): void {
  if (res.changes === 0) throw new Error(`No ${what} with id ${id}.`);
}
