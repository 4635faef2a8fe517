// Forward-only schema migrations. The schema version lives in `PRAGMA user_version` (0 = empty / pre-Heirloom).
// Rules: never edit a released migration, only append a new one; each migration's SQL must be transactional
// (no VACUUM, no journal_mode changes) because all pending migrations run in ONE transaction.
import type Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renameIntoPlace, tempPathFor } from '../fs-atomic';
import { CatalogueMigrationError, CatalogueTooNewError, CatalogueUnreadableError } from './errors';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

const SCHEMA_V1 = `
CREATE TABLE originals (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL UNIQUE,
  bytes       INTEGER,
  width       INTEGER,
  height      INTEGER,
  taken_at    TEXT,
  camera      TEXT,
  imported_at TEXT NOT NULL,
  thumb_path  TEXT,
  missing     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX originals_imported_at ON originals(imported_at);
CREATE INDEX originals_taken_at ON originals(taken_at);

CREATE TABLE model_checkpoints (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  parent_id         TEXT REFERENCES model_checkpoints(id),
  path              TEXT NOT NULL,
  kind              TEXT NOT NULL CHECK (kind IN ('shipped', 'finetuned')),
  created_at        TEXT NOT NULL,
  metrics_json      TEXT,
  data_summary_json TEXT,
  active            INTEGER NOT NULL DEFAULT 0
);
-- At most one active checkpoint, enforced by the database itself (setActiveCheckpoint makes it exactly one).
CREATE UNIQUE INDEX model_checkpoints_one_active ON model_checkpoints(active) WHERE active = 1;
CREATE INDEX model_checkpoints_parent ON model_checkpoints(parent_id);

-- No ON DELETE on checkpoint_id: a checkpoint that produced outputs cannot vanish (provenance).
CREATE TABLE outputs (
  id            INTEGER PRIMARY KEY,
  original_id   INTEGER NOT NULL REFERENCES originals(id) ON DELETE CASCADE,
  checkpoint_id TEXT NOT NULL REFERENCES model_checkpoints(id),
  params_json   TEXT NOT NULL,
  path          TEXT NOT NULL,
  width         INTEGER,
  height        INTEGER,
  created_at    TEXT NOT NULL
);
CREATE INDEX outputs_original ON outputs(original_id, created_at);
CREATE INDEX outputs_checkpoint ON outputs(checkpoint_id);

CREATE TABLE albums (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL,
  cover_original_id INTEGER REFERENCES originals(id) ON DELETE SET NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX albums_cover ON albums(cover_original_id);

CREATE TABLE album_items (
  album_id    INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
  original_id INTEGER NOT NULL REFERENCES originals(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  output_id   INTEGER REFERENCES outputs(id) ON DELETE SET NULL,
  PRIMARY KEY (album_id, original_id)
);
CREATE INDEX album_items_order ON album_items(album_id, position);
CREATE INDEX album_items_original ON album_items(original_id);
CREATE INDEX album_items_output ON album_items(output_id);

CREATE TABLE jobs (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL,
  status         TEXT NOT NULL
                 CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  params_json    TEXT,
  progress_done  INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  error          TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX jobs_status ON jobs(status);

CREATE TABLE job_items (
  job_id    INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  input     TEXT NOT NULL,
  status    TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'skipped')),
  output_id INTEGER REFERENCES outputs(id) ON DELETE SET NULL,
  error     TEXT,
  PRIMARY KEY (job_id, seq)
);
CREATE INDEX job_items_output ON job_items(output_id);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

// v2: a per-album caption for each photo (shown in exports; NULL = the photo's file name).
const V2_ALBUM_CAPTIONS = `ALTER TABLE album_items ADD COLUMN caption TEXT;`;

// v3: resume without duplicates. Each job item records the output file it will write before writing
// it (a re-run after a crash reuses that name instead of adding "name (2).jpg"), and each output its
// file's sha256, so a colorized result found among inputs is never imported as an original.
const V3_PLANNED_OUTPUTS = `
ALTER TABLE job_items ADD COLUMN planned_output TEXT;
ALTER TABLE outputs ADD COLUMN sha256 TEXT;
CREATE INDEX outputs_sha256 ON outputs(sha256);
`;

// v4: every path a photo's bytes were found at. The originals row keeps one path (the first, unless
// that file has gone); each other path seen with the same sha256 is kept here, so none is lost.
const V4_ORIGINAL_PATHS = `
CREATE TABLE original_paths (
  original_id   INTEGER NOT NULL REFERENCES originals(id) ON DELETE CASCADE,
  path          TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  PRIMARY KEY (original_id, path)
);
`;

// v5: the version of a photo the family keeps (what the gallery shows and albums export). NULL: the
// newest. Picking an older version pins it until a newer version is made.
const V5_CURRENT_OUTPUT = `
ALTER TABLE originals ADD COLUMN current_output_id INTEGER REFERENCES outputs(id) ON DELETE SET NULL;
`;

// v6: a resumed job overwrites only its own result. Each job item records, with the name it will write,
// the sha256 of the bytes it is about to write there; after a crash the file at that name is this item's
// result only when it has exactly those bytes (anything else there is kept, and the item takes a free name).
const V6_PLANNED_SHA = `ALTER TABLE job_items ADD COLUMN planned_sha256 TEXT;`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: SCHEMA_V1 },
  { version: 2, sql: V2_ALBUM_CAPTIONS },
  { version: 3, sql: V3_PLANNED_OUTPUTS },
  { version: 4, sql: V4_ORIGINAL_PATHS },
  { version: 5, sql: V5_CURRENT_OUTPUT },
  { version: 6, sql: V6_PLANNED_SHA },
];

export interface MigrationResult {
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Copy of the catalogue taken before migrating, if there was anything to keep. */
  readonly backupPath?: string;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/** Programming-error guard: versions must be exactly 1, 2, 3, … in order. */
export function validateMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Catalogue migrations must be numbered 1..N in order; entry ${i} has version ${m.version}.`);
    }
  });
}

// Only these mean "this file is not a database"; BUSY/LOCKED etc. are reported as they are.
const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/** Reads the schema version without writing anything (safe on a catalogue we must not touch). */
export function readSchemaVersion(db: Database.Database, file: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (NOT_A_DATABASE.has(code)) throw new CatalogueUnreadableError(file, err);
    throw err;
  }
}

/** Throws CatalogueTooNewError before anything is written to a catalogue from a newer Heirloom. */
export function assertNotTooNew(file: string, fileVersion: number, migrations: readonly Migration[]): void {
  const known = latestVersion(migrations);
  if (fileVersion > known) throw new CatalogueTooNewError(file, fileVersion, known);
}

/**
 * Brings the catalogue up to the latest version. Call with foreign_keys OFF (SQLite's documented way to
 * rebuild tables); references are checked before commit instead. All pending steps commit together or not at all.
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): MigrationResult {
  validateMigrations(migrations);
  const target = latestVersion(migrations);
  const fromVersion = readSchemaVersion(db, file);
  assertNotTooNew(file, fromVersion, migrations);
  if (fromVersion === target) return { fromVersion, toVersion: target };

  const backupPath = hasContent(db, fromVersion) ? backupCatalogue(db, file, fromVersion) : undefined;

  const run = db.transaction(() => {
    // Re-read under the write lock: another process may have migrated while we waited.
    const current = readSchemaVersion(db, file);
    assertNotTooNew(file, current, migrations);
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`${broken.length} broken reference(s) after migrating`);
  });
  try {
    run.immediate();
  } catch (err) {
    if (err instanceof CatalogueTooNewError) throw err;
    throw new CatalogueMigrationError(file, fromVersion, target, err);
  }
  return { fromVersion, toVersion: target, ...(backupPath !== undefined ? { backupPath } : {}) };
}

function hasContent(db: Database.Database, version: number): boolean {
  if (version > 0) return true;
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get() as {
    n: number;
  };
  return row.n > 0;
}

/**
 * Copies the catalogue to `<file>.bak-v<version>` (never overwriting an earlier backup).
 * VACUUM INTO is synchronous and yields a consistent, compact copy even with WAL content pending.
 */
function backupCatalogue(db: Database.Database, file: string, version: number): string {
  let target = `${file}.bak-v${version}`;
  if (fs.existsSync(target)) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    target = `${file}.bak-v${version}-${stamp}`;
  }
  const tmp = tempPathFor(target);
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`Could not back up the catalogue before updating it (to ${path.basename(target)}): ${String(err)}`, { cause: err });
  }
  renameIntoPlace(tmp, target);
  return target;
}
