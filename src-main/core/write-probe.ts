// Whether a folder takes files: one tiny probe file, ".heirloom-write-test-<pid>-<ms>", made and removed
// at once. A kill between the two leaves it behind; the next probe of the folder removes such leftovers
// as stale temp files are removed: only empty files of exactly that name whose process is gone, or whose
// time is long past (its pid since reused), never anything Heirloom did not write.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pidAlive } from './process-identity';

const PROBE = /^\.heirloom-write-test-(\d{1,10})-(\d{1,15})$/;
/** A probe this old is stale even when a process with its pid is alive (pids are reused). */
const PROBE_STALE_MS = 24 * 60 * 60 * 1000;

/** Writes and removes a probe in `dir`; throws what writing there throws (read-only disk, permissions, full). */
export function probeWritable(dir: string): void {
  removeStaleWriteProbes(dir);
  const probe = path.join(dir, `.heirloom-write-test-${process.pid}-${Date.now()}`);
  fs.writeFileSync(probe, '', { flag: 'wx' });
  fs.rmSync(probe, { force: true });
}

/** Removes probes in `dir` that a killed process left; returns their names. */
export function removeStaleWriteProbes(dir: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = PROBE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    if (pidAlive(pid) && now - Number(m[2]) < PROBE_STALE_MS) continue; // perhaps probing right now
    const file = path.join(dir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || st.size !== 0) continue; // a probe is always an empty file
      fs.unlinkSync(file);
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}
