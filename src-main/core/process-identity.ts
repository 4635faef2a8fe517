// Whether a process id still names the process that wrote a lock. Pids are reused (after a reboot a
// dead owner's pid may be init's, pid 1, for ever), so on Linux the lock records its owner's command
// line (hashed) and start time from /proc, and a pid whose /proc entry says otherwise is someone else.
// Elsewhere only "does this pid exist" can be asked; the lock's heartbeat covers the rest.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

export interface ProcessIdentity {
  /** sha1 of /proc/<pid>/cmdline. */
  readonly cmd: string;
  /** The process's start time in clock ticks after boot (/proc/<pid>/stat, field 22). */
  readonly start: string;
}

/** Whether a process with this id exists (one of another user's counts). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function procCmdline(pid: number): string | undefined {
  if (process.platform !== 'linux' || !Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return undefined;
  }
}

/** The identity of a running process, on Linux; undefined elsewhere or when /proc does not say. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const cmdline = procCmdline(pid);
  if (cmdline === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields are counted after the last ')'.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (!start || !/^\d+$/.test(start)) return undefined;
    return { cmd: createHash('sha1').update(cmdline).digest('hex'), start };
  } catch {
    return undefined;
  }
}

/**
 * Whether the live process `pid` is the Heirloom process that recorded `recorded`: true or false when
 * /proc can tell, undefined when it cannot (not Linux, or /proc hidden). Without a recorded identity (a
 * lock from an older Heirloom) the process must at least be Heirloom: its command line names it (the CLI's
 * bin/heirloom.js, the packaged app) or Electron (the desktop app run from a checkout).
 */
export function isRecordedProcess(pid: number, recorded: ProcessIdentity | undefined): boolean | undefined {
  const cmdline = procCmdline(pid);
  if (cmdline === undefined) return undefined;
  if (!recorded) return /heirloom|electron/i.test(cmdline);
  const now = processIdentity(pid);
  if (!now) return undefined;
  return now.cmd === recorded.cmd && now.start === recorded.start;
}
