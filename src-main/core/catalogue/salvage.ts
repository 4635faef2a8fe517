// Reading back what a damaged catalogue still holds. Damage usually hits a few pages; most rows stay
// readable one at a time even when a full scan stops at the first bad page. Each table is probed by
// rowid (a B-tree lookup touches only the pages on that row's path) and every row that reads and
// still satisfies the schema is copied into a fresh catalogue. Rows whose parent was lost (a version
// whose photo is gone, say) are dropped afterwards, so the result passes every foreign-key check.
import type Database from 'better-sqlite3';
import { openSqlite } from './health';

export interface SalvagedTable {
  readonly table: string;
  /** Rows copied into the new catalogue. */
  readonly recovered: number;
  /** Rowids that could not be read, failed the schema, or lost their parent row. */
  readonly lost: number;
}

/** Gives up probing a table after this many unreadable rowids in a row when its max(rowid) is unreadable. */
const BLIND_PROBE_GAP = 2000;

function tablesOf(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { name: string }[]
  ).map((r) => r.name);
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
}

function maxRowid(db: Database.Database, table: string): number | undefined {
  try {
    const r = db.prepare(`SELECT max(rowid) AS m FROM "${table}"`).get() as { m: number | null };
    return r.m ?? 0;
  } catch {
    return undefined;
  }
}

/**
 * Copies every readable row of `damagedFile` into `freshFile` (an empty catalogue at the current
 * schema, not open elsewhere). Rows the fresh catalogue already has (the shipped model, say) win.
 */
export function salvageRows(damagedFile: string, freshFile: string): SalvagedTable[] {
  const from = openSqlite(damagedFile, { readonly: true, fileMustExist: true });
  const into = openSqlite(freshFile);
  try {
    let sourceTables: Set<string>;
    try {
      sourceTables = new Set(tablesOf(from));
    } catch {
      return []; // the schema itself is unreadable: nothing can be told apart
    }
    into.pragma('foreign_keys = OFF');
    const counts = new Map<string, { recovered: number; lost: number }>();
    into.transaction(() => {
      for (const table of tablesOf(into)) {
        if (!sourceTables.has(table)) continue;
        let cols: string[];
        try {
          const own = new Set(columnsOf(from, table));
          cols = columnsOf(into, table).filter((c) => own.has(c));
        } catch {
          continue;
        }
        const list = cols.map((c) => `"${c}"`).join(', ');
        const read = from.prepare(`SELECT rowid AS heirloom_rowid, ${list} FROM "${table}" WHERE rowid = ?`);
        const write = into.prepare(
          `INSERT OR IGNORE INTO "${table}" (rowid, ${list}) VALUES (@heirloom_rowid, ${cols.map((c) => `@${c}`).join(', ')})`,
        );
        const c = { recovered: 0, lost: 0 };
        const max = maxRowid(from, table);
        let misses = 0;
        for (let id = 1; max === undefined ? misses < BLIND_PROBE_GAP : id <= max; id++) {
          let row: Record<string, unknown> | undefined;
          try {
            row = read.get(id) as Record<string, unknown> | undefined;
          } catch {
            c.lost++;
            misses++;
            continue;
          }
          if (!row) {
            misses++;
            continue;
          }
          misses = 0;
          try {
            if (write.run(row).changes === 1) c.recovered++;
          } catch {
            c.lost++; // garbage that fails NOT NULL or CHECK
          }
        }
        counts.set(table, c);
      }
      // Rows pointing at a lost parent go, repeatedly, since removing one may orphan another.
      for (;;) {
        const orphans = into.pragma('foreign_key_check') as { table: string; rowid: number }[];
        if (orphans.length === 0) break;
        for (const o of orphans) {
          into.prepare(`DELETE FROM "${o.table}" WHERE rowid = ?`).run(o.rowid);
          const c = counts.get(o.table);
          if (c) {
            c.recovered--;
            c.lost++;
          }
        }
      }
    })();
    into.pragma('foreign_keys = ON');
    return [...counts].map(([table, c]) => ({ table, ...c }));
  } finally {
    into.close();
    from.close();
  }
}
