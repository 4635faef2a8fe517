// The library's catalogue: one SQLite file (WAL) holding originals, outputs, checkpoints, albums, jobs, settings.
// Every multi-row change runs in one transaction; all SQL is prepared once and cached.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renameIntoPlace, tempPathFor } from '../fs-atomic';
import { CatalogueCorruptError, CatalogueUnreadableError, isCorruptionError, LibraryVanishedError } from './errors';
import { backupDue, backupFileName, BACKUP_EVERY_MS, BACKUPS_KEPT, checkCatalogueFile, openSqlite, pruneBackups } from './health';
import { MIGRATIONS, migrate, type Migration, type MigrationResult } from './migrations';
import {
  toAlbum,
  toAlbumSummary,
  toCheckpoint,
  toJob,
  toJobItem,
  toOriginal,
  toOriginalList,
  toOutput,
  type RawAlbum,
  type RawAlbumSummary,
  type RawCheckpoint,
  type RawJob,
  type RawJobItem,
  type RawOriginal,
  type RawOriginalList,
  type RawOutput,
} from './rows';
import { fromStoredPath, toStoredPath } from './stored-paths';
import type {
  AlbumItemRow,
  AlbumRow,
  AlbumSummary,
  CheckpointInput,
  CheckpointRow,
  JobItemRow,
  JobItemStatus,
  JobRow,
  JobStatus,
  JsonObject,
  ListJobsOptions,
  ListOriginalsOptions,
  OriginalFilter,
  OriginalInput,
  OriginalListRow,
  OriginalRow,
  OriginalSort,
  OutputInput,
  OutputRow,
} from './types';

export * from './types';
export {
  CatalogueCorruptError,
  CatalogueMigrationError,
  CatalogueTooNewError,
  CatalogueUnreadableError,
  isCorruptionError,
  LibraryVanishedError,
} from './errors';
export { BACKUP_EVERY_MS, BACKUPS_KEPT, checkCatalogueFile, listBackups, type BackupFile, type CatalogueHealth } from './health';
export type { Migration, MigrationResult } from './migrations';

export interface CatalogueOpenOptions {
  /** Tests only: a different migration list. */
  readonly migrations?: readonly Migration[];
  /** Tests only: a fixed clock (ISO 8601 strings). */
  readonly now?: () => string;
  /**
   * Default true: jobs left 'running' are marked 'interrupted'. A second connection inside the same
   * process (the colorize worker thread) passes false, or it would mark the live job as crashed.
   */
  readonly recoverCrashedJobs?: boolean;
  /**
   * Where automatic backups go (e.g. <library>/backups). When set, opening a healthy catalogue makes a
   * backup if the newest there is BACKUP_EVERY_MS old, and keeps the newest BACKUPS_KEPT.
   */
  readonly backupDir?: string;
}

/** The three statement methods the catalogue uses, each guarded (see Catalogue.guard). */
interface Statement {
  run(...params: unknown[]): Database.RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

// Original + the version in use: the one the family picked, else the newest. Shared by the gallery
// listing and album items ("latest_output_*" names that version).
const LATEST_OUTPUT_JOIN = `
  LEFT JOIN outputs lo ON lo.id = COALESCE(o.current_output_id, (
    SELECT x.id FROM outputs x WHERE x.original_id = o.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1
  ))`;
const ORIGINAL_LIST_FROM = `FROM originals o ${LATEST_OUTPUT_JOIN}`;
const ORIGINAL_LIST_COLUMNS = 'o.*, lo.id AS latest_output_id, lo.path AS latest_output_path';

// Fixed SQL fragments chosen by key, never built from caller text.
const FILTER_SQL: Record<OriginalFilter, string> = {
  all: '1',
  colorized: 'lo.id IS NOT NULL',
  uncolorized: 'lo.id IS NULL',
};
const SORT_SQL: Record<OriginalSort, string> = {
  taken: 'o.taken_at IS NULL, o.taken_at ASC, o.imported_at ASC, o.id ASC',
  name: 'heirloom_basename(o.path) COLLATE NOCASE ASC, o.id ASC',
  imported: 'o.imported_at DESC, o.id DESC',
};

type RawAlbumItem = RawOriginalList & {
  item_album_id: number;
  item_position: number;
  item_output_id: number | null;
  item_caption: string | null;
};

const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'];
const SHA256_HEX = /^[0-9a-f]{64}$/;

export class Catalogue {
  /** Folder holding the catalogue file; library-internal paths are stored relative to it. */
  readonly libraryRoot: string;
  private readonly statements = new Map<string, Statement>();
  /** Device and inode of the file as opened: a different answer means it was deleted or replaced. */
  private readonly identity: { dev: number; ino: number };
  /** The first corruption SQLite reported during work; every later call fails with it. */
  private corruption: CatalogueCorruptError | undefined;
  /** The automatic backup made on opening, or why it could not be made (work goes on without it). */
  backup: { file?: string; error?: string } | undefined;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    /** What opening did to the schema (and where the pre-migration backup went, if any). */
    readonly migration: MigrationResult,
    private readonly now: () => string,
    recoverCrashedJobs = true,
  ) {
    this.libraryRoot = path.dirname(file);
    this.identity = fileIdentity(file);
    db.function('heirloom_basename', { deterministic: true }, (p: unknown) =>
      typeof p === 'string' ? p.split(/[\\/]/).pop() ?? p : p,
    );
    this.interruptedJobIds = recoverCrashedJobs ? this.markCrashedJobsInterrupted() : [];
  }

  /** Jobs that a crashed process left 'running', now marked 'interrupted' (for the UI to offer a resume). */
  readonly interruptedJobIds: readonly number[];

  /**
   * Opens (creating if needed) and migrates the catalogue. A catalogue from a newer Heirloom throws
   * CatalogueTooNewError, a non-database file CatalogueUnreadableError, and one that fails SQLite's
   * quick check CatalogueCorruptError, all without writing to it.
   */
  static open(file: string, options: CatalogueOpenOptions = {}): Catalogue {
    const abs = path.resolve(file);
    // Checked before the catalogue's own connection exists: nothing is written to a damaged file.
    const health = checkCatalogueFile(abs, 'quick');
    if (!health.ok) {
      throw health.notADatabase ? new CatalogueUnreadableError(abs, health.error) : new CatalogueCorruptError(abs, health.problems, 'open');
    }
    // The desktop app runs on Electron's ABI: it points at a better-sqlite3 built for it (scripts/electron-native.js).
    const db = openSqlite(abs);
    try {
      // Connection-only pragmas first: nothing may be written before the version check in migrate().
      db.pragma('busy_timeout = 5000');
      // better-sqlite3 turns foreign keys on by default; migrations need them off (checked before commit).
      db.pragma('foreign_keys = OFF');
      const migration = migrate(db, abs, options.migrations ?? MIGRATIONS);
      db.pragma('journal_mode = WAL');
      // Safe with WAL: a power cut may lose the last commits but never corrupts the file.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      const cat = new Catalogue(abs, db, migration, options.now ?? (() => new Date().toISOString()), options.recoverCrashedJobs ?? true);
      // A catalogue created just now has nothing to keep yet; its first backup comes with the next opening.
      if (options.backupDir !== undefined && migration.fromVersion > 0) cat.backupIfDue(options.backupDir);
      return cat;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Stops work on a catalogue that is no longer the file that was opened (its library folder was
   * deleted, moved or replaced: writes would go nowhere) or that SQLite already found damaged.
   * Runs before every statement; the colorize loop also calls it before each photo.
   */
  assertIntact(): void {
    if (this.corruption) throw this.corruption;
    const now = fs.statSync(this.file, { throwIfNoEntry: false });
    if (!now || now.dev !== this.identity.dev || now.ino !== this.identity.ino) throw new LibraryVanishedError(this.libraryRoot, this.file);
  }

  /**
   * A consistent copy (VACUUM INTO a temp name, then renamed) in `dir` when the newest there is
   * `everyMs` old; keeps the newest `keep`. A failed backup is recorded in `backup`, not thrown.
   */
  backupIfDue(dir: string, everyMs = BACKUP_EVERY_MS, keep = BACKUPS_KEPT): string | undefined {
    dir = path.resolve(dir);
    const now = this.now();
    if (!backupDue(dir, now, everyMs)) return undefined;
    try {
      const file = this.backupTo(path.join(dir, backupFileName(now)));
      pruneBackups(dir, keep);
      this.backup = { file };
      return file;
    } catch (err) {
      if (err instanceof CatalogueCorruptError) throw err;
      this.backup = { error: `Could not back up the catalogue to ${dir}: ${(err as Error).message}` };
      return undefined;
    }
  }

  /** Writes a consistent copy of the catalogue to `target` atomically (never replacing an existing file). */
  backupTo(target: string): string {
    if (fs.existsSync(target)) throw new Error(`${target} already exists.`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = tempPathFor(target);
    try {
      this.guard(() => this.db.prepare('VACUUM INTO ?').run(tmp));
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    renameIntoPlace(tmp, target);
    return target;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize');
    } catch {
      // Only a query-planner hint (it may find the file busy); closing matters more.
    }
    this.db.close();
  }

  /** Runs `fn` in one transaction (nests as a savepoint), e.g. addOutput + setJobItem together. */
  transaction<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn)());
  }

  /** 'ok' when the file is healthy, otherwise SQLite's list of problems, one per line. */
  integrityCheck(): string {
    try {
      const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((r) => r.integrity_check).join('\n');
    } catch (err) {
      if (isCorruptionError(err)) return (err as Error).message;
      throw err;
    }
  }

  // ── originals ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Same sha256 → same row, no longer missing. The same bytes at a second path keep the row's path
   * and the new one is recorded in original_paths (see otherPaths); only when the row's file is gone
   * (it moved) does the row follow the new path, and the old one is recorded instead. No path is lost.
   */
  upsertOriginal(input: OriginalInput): OriginalRow {
    if (!path.isAbsolute(input.path)) throw new Error(`Original path must be absolute: "${input.path}".`);
    const sha256 = input.sha256.toLowerCase();
    if (!SHA256_HEX.test(sha256)) throw new Error(`Not a sha256 hex digest: "${input.sha256}".`);
    return this.transaction(() => {
      const known = this.st('SELECT id, path FROM originals WHERE sha256 = ?').get(sha256) as { id: number; path: string } | undefined;
      let primary = input.path;
      if (known && known.path !== input.path) {
        const keepKnown = fs.existsSync(fromStoredPath(this.libraryRoot, known.path));
        primary = keepKnown ? known.path : input.path;
        const other = keepKnown ? input.path : known.path;
        this.st('INSERT INTO original_paths (original_id, path, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(known.id, other, this.now());
        this.st('DELETE FROM original_paths WHERE original_id = ? AND path = ?').run(known.id, primary);
      }
      return this.insertOrUpdateOriginal({ ...input, path: primary }, sha256);
    });
  }

  /** The other paths where this photo's exact bytes were found (oldest first), besides its own `path`. */
  otherPaths(originalId: number): string[] {
    const rows = this.st('SELECT path FROM original_paths WHERE original_id = ? ORDER BY first_seen_at, path').all(originalId) as { path: string }[];
    return rows.map((r) => r.path);
  }

  private insertOrUpdateOriginal(input: OriginalInput, sha256: string): OriginalRow {
    const raw = this.st(
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
    ).get({
      path: input.path,
      sha256,
      bytes: input.bytes ?? null,
      width: input.width ?? null,
      height: input.height ?? null,
      takenAt: input.takenAt ?? null,
      camera: input.camera ?? null,
      importedAt: this.now(),
    }) as RawOriginal;
    return toOriginal(this.libraryRoot, raw);
  }

  getOriginal(id: number): OriginalRow | undefined {
    const raw = this.st('SELECT * FROM originals WHERE id = ?').get(id) as RawOriginal | undefined;
    return raw && toOriginal(this.libraryRoot, raw);
  }

  findOriginalBySha(sha256: string): OriginalRow | undefined {
    const raw = this.st('SELECT * FROM originals WHERE sha256 = ?').get(sha256.toLowerCase()) as
      | RawOriginal
      | undefined;
    return raw && toOriginal(this.libraryRoot, raw);
  }

  listOriginals(options: ListOriginalsOptions = {}): OriginalListRow[] {
    const sort = options.sort ?? 'imported';
    const filter = options.filter ?? 'all';
    if (!(sort in SORT_SQL)) throw new Error(`Unknown sort "${sort}".`);
    if (!(filter in FILTER_SQL)) throw new Error(`Unknown filter "${filter}".`);
    const limit = options.limit === undefined ? -1 : checkCount('limit', options.limit);
    const offset = options.offset === undefined ? 0 : checkCount('offset', options.offset);
    const rows = this.st(
      `SELECT ${ORIGINAL_LIST_COLUMNS} ${ORIGINAL_LIST_FROM}
       WHERE ${FILTER_SQL[filter]} ORDER BY ${SORT_SQL[sort]} LIMIT ? OFFSET ?`,
    ).all(limit, offset) as RawOriginalList[];
    return rows.map((r) => toOriginalList(this.libraryRoot, r));
  }

  countOriginals(filter: OriginalFilter = 'all'): number {
    if (!(filter in FILTER_SQL)) throw new Error(`Unknown filter "${filter}".`);
    const row = this.st(`SELECT count(*) AS n ${ORIGINAL_LIST_FROM} WHERE ${FILTER_SQL[filter]}`).get() as {
      n: number;
    };
    return row.n;
  }

  /** Call only after the thumbnail has been renamed into place. */
  setThumb(id: number, thumbPath: string | null): void {
    const stored = thumbPath === null ? null : toStoredPath(this.libraryRoot, thumbPath);
    this.mustChange(this.st('UPDATE originals SET thumb_path = ? WHERE id = ?').run(stored, id), 'photo', id);
  }

  markMissing(id: number, missing: boolean): void {
    this.mustChange(this.st('UPDATE originals SET missing = ? WHERE id = ?').run(missing ? 1 : 0, id), 'photo', id);
  }

  // ── model checkpoints ────────────────────────────────────────────────────────────────────────────────

  /** Re-registering an id updates its name, path and metrics (the shipped model is registered on every start). */
  registerCheckpoint(input: CheckpointInput): CheckpointRow {
    const raw = this.st(
      `INSERT INTO model_checkpoints (id, name, parent_id, path, kind, created_at, metrics_json, data_summary_json)
       VALUES (@id, @name, @parentId, @path, @kind, @createdAt, @metrics, @dataSummary)
       ON CONFLICT (id) DO UPDATE SET
         name = excluded.name,
         path = excluded.path,
         metrics_json = coalesce(excluded.metrics_json, model_checkpoints.metrics_json),
         data_summary_json = coalesce(excluded.data_summary_json, model_checkpoints.data_summary_json)
       RETURNING *`,
    ).get({
      id: input.id,
      name: input.name,
      parentId: input.parentId ?? null,
      path: toStoredPath(this.libraryRoot, input.path),
      kind: input.kind,
      createdAt: input.createdAt ?? this.now(),
      metrics: jsonOrNull(input.metrics),
      dataSummary: jsonOrNull(input.dataSummary),
    }) as RawCheckpoint;
    return toCheckpoint(this.libraryRoot, raw);
  }

  getCheckpoint(id: string): CheckpointRow | undefined {
    const raw = this.st('SELECT * FROM model_checkpoints WHERE id = ?').get(id) as RawCheckpoint | undefined;
    return raw && toCheckpoint(this.libraryRoot, raw);
  }

  listCheckpoints(): CheckpointRow[] {
    const rows = this.st('SELECT * FROM model_checkpoints ORDER BY created_at ASC, id ASC').all() as RawCheckpoint[];
    return rows.map((r) => toCheckpoint(this.libraryRoot, r));
  }

  /** Exactly one checkpoint is active afterwards (a unique partial index backs this up). */
  setActiveCheckpoint(id: string): CheckpointRow {
    return this.transaction(() => {
      if (!this.getCheckpoint(id)) throw new Error(`No model checkpoint with id "${id}".`);
      this.st('UPDATE model_checkpoints SET active = 0 WHERE active = 1 AND id <> ?').run(id);
      this.st('UPDATE model_checkpoints SET active = 1 WHERE id = ?').run(id);
      return this.getCheckpoint(id)!;
    });
  }

  getActiveCheckpoint(): CheckpointRow | undefined {
    const raw = this.st('SELECT * FROM model_checkpoints WHERE active = 1').get() as RawCheckpoint | undefined;
    return raw && toCheckpoint(this.libraryRoot, raw);
  }

  // ── outputs ──────────────────────────────────────────────────────────────────────────────────────────

  /** Call only after the output file has been renamed into place. */
  /** Records a new version; it becomes the one in use (a version picked earlier stops being pinned). */
  addOutput(input: OutputInput): OutputRow {
    this.st('UPDATE originals SET current_output_id = NULL WHERE id = ?').run(input.originalId);
    const raw = this.st(
      `INSERT INTO outputs (original_id, checkpoint_id, params_json, path, width, height, created_at, sha256)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      input.originalId,
      input.checkpointId,
      JSON.stringify(input.params),
      toStoredPath(this.libraryRoot, input.path),
      input.width ?? null,
      input.height ?? null,
      this.now(),
      input.sha256 ?? null,
    ) as RawOutput;
    return toOutput(this.libraryRoot, raw);
  }

  getOutput(id: number): OutputRow | undefined {
    const raw = this.st('SELECT * FROM outputs WHERE id = ?').get(id) as RawOutput | undefined;
    return raw && toOutput(this.libraryRoot, raw);
  }

  /** Newest first. */
  listOutputs(originalId: number): OutputRow[] {
    const rows = this.st(
      'SELECT * FROM outputs WHERE original_id = ? ORDER BY created_at DESC, id DESC',
    ).all(originalId) as RawOutput[];
    return rows.map((r) => toOutput(this.libraryRoot, r));
  }

  /** The version in use: the one picked with setCurrentOutput, else the newest. */
  latestOutput(originalId: number): OutputRow | undefined {
    const raw = this.st(
      `SELECT x.* FROM outputs x JOIN originals o ON o.id = x.original_id WHERE x.original_id = ?
       ORDER BY (x.id = o.current_output_id) DESC, x.created_at DESC, x.id DESC LIMIT 1`,
    ).get(originalId) as RawOutput | undefined;
    return raw && toOutput(this.libraryRoot, raw);
  }

  /** Makes one of a photo's versions the one in use (null: back to the newest). */
  setCurrentOutput(originalId: number, outputId: number | null): void {
    if (outputId !== null && this.getOutput(outputId)?.originalId !== originalId) {
      throw new Error(`Version ${outputId} is not a version of photo ${originalId}.`);
    }
    const res = this.st('UPDATE originals SET current_output_id = ? WHERE id = ?').run(outputId, originalId);
    if (res.changes === 0) throw new Error(`No photo with id ${originalId}.`);
  }

  /** Forgets a version (album items showing it fall back to the version in use); returns what was removed. */
  deleteOutput(outputId: number): OutputRow | undefined {
    const row = this.getOutput(outputId);
    if (row) this.st('DELETE FROM outputs WHERE id = ?').run(outputId);
    return row;
  }

  // ── jobs ─────────────────────────────────────────────────────────────────────────────────────────────

  /** A queued job and one pending item per input, in one transaction. */
  createJob(kind: string, params: JsonObject | null, inputs: readonly string[]): JobRow {
    return this.transaction(() => {
      const ts = this.now();
      const raw = this.st(
        `INSERT INTO jobs (kind, status, params_json, progress_done, progress_total, created_at, updated_at)
         VALUES (?, 'queued', ?, 0, ?, ?, ?) RETURNING *`,
      ).get(kind, jsonOrNull(params), inputs.length, ts, ts) as RawJob;
      const addItem = this.st(`INSERT INTO job_items (job_id, seq, input, status) VALUES (?, ?, ?, 'pending')`);
      inputs.forEach((input, seq) => addItem.run(raw.id, seq, input));
      return toJob(raw);
    });
  }

  getJob(id: number): JobRow | undefined {
    const raw = this.st('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return raw && toJob(raw);
  }

  updateJobStatus(id: number, status: JobStatus, error: string | null = null): JobRow {
    if (!JOB_STATUSES.includes(status)) throw new Error(`Unknown job status "${status}".`);
    const raw = this.st('UPDATE jobs SET status = ?, error = ?, updated_at = ? WHERE id = ? RETURNING *').get(
      status,
      error,
      this.now(),
      id,
    ) as RawJob | undefined;
    if (!raw) throw new Error(`No job with id ${id}.`);
    return toJob(raw);
  }

  /** Records one item's result and recounts the job's progress, atomically. Returns the updated job. */
  setJobItem(
    jobId: number,
    seq: number,
    status: JobItemStatus,
    outputId: number | null = null,
    error: string | null = null,
  ): JobRow {
    return this.transaction(() => {
      const res = this.st('UPDATE job_items SET status = ?, output_id = ?, error = ? WHERE job_id = ? AND seq = ?').run(
        status,
        outputId,
        error,
        jobId,
        seq,
      );
      if (res.changes === 0) throw new Error(`Job ${jobId} has no item ${seq}.`);
      // Recount rather than increment: setting the same item twice (e.g. after a resume) stays correct.
      const raw = this.st(
        `UPDATE jobs SET updated_at = ?, progress_done =
           (SELECT count(*) FROM job_items WHERE job_id = ? AND status <> 'pending')
         WHERE id = ? RETURNING *`,
      ).get(this.now(), jobId, jobId) as RawJob;
      return toJob(raw);
    });
  }

  /** Newest first. */
  listJobs(options: ListJobsOptions = {}): JobRow[] {
    const statuses = options.status === undefined ? JOB_STATUSES : ([] as JobStatus[]).concat(options.status);
    const limit = options.limit === undefined ? -1 : checkCount('limit', options.limit);
    // json_each keeps this one prepared statement for any set of statuses.
    const rows = this.st(
      'SELECT * FROM jobs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?',
    ).all(JSON.stringify(statuses), limit) as RawJob[];
    return rows.map(toJob);
  }

  jobItems(jobId: number): JobItemRow[] {
    const rows = this.st('SELECT * FROM job_items WHERE job_id = ? ORDER BY seq').all(jobId) as RawJobItem[];
    return rows.map(toJobItem);
  }

  /** Appends pending items to an existing job (files added to a folder since it started). */
  addJobItems(jobId: number, inputs: readonly string[]): void {
    this.transaction(() => {
      const next = (this.st('SELECT COALESCE(MAX(seq), -1) + 1 AS n FROM job_items WHERE job_id = ?').get(jobId) as { n: number }).n;
      const add = this.st(`INSERT INTO job_items (job_id, seq, input, status) VALUES (?, ?, ?, 'pending')`);
      inputs.forEach((input, i) => add.run(jobId, next + i, input));
      this.st('UPDATE jobs SET progress_total = progress_total + ? WHERE id = ?').run(inputs.length, jobId);
    });
  }

  /** Records the file an item is about to write (see migration v3). */
  planItemOutput(jobId: number, seq: number, file: string): void {
    this.st('UPDATE job_items SET planned_output = ? WHERE job_id = ? AND seq = ?').run(file, jobId, seq);
  }

  /** An output whose file has these bytes, if Heirloom made one. */
  findOutputBySha(sha256: string): OutputRow | undefined {
    const raw = this.st('SELECT * FROM outputs WHERE sha256 = ? LIMIT 1').get(sha256) as RawOutput | undefined;
    return raw && toOutput(this.libraryRoot, raw);
  }

  /** The newest unfinished job of a kind started with this resume key (see ColorizeJobParams.resumeKey). */
  findResumableJob(kind: string, resumeKey: string): JobRow | undefined {
    const raw = this.st(
      `SELECT * FROM jobs WHERE kind = ? AND json_extract(params_json, '$.resumeKey') = ?
         AND status IN ('queued', 'interrupted', 'cancelled', 'failed')
         AND EXISTS (SELECT 1 FROM job_items WHERE job_id = jobs.id AND status = 'pending')
       ORDER BY id DESC LIMIT 1`,
    ).get(kind, resumeKey) as RawJob | undefined;
    return raw && toJob(raw);
  }

  /** The newest job of `kind` with this resume key that ended with nothing left to do (done, or done but for failures) at or after `sinceIso`. */
  findJobEndedSince(kind: string, resumeKey: string, sinceIso: string): JobRow | undefined {
    const raw = this.st(
      `SELECT * FROM jobs WHERE kind = ? AND json_extract(params_json, '$.resumeKey') = ?
         AND status IN ('done', 'failed') AND updated_at >= ?
       ORDER BY id DESC LIMIT 1`,
    ).get(kind, resumeKey, sinceIso) as RawJob | undefined;
    return raw && toJob(raw);
  }

  pendingItems(jobId: number): JobItemRow[] {
    const rows = this.st(
      "SELECT * FROM job_items WHERE job_id = ? AND status = 'pending' ORDER BY seq",
    ).all(jobId) as RawJobItem[];
    return rows.map(toJobItem);
  }

  // ── albums ───────────────────────────────────────────────────────────────────────────────────────────

  createAlbum(name: string): AlbumRow {
    const ts = this.now();
    const raw = this.st('INSERT INTO albums (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING *').get(
      albumName(name),
      ts,
      ts,
    ) as RawAlbum;
    return toAlbum(raw);
  }

  renameAlbum(albumId: number, name: string): AlbumRow {
    const raw = this.st('UPDATE albums SET name = ?, updated_at = ? WHERE id = ? RETURNING *').get(
      albumName(name),
      this.now(),
      albumId,
    ) as RawAlbum | undefined;
    if (!raw) throw new Error(`No album with id ${albumId}.`);
    return toAlbum(raw);
  }

  /** Removes the album and its item list; the photos and their outputs stay in the library. */
  deleteAlbum(albumId: number): boolean {
    return this.st('DELETE FROM albums WHERE id = ?').run(albumId).changes > 0;
  }

  getAlbum(albumId: number): AlbumSummary | undefined {
    const raw = this.st(`${ALBUM_SUMMARY_SELECT} WHERE a.id = ?`).get(albumId) as RawAlbumSummary | undefined;
    return raw && toAlbumSummary(raw);
  }

  /** A→Z by name, with item counts. */
  listAlbums(): AlbumSummary[] {
    const rows = this.st(`${ALBUM_SUMMARY_SELECT} ORDER BY a.name COLLATE NOCASE, a.id`).all() as RawAlbumSummary[];
    return rows.map(toAlbumSummary);
  }

  /** Appends in the given order; photos already in the album (or repeated) are ignored. Returns how many were added. */
  addToAlbum(albumId: number, originalIds: readonly number[]): number {
    return this.transaction(() => {
      this.requireAlbum(albumId);
      let next = (
        this.st('SELECT coalesce(max(position) + 1, 0) AS next FROM album_items WHERE album_id = ?').get(albumId) as {
          next: number;
        }
      ).next;
      const insert = this.st(
        `INSERT INTO album_items (album_id, original_id, position) VALUES (?, ?, ?)
         ON CONFLICT (album_id, original_id) DO NOTHING`,
      );
      let added = 0;
      for (const originalId of originalIds) {
        if (!this.getOriginal(originalId)) throw new Error(`No photo with id ${originalId}.`);
        if (insert.run(albumId, originalId, next).changes > 0) {
          next++;
          added++;
        }
      }
      if (added > 0) this.touchAlbum(albumId);
      return added;
    });
  }

  /** Takes photos out of the album (never out of the library). Returns how many were removed. */
  removeFromAlbum(albumId: number, originalIds: readonly number[]): number {
    return this.transaction(() => {
      this.requireAlbum(albumId);
      const del = this.st('DELETE FROM album_items WHERE album_id = ? AND original_id = ?');
      let removed = 0;
      for (const originalId of originalIds) removed += del.run(albumId, originalId).changes;
      // A cover must be one of the album's own photos.
      this.st(
        `UPDATE albums SET cover_original_id = NULL WHERE id = ? AND cover_original_id NOT IN
           (SELECT original_id FROM album_items WHERE album_id = ?)`,
      ).run(albumId, albumId);
      if (removed > 0) this.touchAlbum(albumId);
      return removed;
    });
  }

  /** `originalIds` must list exactly the album's photos, in their new order (a stale UI must not drop any). */
  reorderAlbum(albumId: number, originalIds: readonly number[]): void {
    this.transaction(() => {
      this.requireAlbum(albumId);
      const current = (
        this.st('SELECT original_id FROM album_items WHERE album_id = ?').all(albumId) as { original_id: number }[]
      ).map((r) => r.original_id);
      const wanted = new Set(originalIds);
      const same =
        wanted.size === originalIds.length &&
        wanted.size === current.length &&
        current.every((id) => wanted.has(id));
      if (!same) throw new Error(`The new order for album ${albumId} must list each of its photos exactly once.`);
      const setPos = this.st('UPDATE album_items SET position = ? WHERE album_id = ? AND original_id = ?');
      originalIds.forEach((originalId, position) => setPos.run(position, albumId, originalId));
      this.touchAlbum(albumId);
    });
  }

  /** `null` goes back to the default cover (the first photo). */
  setAlbumCover(albumId: number, originalId: number | null): void {
    this.transaction(() => {
      this.requireAlbum(albumId);
      if (originalId !== null) this.requireAlbumItem(albumId, originalId);
      this.st('UPDATE albums SET cover_original_id = ?, updated_at = ? WHERE id = ?').run(
        originalId,
        this.now(),
        albumId,
      );
    });
  }

  /** Chooses which colorized version of a photo the album shows/exports; `null` means "the newest". */
  setAlbumItemOutput(albumId: number, originalId: number, outputId: number | null): void {
    this.transaction(() => {
      this.requireAlbumItem(albumId, originalId);
      if (outputId !== null && this.getOutput(outputId)?.originalId !== originalId) {
        throw new Error(`Output ${outputId} is not a version of photo ${originalId}.`);
      }
      this.st('UPDATE album_items SET output_id = ? WHERE album_id = ? AND original_id = ?').run(
        outputId,
        albumId,
        originalId,
      );
      this.touchAlbum(albumId);
    });
  }

  /** Moves one photo to `index` (0-based, clamped), keeping the others in their order. */
  moveAlbumItem(albumId: number, originalId: number, index: number): void {
    this.transaction(() => {
      this.requireAlbumItem(albumId, originalId);
      const ids = this.albumItems(albumId).map((i) => i.originalId).filter((id) => id !== originalId);
      const at = Math.max(0, Math.min(ids.length, Math.trunc(index)));
      ids.splice(at, 0, originalId);
      this.reorderAlbum(albumId, ids);
    });
  }

  /** `null` or blank goes back to showing the photo's name. */
  setAlbumItemCaption(albumId: number, originalId: number, caption: string | null): void {
    this.transaction(() => {
      this.requireAlbumItem(albumId, originalId);
      const text = caption === null || caption.trim() === '' ? null : caption.trim();
      this.st('UPDATE album_items SET caption = ? WHERE album_id = ? AND original_id = ?').run(text, albumId, originalId);
      this.touchAlbum(albumId);
    });
  }

  /** Albums whose name is exactly `name` (names need not be unique). */
  findAlbumsByName(name: string): AlbumSummary[] {
    const rows = this.st(`${ALBUM_SUMMARY_SELECT} WHERE a.name = ? ORDER BY a.id`).all(name.trim()) as RawAlbumSummary[];
    return rows.map(toAlbumSummary);
  }

  albumItems(albumId: number): AlbumItemRow[] {
    const rows = this.st(
      `SELECT ai.album_id AS item_album_id, ai.position AS item_position, ai.output_id AS item_output_id,
              ai.caption AS item_caption, ${ORIGINAL_LIST_COLUMNS}
       FROM album_items ai JOIN originals o ON o.id = ai.original_id ${LATEST_OUTPUT_JOIN}
       WHERE ai.album_id = ? ORDER BY ai.position, ai.original_id`,
    ).all(albumId) as RawAlbumItem[];
    return rows.map((r) => ({
      albumId: r.item_album_id,
      originalId: r.id,
      position: r.item_position,
      outputId: r.item_output_id,
      caption: r.item_caption,
      original: toOriginalList(this.libraryRoot, r),
    }));
  }

  // ── settings ─────────────────────────────────────────────────────────────────────────────────────────

  getSetting(key: string): string | undefined {
    const row = this.st('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  /** `null` removes the setting. */
  setSetting(key: string, value: string | null): void {
    if (value === null) {
      this.st('DELETE FROM settings WHERE key = ?').run(key);
      return;
    }
    this.st(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────────────

  private st(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      const prepared = this.guard(() => this.db.prepare(sql));
      s = {
        run: (...params) => this.guard(() => prepared.run(...params)),
        get: (...params) => this.guard(() => prepared.get(...params)),
        all: (...params) => this.guard(() => prepared.all(...params)),
      };
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * The one place SQLite's errors are looked at: a vanished or replaced file stops the call before
   * it runs, and SQLITE_CORRUPT / "malformed" becomes CatalogueCorruptError (sticky: nothing more is written).
   */
  private guard<T>(fn: () => T): T {
    this.assertIntact();
    try {
      return fn();
    } catch (err) {
      if (err instanceof CatalogueCorruptError || !isCorruptionError(err)) throw err;
      this.corruption = new CatalogueCorruptError(this.file, (err as Error).message, 'work');
      throw this.corruption;
    }
  }

  /**
   * Assumes one Heirloom process per library (the app/CLI must hold a single-instance lock): then a job still
   * 'running' when the catalogue is opened was left behind by a process that died.
   */
  private markCrashedJobsInterrupted(): number[] {
    const rows = this.st(
      "UPDATE jobs SET status = 'interrupted', updated_at = ? WHERE status = 'running' RETURNING id",
    ).all(this.now()) as { id: number }[];
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  private mustChange(res: Database.RunResult, what: string, id: number): void {
    if (res.changes === 0) throw new Error(`No ${what} with id ${id}.`);
  }

  private requireAlbum(albumId: number): void {
    if (!this.st('SELECT 1 FROM albums WHERE id = ?').get(albumId)) throw new Error(`No album with id ${albumId}.`);
  }

  private requireAlbumItem(albumId: number, originalId: number): void {
    if (!this.st('SELECT 1 FROM album_items WHERE album_id = ? AND original_id = ?').get(albumId, originalId)) {
      throw new Error(`Photo ${originalId} is not in album ${albumId}.`);
    }
  }

  private touchAlbum(albumId: number): void {
    this.st('UPDATE albums SET updated_at = ? WHERE id = ?').run(this.now(), albumId);
  }
}

const ALBUM_SUMMARY_SELECT = `
  SELECT a.*,
    (SELECT count(*) FROM album_items i WHERE i.album_id = a.id) AS item_count,
    coalesce(a.cover_original_id,
      (SELECT i.original_id FROM album_items i WHERE i.album_id = a.id ORDER BY i.position, i.original_id LIMIT 1)
    ) AS effective_cover_id
  FROM albums a`;

function fileIdentity(file: string): { dev: number; ino: number } {
  const st = fs.statSync(file);
  return { dev: st.dev, ino: st.ino };
}

function jsonOrNull(value: JsonObject | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function albumName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new Error('An album needs a name.');
  return trimmed;
}

function checkCount(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${n}.`);
  return n;
}
