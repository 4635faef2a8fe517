// Crash-safe file writes: a reader (or the catalogue) only ever sees the old file or the complete new one.
// Pattern: write a temp file in the SAME folder (rename is only atomic within one filesystem), fsync it,
// rename it over the final name, then fsync the folder so the rename itself survives a power cut.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A fresh, hidden temp name next to `finalPath` (same folder, so renaming it into place is atomic). */
export function tempPathFor(finalPath: string): string {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  const nonce = `${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
  return path.join(dir, `.${base}.${nonce}.tmp`);
}

/**
 * Removes what writeFileAtomic left beside these final paths when its process was killed mid-write
 * (".<name>.<pid>.<12 hex>.tmp", see tempPathFor), except this process's own. Only for paths that no
 * other live process may be writing: e.g. a job's planned outputs, written only by the library's owner.
 * (A SIGKILL mid-write, one of the moments scripts/soak.ts kills at, left such files for good.)
 */
export function removeStaleTemps(finalPaths: readonly string[]): void {
  const byDir = new Map<string, Set<string>>();
  for (const f of finalPaths) {
    const dir = path.dirname(f);
    if (!byDir.has(dir)) byDir.set(dir, new Set());
    byDir.get(dir)!.add(path.basename(f));
  }
  for (const [dir, names] of byDir) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue; // not made yet
    }
    for (const entry of entries) {
      const m = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(entry);
      if (m && names.has(m[1]!) && Number(m[2]) !== process.pid) removeQuietly(path.join(dir, entry));
    }
  }
}

/** Writes `data` to `finalPath` atomically. Leaves no temp file behind, whether it succeeds or throws. */
export function writeFileAtomic(finalPath: string, data: Buffer | string): void {
  const tmp = tempPathFor(finalPath);
  // 'wx': never clobber an existing file, even one that happens to share the temp name.
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
  renameIntoPlace(tmp, finalPath);
}

/**
 * Moves a finished temp file (e.g. one written by sharp or tfjs) over `finalPath`.
 * Flushes the temp file first because its writer may not have; on failure the temp file is removed.
 */
export function renameIntoPlace(tmpPath: string, finalPath: string): void {
  try {
    fsyncFile(tmpPath);
    renameWithRetry(tmpPath, finalPath);
  } catch (err) {
    removeQuietly(tmpPath);
    throw err;
  }
  fsyncDir(path.dirname(finalPath));
}

function fsyncFile(file: string): void {
  // 'r+': Windows refuses to flush a handle opened read-only.
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Best effort: POSIX needs it for a durable rename; Windows cannot open folders and does not need it. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EPERM/EINVAL on platforms or filesystems without directory fsync.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

// Windows: a virus scanner or indexer briefly holding the target makes rename fail with EPERM/EBUSY/EACCES.
const RETRYABLE = new Set(['EPERM', 'EBUSY', 'EACCES']);

function renameWithRetry(from: string, to: string): void {
  const delaysMs = process.platform === 'win32' ? [10, 50, 100, 250, 500] : [];
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (attempt >= delaysMs.length || !RETRYABLE.has(code)) throw err;
      sleepSync(delaysMs[attempt]!);
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Already gone, or never created.
  }
}
