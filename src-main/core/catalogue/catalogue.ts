// The library's catalogue: one SQLite file (WAL) holding originals, outputs, checkpoints, albums, jobs, settings.
// Every multi-row change runs in one transaction; all SQL is prepared once and cached.
// This file owns the connection: opening and migrating, the statement cache, the guard that stops work on
// a vanished or corrupt file, transactions and backups. Each table's queries live in their own module
// (originals, outputs, checkpoints, jobs, albums, settings), which the Catalogue's methods delegate to.
import type { Problem } from '../../contract/problems';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renameIntoPlace, tempPathFor } from '../fs-atomic';
import { AlbumsTable } from './albums';
import { CheckpointsTable } from './checkpoints';
import { CatalogueCorruptError, CatalogueUnreadableError, isCorruptionError, LibraryVanishedError } from './errors';
import {
  backupDue,
  backupFileName,
  BACKUP_EVERY_MS,
  BACKUPS_KEPT,
  checkCatalogueFile,
  checkOnOpening,
  FULL_CHECK_KEY,
  nextBackupSeq,
  openSqlite,
  pruneBackups,
  SESSION_KEY,
  type OpeningHealth,
} from './health';
import { JobsTable } from './jobs';
import { MIGRATIONS, migrate, type Migration, type MigrationResult } from './migrations';
import { OriginalsTable } from './originals';
import { OutputsTable } from './outputs';
import { SettingsTable } from './settings';
import type { Statement, TableContext } from './table-context';
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
  /**
   * Default: as recoverCrashedJobs. This connection is the owner's: it records its session in the
   * catalogue (cleared by close), and opening runs the full integrity check when the last session did
   * not end cleanly, the last full check is old, or `crashed` says so (see checkOnOpening).
   */
  readonly session?: boolean;
  /** The owner took the library over from a process that is gone: the full check runs before any write. */
  readonly crashed?: boolean;
}

export class Catalogue {
  /** Folder holding the catalogue file; library-internal paths are stored relative to it. */
  readonly libraryRoot: string;
  private readonly statements = new Map<string, Statement>();
  /** Device and inode of the file as opened: a different answer means it was deleted or replaced. */
  private readonly identity: { dev: number; ino: number };
  /** The first corruption SQLite reported during work; every later call fails with it. */
  private corruption: CatalogueCorruptError | undefined;
  /** Which check opening ran (the full one, and why, after a crash say). */
  opening: OpeningHealth | undefined;
  /** Whether this connection records the owner's session (see CatalogueOpenOptions.session). */
  private session = false;
  /** The automatic backup made on opening, or why it could not be made (work goes on without it). */
  backup: { file?: string; error?: string } | undefined;
  // Each table's queries, one module per table (see catalogue/*.ts); the public methods below delegate to them.
  private readonly originals: OriginalsTable;
  private readonly outputs: OutputsTable;
  private readonly checkpoints: CheckpointsTable;
  private readonly jobs: JobsTable;
  private readonly albums: AlbumsTable;
  private readonly settings: SettingsTable;

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
    db.function('heirloom_basename', { deterministic: true }, (p: unknown) => (typeof p === 'string' ? (p.split(/[\\/]/).pop() ?? p) : p));
    const ctx: TableContext = {
      libraryRoot: this.libraryRoot,
      st: (sql) => this.st(sql),
      now: () => this.now(),
      transaction: (fn) => this.transaction(fn),
    };
    this.originals = new OriginalsTable(ctx);
    this.outputs = new OutputsTable(ctx);
    this.checkpoints = new CheckpointsTable(ctx);
    this.jobs = new JobsTable(ctx);
    this.albums = new AlbumsTable(ctx, this.originals, this.outputs);
    this.settings = new SettingsTable(ctx);
    this.interruptedJobIds = recoverCrashedJobs ? this.jobs.markCrashedJobsInterrupted() : [];
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
    const now = options.now ?? (() => new Date().toISOString());
    const session = options.session ?? options.recoverCrashedJobs ?? true;
    // Checked before the catalogue's own connection exists: nothing is written to a damaged file. An
    // owner's opening is the check before its first write: the full one after a crash (see checkOnOpening).
    const health = session ? checkOnOpening(abs, { now: now(), crashed: options.crashed }) : checkCatalogueFile(abs, 'quick');
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
      const cat = new Catalogue(abs, db, migration, now, options.recoverCrashedJobs ?? true);
      if (session) cat.beginSession(health as OpeningHealth);
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
   * `everyMs` old; keeps the newest `keep` (by their sequence numbers). A failed backup is recorded in `backup`, not thrown.
   */
  backupIfDue(dir: string, everyMs = BACKUP_EVERY_MS, keep = BACKUPS_KEPT): string | undefined {
    dir = path.resolve(dir);
    const now = this.now();
    if (!backupDue(dir, now, everyMs)) return undefined;
    try {
      const file = this.backupTo(path.join(dir, backupFileName(now, nextBackupSeq(dir))));
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
    if (this.session) {
      try {
        this.settings.setSetting(SESSION_KEY, null); // closed cleanly: the next owner needs only the quick check
      } catch {
        // The file is gone or damaged: the next opening finds the session still open and checks in full.
      }
    }
    try {
      this.db.pragma('optimize');
    } catch {
      // Only a query-planner hint (it may find the file busy); closing matters more.
    }
    this.db.close();
  }

  /** Records this owner's session (and a full check that just passed) before anything else is written. */
  private beginSession(health: OpeningHealth): void {
    this.session = true;
    this.opening = health;
    this.transaction(() => {
      if (health.mode === 'full') this.settings.setSetting(FULL_CHECK_KEY, this.now());
      this.settings.setSetting(SESSION_KEY, JSON.stringify({ pid: process.pid, openedAt: this.now() }));
    });
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

  // ── originals (originals.ts) ─────────────────────────────────────────────────────────────────────────

  /**
   * Same sha256 → same row, no longer missing. The same bytes at a second path keep the row's path
   * and the new one is recorded in original_paths (see otherPaths); only when the row's file is gone
   * (it moved) does the row follow the new path, and the old one is recorded instead. No path is lost.
   */
  upsertOriginal(input: OriginalInput): OriginalRow {
    return this.originals.upsertOriginal(input);
  }

  /** The other paths where this photo's exact bytes were found (oldest first), besides its own `path`. */
  otherPaths(originalId: number): string[] {
    return this.originals.otherPaths(originalId);
  }

  getOriginal(id: number): OriginalRow | undefined {
    return this.originals.getOriginal(id);
  }

  findOriginalBySha(sha256: string): OriginalRow | undefined {
    return this.originals.findOriginalBySha(sha256);
  }

  listOriginals(options: ListOriginalsOptions = {}): OriginalListRow[] {
    return this.originals.listOriginals(options);
  }

  countOriginals(filter: OriginalFilter = 'all'): number {
    return this.originals.countOriginals(filter);
  }

  /** Call only after the thumbnail has been renamed into place. */
  setThumb(id: number, thumbPath: string | null): void {
    this.originals.setThumb(id, thumbPath);
  }

  /** Removes a photo from the catalogue with its versions' rows (no file is touched here). */
  deleteOriginal(id: number): boolean {
    return this.originals.deleteOriginal(id);
  }

  markMissing(id: number, missing: boolean): void {
    this.originals.markMissing(id, missing);
  }

  // ── model checkpoints (checkpoints.ts) ───────────────────────────────────────────────────────────────

  /** Re-registering an id updates its name, path and metrics (the shipped model is registered on every start). */
  registerCheckpoint(input: CheckpointInput): CheckpointRow {
    return this.checkpoints.registerCheckpoint(input);
  }

  getCheckpoint(id: string): CheckpointRow | undefined {
    return this.checkpoints.getCheckpoint(id);
  }

  listCheckpoints(): CheckpointRow[] {
    return this.checkpoints.listCheckpoints();
  }

  /** Exactly one checkpoint is active afterwards (a unique partial index backs this up). */
  setActiveCheckpoint(id: string): CheckpointRow {
    return this.checkpoints.setActiveCheckpoint(id);
  }

  getActiveCheckpoint(): CheckpointRow | undefined {
    return this.checkpoints.getActiveCheckpoint();
  }

  // ── outputs (outputs.ts) ─────────────────────────────────────────────────────────────────────────────

  /**
   * Records a new version (call only after its file has been renamed into place). It becomes the one in
   * use unless the person chose another ("Use this version") or the one in use was made by hand and the
   * new one is a plain colorize (version-choice.ts): then that one is kept in use.
   */
  addOutput(input: OutputInput): OutputRow {
    return this.outputs.addOutput(input);
  }

  getOutput(id: number): OutputRow | undefined {
    return this.outputs.getOutput(id);
  }

  /** Newest first. */
  listOutputs(originalId: number): OutputRow[] {
    return this.outputs.listOutputs(originalId);
  }

  /** The version in use: the one picked with setCurrentOutput, else the newest. */
  latestOutput(originalId: number): OutputRow | undefined {
    return this.outputs.latestOutput(originalId);
  }

  /** Makes one of a photo's versions the one in use (null: back to the newest). */
  setCurrentOutput(originalId: number, outputId: number | null): void {
    this.outputs.setCurrentOutput(originalId, outputId);
  }

  /** Forgets a version (album items showing it fall back to the version in use); returns what was removed. */
  deleteOutput(outputId: number): OutputRow | undefined {
    return this.outputs.deleteOutput(outputId);
  }

  /** An output whose file has these bytes, if Heirloom made one. */
  findOutputBySha(sha256: string): OutputRow | undefined {
    return this.outputs.findOutputBySha(sha256);
  }

  // ── jobs (jobs.ts) ───────────────────────────────────────────────────────────────────────────────────

  /** A queued job and one pending item per input, in one transaction. */
  createJob(kind: string, params: JsonObject | null, inputs: readonly string[]): JobRow {
    return this.jobs.createJob(kind, params, inputs);
  }

  getJob(id: number): JobRow | undefined {
    return this.jobs.getJob(id);
  }

  updateJobStatus(id: number, status: JobStatus, error: string | null = null, problem?: Problem): JobRow {
    return this.jobs.updateJobStatus(id, status, error, problem);
  }

  /** Records one item's result and recounts the job's progress, atomically. Returns the updated job. */
  setJobItem(
    jobId: number,
    seq: number,
    status: JobItemStatus,
    outputId: number | null = null,
    error: string | null = null,
    problem?: Problem,
  ): JobRow {
    return this.jobs.setJobItem(jobId, seq, status, outputId, error, problem);
  }

  /** Newest first. */
  listJobs(options: ListJobsOptions = {}): JobRow[] {
    return this.jobs.listJobs(options);
  }

  jobItems(jobId: number): JobItemRow[] {
    return this.jobs.jobItems(jobId);
  }

  /** Appends pending items to an existing job (files added to a folder since it started). */
  addJobItems(jobId: number, inputs: readonly string[]): void {
    this.jobs.addJobItems(jobId, inputs);
  }

  /** Records the file an item is about to write and the sha256 of its bytes (see migrations v3 and v6). */
  planItemOutput(jobId: number, seq: number, file: string, sha256: string): void {
    this.jobs.planItemOutput(jobId, seq, file, sha256);
  }

  /** The newest unfinished job of a kind started with this resume key (see ColorizeJobParams.resumeKey). */
  findResumableJob(kind: string, resumeKey: string): JobRow | undefined {
    return this.jobs.findResumableJob(kind, resumeKey);
  }

  /** The newest job of `kind` with this resume key that ended with nothing left to do (done, or done but for failures) at or after `sinceIso`. */
  findJobEndedSince(kind: string, resumeKey: string, sinceIso: string): JobRow | undefined {
    return this.jobs.findJobEndedSince(kind, resumeKey, sinceIso);
  }

  pendingItems(jobId: number): JobItemRow[] {
    return this.jobs.pendingItems(jobId);
  }

  // ── albums (albums.ts) ───────────────────────────────────────────────────────────────────────────────

  createAlbum(name: string): AlbumRow {
    return this.albums.createAlbum(name);
  }

  renameAlbum(albumId: number, name: string): AlbumRow {
    return this.albums.renameAlbum(albumId, name);
  }

  /** Removes the album and its item list; the photos and their outputs stay in the library. */
  deleteAlbum(albumId: number): boolean {
    return this.albums.deleteAlbum(albumId);
  }

  getAlbum(albumId: number): AlbumSummary | undefined {
    return this.albums.getAlbum(albumId);
  }

  /** A→Z by name, with item counts. */
  listAlbums(): AlbumSummary[] {
    return this.albums.listAlbums();
  }

  /** Appends in the given order; photos already in the album (or repeated) are ignored. Returns how many were added. */
  addToAlbum(albumId: number, originalIds: readonly number[]): number {
    return this.albums.addToAlbum(albumId, originalIds);
  }

  /** Takes photos out of the album (never out of the library). Returns how many were removed. */
  removeFromAlbum(albumId: number, originalIds: readonly number[]): number {
    return this.albums.removeFromAlbum(albumId, originalIds);
  }

  /** `originalIds` must list exactly the album's photos, in their new order (a stale UI must not drop any). */
  reorderAlbum(albumId: number, originalIds: readonly number[]): void {
    this.albums.reorderAlbum(albumId, originalIds);
  }

  /** `null` goes back to the default cover (the first photo). */
  setAlbumCover(albumId: number, originalId: number | null): void {
    this.albums.setAlbumCover(albumId, originalId);
  }

  /** Chooses which colorized version of a photo the album shows/exports; `null` means "the newest". */
  setAlbumItemOutput(albumId: number, originalId: number, outputId: number | null): void {
    this.albums.setAlbumItemOutput(albumId, originalId, outputId);
  }

  /** Moves one photo to `index` (0-based, clamped), keeping the others in their order. */
  moveAlbumItem(albumId: number, originalId: number, index: number): void {
    this.albums.moveAlbumItem(albumId, originalId, index);
  }

  /** `null` or blank goes back to showing the photo's name. */
  setAlbumItemCaption(albumId: number, originalId: number, caption: string | null): void {
    this.albums.setAlbumItemCaption(albumId, originalId, caption);
  }

  /** Albums whose name is exactly `name` (names need not be unique). */
  findAlbumsByName(name: string): AlbumSummary[] {
    return this.albums.findAlbumsByName(name);
  }

  albumItems(albumId: number): AlbumItemRow[] {
    return this.albums.albumItems(albumId);
  }

  // ── settings (settings.ts) ───────────────────────────────────────────────────────────────────────────

  getSetting(key: string): string | undefined {
    return this.settings.getSetting(key);
  }

  /** `null` removes the setting. */
  setSetting(key: string, value: string | null): void {
    this.settings.setSetting(key, value);
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
}

function fileIdentity(file: string): { dev: number; ino: number } {
  const st = fs.statSync(file);
  return { dev: st.dev, ino: st.ino };
}
