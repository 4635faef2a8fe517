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

export interface BackupFile {
  readonly file: string;
  /** ISO 8601, from the file's name. */
  readonly takenAt: string;
}

const BACKUP_NAME = /^catalogue-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.sqlite$/;

/** catalogue-20240101T120000000Z.sqlite: sorts by time, and is a valid file name everywhere. */
export function backupFileName(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`Not a date: "${iso}".`);
  return `catalogue-${d.toISOString().replace(/[-:.]/g, '')}.sqlite`;
}

/** The automatic backups in `dir`, newest first. */
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
    const [, y, mo, d, h, mi, s, ms] = m;
    out.push({ file: path.join(dir, name), takenAt: `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z` });
  }
  return out.sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
}

/** Keeps the newest `keep` backups; removes older ones and temp files a crash left behind. Returns what it removed. */
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

/** Whether a new automatic backup is due at `nowIso` (also when the newest is dated over an hour ahead: the clock was wrong). */
export function backupDue(dir: string, nowIso: string, everyMs = BACKUP_EVERY_MS): boolean {
  const newest = listBackups(dir)[0];
  if (!newest) return true;
  const age = Date.parse(nowIso) - Date.parse(newest.takenAt);
  return age < -60 * 60 * 1000 || age >= everyMs;
}
