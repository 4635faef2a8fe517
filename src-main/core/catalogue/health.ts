// The catalogue's health: SQLite's own checks, run without changing the file, and the rotated backups
// in <library>/backups/ that `heirloom doctor --repair` restores from.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installPaths } from '../app-paths';
import { isCorruptionError } from './errors';

/** How many automatic backups are kept (the newest). */
export const BACKUPS_KEPT = 3;
/** A new automatic backup is made on opening when the newest one is at least this old. */
export const BACKUP_EVERY_MS = 24 * 60 * 60 * 1000;

export interface CatalogueHealth {
  readonly ok: boolean;
  /** 'ok', or what SQLite reported, one problem per line. */
  readonly problems: string;
  /** The error SQLite threw instead of answering, if it did (SQLITE_CORRUPT, SQLITE_NOTADB). */
  readonly error?: unknown;
  readonly notADatabase: boolean;
}

/**
 * Opens an SQLite file the way the app does: with the binding HeirloomCore.open was given (the desktop
 * app's, built for Electron), or the one $HEIRLOOM_SQLITE_BINDING names, which overrides it.
 */
export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  const override = process.env.HEIRLOOM_SQLITE_BINDING;
  const binding = override !== undefined ? override : installPaths().sqliteBinding;
  return new Database(file, binding ? { ...options, nativeBinding: binding } : options);
}

/**
 * `PRAGMA quick_check` (O(N), no index cross-check: ~10 ms for a few thousand photos) or the full
 * `PRAGMA integrity_check`. Never changes the file: with a write-ahead log present the check runs
 * read-only (a read-write connection would copy the log into the file when it closes). A missing or
 * empty file is healthy: it becomes a new catalogue.
 */
export function checkCatalogueFile(file: string, mode: 'quick' | 'full'): CatalogueHealth {
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size === 0) return { ok: true, problems: 'ok', notADatabase: false };
  const db = openSqlite(file, { fileMustExist: true, readonly: fs.existsSync(`${file}-wal`) });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma(mode === 'quick' ? 'quick_check' : 'integrity_check') as Record<string, string>[];
    const problems = rows.map((r) => Object.values(r)[0]).join('\n');
    return { ok: problems === 'ok', problems, notADatabase: false };
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
    return { ok: false, problems: (err as Error).message, error: err, notADatabase: (err as { code?: string }).code === 'SQLITE_NOTADB' };
  } finally {
    db.close();
  }
}

/** The owner's open session, kept in the settings table while it works: still there on opening means the last owner did not close cleanly. */
export const SESSION_KEY = 'catalogue.session';
/** When the catalogue last passed the full integrity check (ISO 8601). */
export const FULL_CHECK_KEY = 'catalogue.fullCheckAt';
/** An owner's opening runs the full check when the last full one is older than this. */
export const FULL_CHECK_EVERY_MS = 7 * 24 * 60 * 60 * 1000;

export interface OpeningHealth extends CatalogueHealth {
  /** Which check ran, and why the full one did. */
  readonly mode: 'quick' | 'full';
  readonly why?: 'not closed cleanly' | 'taken over from a process that is gone' | 'last full check is old';
}

/**
 * The check before an owner's first write. Quick by default; the full `integrity_check` (index damage
 * passes the quick one) when the last owner did not close the catalogue cleanly, when this owner took
 * the library over from a process that is gone (`crashed`), or when the last full check is older than
 * FULL_CHECK_EVERY_MS. Reads the settings table without changing the file, like checkCatalogueFile.
 */
export function checkOnOpening(file: string, o: { now: string; crashed?: boolean }): OpeningHealth {
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size === 0) return { ok: true, problems: 'ok', notADatabase: false, mode: 'quick' };
  const db = openSqlite(file, { fileMustExist: true, readonly: fs.existsSync(`${file}-wal`) });
  let mode: OpeningHealth['mode'] = 'quick';
  let why: OpeningHealth['why'];
  try {
    db.pragma('busy_timeout = 5000');
    const quick = checkRows(db, 'quick_check');
    if (quick !== 'ok') return { ok: false, problems: quick, notADatabase: false, mode };
    const setting = (key: string): string | undefined => {
      try {
        return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
      } catch {
        return undefined; // no settings table yet (an empty or foreign file): the full check decides
      }
    };
    const lastFull = Date.parse(setting(FULL_CHECK_KEY) ?? '');
    if (setting(SESSION_KEY) !== undefined) why = 'not closed cleanly';
    else if (o.crashed) why = 'taken over from a process that is gone';
    else if (!Number.isFinite(lastFull) || Math.abs(Date.parse(o.now) - lastFull) > FULL_CHECK_EVERY_MS) why = 'last full check is old';
    if (!why) return { ok: true, problems: 'ok', notADatabase: false, mode };
    mode = 'full';
    const problems = checkRows(db, 'integrity_check');
    return { ok: problems === 'ok', problems, notADatabase: false, mode, why };
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
    return {
      ok: false,
      problems: (err as Error).message,
      error: err,
      notADatabase: (err as { code?: string }).code === 'SQLITE_NOTADB',
      mode,
      ...(why ? { why } : {}),
    };
  } finally {
    db.close();
  }
}

function checkRows(db: Database.Database, pragma: 'quick_check' | 'integrity_check'): string {
  const rows = db.pragma(pragma) as Record<string, string>[];
  return rows.map((r) => Object.values(r)[0]).join('\n');
}

export interface BackupFile {
  readonly file: string;
  /** ISO 8601, from the file's name (the clock of the day it was made: it may have been wrong). */
  readonly takenAt: string;
  /** The backup's own sequence number, from its name: each new one gets the highest yet + 1 (0: made before they were numbered). */
  readonly seq: number;
}

// catalogue-000007-20240101T120000000Z.sqlite; before backups were numbered: catalogue-20240101T120000000Z.sqlite.
const BACKUP_NAME = /^catalogue-(?:(\d{6,12})-)?(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.sqlite$/;

/** catalogue-<seq>-<time>.sqlite: numbered in the order made, dated for people, a valid file name everywhere. */
export function backupFileName(iso: string, seq: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`Not a date: "${iso}".`);
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`Not a backup number: ${seq}.`);
  return `catalogue-${String(seq).padStart(6, '0')}-${d.toISOString().replace(/[-:.]/g, '')}.sqlite`;
}

/**
 * The automatic backups in `dir`, newest first by their own sequence (the order they were made), never
 * by the date in their names: a clock that was wrong once must not make an old backup look new.
 * Unnumbered ones (from before) come after every numbered one, by date.
 */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupFile[] = [];
  for (const name of names) {
    const m = BACKUP_NAME.exec(name);
    if (!m) continue;
    const [, seq, y, mo, d, h, mi, s, ms] = m;
    out.push({ file: path.join(dir, name), takenAt: `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`, seq: seq === undefined ? 0 : Number(seq) });
  }
  return out.sort((a, b) => b.seq - a.seq || (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
}

/** The number the next backup in `dir` gets. */
export function nextBackupSeq(dir: string): number {
  return (listBackups(dir)[0]?.seq ?? 0) + 1;
}

/** Keeps the newest `keep` backups (by sequence); removes older ones and temp files a crash left behind. Returns what it removed. */
export function pruneBackups(dir: string, keep = BACKUPS_KEPT): string[] {
  const removed = listBackups(dir)
    .slice(keep)
    .map((b) => b.file);
  for (const f of removed) fs.rmSync(f, { force: true });
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const f = path.join(dir, name);
    if (name.startsWith('.catalogue-') && name.endsWith('.tmp') && Date.now() - fs.statSync(f).mtimeMs > 60 * 60 * 1000) {
      fs.rmSync(f, { force: true });
      removed.push(f);
    }
  }
  return removed;
}

/** Whether a new automatic backup is due at `nowIso` (also when the newest, by sequence, is dated over an hour ahead: the clock was wrong). */
export function backupDue(dir: string, nowIso: string, everyMs = BACKUP_EVERY_MS): boolean {
  const newest = listBackups(dir)[0];
  if (!newest) return true;
  const age = Date.parse(nowIso) - Date.parse(newest.takenAt);
  return age < -60 * 60 * 1000 || age >= everyMs;
}
