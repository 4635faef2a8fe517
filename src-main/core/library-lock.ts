// One process owns a library's jobs at a time. The owner holds <library>/heirloom.lock (its pid, host,
// what it is and a heartbeat it refreshes); another process that wants to do work there is told,
// in plain words, who has it. A lock whose owner is gone is taken over — only then may that owner's
// running jobs be called interrupted. Gone means: its heartbeat has been silent for several beats (on
// any host, whatever its pid says: pids are reused), or, on this host, its pid is dead or no longer
// the process that wrote the lock (process-identity.ts). Re-entrant within a process (the jobs
// worker and the API share one owner).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isRecordedProcess, pidAlive, processIdentity, type ProcessIdentity } from './process-identity';

export const LOCK_FILE = 'heirloom.lock';
/** How often the owner refreshes its heartbeat. */
const HEARTBEAT_MS = 10_000;
/** A lock counts as abandoned after this long without a heartbeat (nine beats missed), on any host. */
export const STALE_MS = 90_000;

export interface LockInfo {
  pid: number;
  host: string;
  /** What holds it, e.g. "heirloom colorize" or "the Heirloom window". */
  holder: string;
  startedAt: string;
  heartbeatAt: string;
  /** Linux: who the owner is beyond its pid (command line and start time), so a reused pid is told apart. */
  identity?: ProcessIdentity;
}

export class LibraryInUseError extends Error {
  constructor(
    readonly library: string,
    readonly owner: LockInfo,
  ) {
    super(
      `The library ${library} is in use by ${owner.holder} (process ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ''}, ` +
        `since ${owner.startedAt.replace('T', ' ').slice(0, 19)} UTC). Wait for it to finish or close it, or use another --library.`,
    );
    this.name = 'LibraryInUseError';
  }
}

export interface LibraryLock {
  readonly file: string;
  /** Whether this process took the lock over from an owner that is gone (its running jobs were interrupted). */
  readonly tookOver: boolean;
  /** That owner, when it was readable: what it was and since when it held the library. */
  readonly previousOwner?: LockInfo;
  release(): void;
}

interface Held {
  count: number;
  info: LockInfo;
  timer: NodeJS.Timeout;
  tookOver: boolean;
  previousOwner?: LockInfo;
}

const held = new Map<string, Held>();

function readLock(file: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.heartbeatAt === 'string') {
      const id = v.identity as Partial<ProcessIdentity> | undefined;
      return {
        pid: v.pid,
        host: v.host,
        holder: String(v.holder ?? 'another Heirloom process'),
        startedAt: String(v.startedAt ?? v.heartbeatAt),
        heartbeatAt: v.heartbeatAt,
        ...(id && typeof id.cmd === 'string' && typeof id.start === 'string' ? { identity: { cmd: id.cmd, start: id.start } } : {}),
      };
    }
  } catch {
    /* missing, half-written or not ours: treated below */
  }
  return undefined;
}

function mtimeMs(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Whether the lock's owner is really gone: its heartbeat silent for STALE_MS (whatever the pid says; on
 * this host also one dated that far ahead: the clock was set back and no owner beat since), or, on this
 * host, its pid dead or running another process than the one that wrote the lock.
 */
export function ownerGone(info: LockInfo, now = Date.now()): boolean {
  const here = info.host === os.hostname();
  if (here && info.pid === process.pid) return false;
  const age = now - Date.parse(info.heartbeatAt);
  if (!Number.isFinite(age) || age > STALE_MS || (here && age < -STALE_MS)) return true;
  if (!here) return false;
  return !pidAlive(info.pid) || isRecordedProcess(info.pid, info.identity) === false;
}

/** Whether the lock file still names the hold `info` (nobody took it over while this process was stopped, say). */
function stillOurs(file: string, info: LockInfo): boolean {
  const now = readLock(file);
  return !now || (now.pid === info.pid && now.host === info.host && now.startedAt === info.startedAt);
}

function writeInfo(file: string, info: LockInfo): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info) + '\n');
  fs.renameSync(tmp, file);
}

function tryCreate(file: string, info: LockInfo): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(info) + '\n', { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Takes the library's lock for this process (or adds to the hold it already has).
 * Throws LibraryInUseError when another live process owns it.
 */
export function acquireLibraryLock(libraryRoot: string, holder: string): LibraryLock {
  const file = path.join(libraryRoot, LOCK_FILE);
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return handle(file, mine.tookOver, mine.previousOwner);
  }
  const now = new Date().toISOString();
  const identity = processIdentity(process.pid);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), holder, startedAt: now, heartbeatAt: now, ...(identity ? { identity } : {}) };
  let tookOver = false;
  let previousOwner: LockInfo | undefined;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, info)) break;
    let other = readLock(file);
    if (!other && Date.now() - mtimeMs(file) < 5000) {
      // Perhaps being written right now by a process taking it: look again shortly.
      sleepMs(100);
      other = readLock(file);
      if (!other && Date.now() - mtimeMs(file) < 5000)
        throw new Error(`Cannot take the lock ${file}: another process is taking it right now. Try again.`);
    }
    if (other && other.pid === process.pid && other.host === info.host) break; // left by this process (a closed hold)
    if (other && !ownerGone(other)) throw new LibraryInUseError(libraryRoot, other);
    if (attempt >= 3) throw new Error(`Cannot take the lock ${file}: another process keeps replacing it.`);
    // Abandoned (or unreadable): move it aside under a name only we use, then check it was the one we judged.
    const aside = `${file}.stale-${process.pid}`;
    try {
      fs.renameSync(file, aside);
    } catch {
      continue; // someone else moved it first: look again
    }
    const moved = readLock(aside);
    if (moved && other && moved.pid === other.pid && moved.startedAt === other.startedAt) {
      fs.rmSync(aside, { force: true });
      tookOver = true;
      previousOwner = moved;
    } else if (moved && !ownerGone(moved)) {
      // A live owner's fresh lock slipped in between our look and our move: give it back.
      fs.renameSync(aside, file);
      throw new LibraryInUseError(libraryRoot, moved);
    } else {
      fs.rmSync(aside, { force: true });
      tookOver = true;
      previousOwner = moved;
    }
  }
  writeInfo(file, info);
  const timer = setInterval(() => {
    const h = held.get(file);
    if (!h) return;
    h.info.heartbeatAt = new Date().toISOString();
    try {
      // A process that was stopped (a laptop asleep) may find its lock taken over as stale: never write over the new owner's.
      if (stillOurs(file, h.info)) writeInfo(file, h.info);
    } catch {
      /* the library folder may be gone; the work itself reports that */
    }
  }, HEARTBEAT_MS);
  timer.unref();
  held.set(file, { count: 1, info, timer, tookOver, previousOwner });
  return handle(file, tookOver, previousOwner);
}

function handle(file: string, tookOver: boolean, previousOwner?: LockInfo): LibraryLock {
  let released = false;
  return {
    file,
    tookOver,
    previousOwner,
    release: () => {
      if (released) return;
      released = true;
      const h = held.get(file);
      if (!h || --h.count > 0) return;
      clearInterval(h.timer);
      held.delete(file);
      const now = readLock(file);
      if (now && now.pid === process.pid && now.host === os.hostname()) fs.rmSync(file, { force: true });
    },
  };
}

/** Who holds the library now, if anyone alive does (for `heirloom doctor` and messages). */
export function libraryOwner(libraryRoot: string): LockInfo | undefined {
  const info = readLock(path.join(libraryRoot, LOCK_FILE));
  return info && !ownerGone(info) ? info : undefined;
}
