// One owner per library: a second process gets a clear "in use" message; a lock left by a process
// that is gone is taken over; holds inside one process nest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { acquireLibraryLock, LibraryInUseError, libraryOwner, LOCK_FILE, ownerGone } from '../../src-main/core/library-lock';
import { makeJobParams } from '../../src-main/core/jobs/job-params';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir } from '../helpers/fixtures';

const LOCK_MODULE = path.join(__dirname, '..', '..', 'src-main', 'core', 'library-lock.js');

/** Another process that takes the lock, says so on stdout, and holds it until killed. */
function holdInChild(dir: string): Promise<{ kill: () => Promise<void>; pid: number }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(LOCK_MODULE)}).acquireLibraryLock(${JSON.stringify(dir)}, 'a test holder'); console.log('held'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () =>
      resolve({
        pid: child.pid!,
        kill: () =>
          new Promise<void>((r) => {
            child.once('exit', () => r());
            child.kill('SIGKILL');
          }),
      }),
    );
    child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
}

test('a second process is refused with who holds the library; after the owner dies the lock is taken over', async () => {
  const dir = makeTempDir();
  try {
    const holder = await holdInChild(dir);
    assert.equal(libraryOwner(dir)?.pid, holder.pid);
    assert.throws(
      () => acquireLibraryLock(dir, 'me'),
      (e: unknown) => {
        assert.ok(e instanceof LibraryInUseError);
        assert.match((e as Error).message, new RegExp(`in use by a test holder \\(process ${holder.pid}`));
        return true;
      },
    );
    await holder.kill(); // SIGKILL: no clean-up, the lock file stays behind
    assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)));
    assert.equal(libraryOwner(dir), undefined, 'a dead owner is no owner');
    const lock = acquireLibraryLock(dir, 'me');
    assert.equal(lock.tookOver, true);
    assert.equal(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid, process.pid);
    lock.release();
    assert.equal(fs.existsSync(lock.file), false, 'released on close');
  } finally {
    removeDir(dir);
  }
});

test('holds nest inside one process; the file goes with the last release', () => {
  const dir = makeTempDir();
  try {
    const a = acquireLibraryLock(dir, 'one');
    const b = acquireLibraryLock(dir, 'two');
    a.release();
    assert.ok(fs.existsSync(b.file));
    b.release();
    b.release(); // twice is harmless
    assert.equal(fs.existsSync(b.file), false);
  } finally {
    removeDir(dir);
  }
});

test('a lock from another host is abandoned only after its heartbeat has been silent a long time', () => {
  const base = { pid: 1, host: `${os.hostname()}-elsewhere`, holder: 'x', startedAt: new Date().toISOString() };
  assert.equal(ownerGone({ ...base, heartbeatAt: new Date().toISOString() }), false);
  assert.equal(ownerGone({ ...base, heartbeatAt: new Date(Date.now() - 10 * 60_000).toISOString() }), true);
});

test('a running job is marked interrupted only when its owner is really gone', async () => {
  const dir = makeTempDir();
  try {
    const core = HeirloomCore.open({ library: dir, holder: 'test' });
    const job = core.catalogue.createJob('colorize', makeJobParams('colorize', {}), ['/nowhere/a.jpg']);
    core.catalogue.updateJobStatus(job.id, 'running');
    core.close();
    // A live owner holds the library: a second process may look, but its jobs stay as they are.
    const holder = await holdInChild(dir);
    assert.throws(() => HeirloomCore.open({ library: dir }), LibraryInUseError);
    const reader = HeirloomCore.open({ library: dir, role: 'reader' });
    assert.equal(reader.catalogue.getJob(job.id)?.status, 'running');
    reader.close();
    await holder.kill();
    const owner = HeirloomCore.open({ library: dir });
    assert.equal(owner.catalogue.getJob(job.id)?.status, 'interrupted');
    owner.close();
  } finally {
    removeDir(dir);
  }
});

/** Writes a lock as another process left it, on this host. */
function leaveLock(dir: string, info: Record<string, unknown>): void {
  const now = new Date().toISOString();
  fs.writeFileSync(
    path.join(dir, LOCK_FILE),
    JSON.stringify({ host: os.hostname(), holder: '`heirloom colorize`', startedAt: now, heartbeatAt: now, ...info }),
  );
}

test('a lock whose heartbeat is long silent is stale whatever its pid says (pid 1 is always alive)', () => {
  const dir = makeTempDir();
  try {
    leaveLock(dir, { pid: 1, startedAt: '2025-03-01T10:00:00.000Z', heartbeatAt: '2025-03-01T10:05:00.000Z' });
    assert.equal(libraryOwner(dir), undefined);
    const lock = acquireLibraryLock(dir, 'me');
    assert.equal(lock.tookOver, true);
    assert.equal(lock.previousOwner?.pid, 1);
    lock.release();
    // A heartbeat dated far ahead on this host (the clock was set back since): no live owner left it so.
    leaveLock(dir, { pid: 1, heartbeatAt: new Date(Date.now() + 24 * 3600_000).toISOString() });
    assert.equal(libraryOwner(dir), undefined);
    acquireLibraryLock(dir, 'me').release();
  } finally {
    removeDir(dir);
  }
});

test(
  'a fresh lock whose pid now runs something else than Heirloom is stale (Linux: /proc/<pid>/cmdline)',
  { skip: process.platform !== 'linux' },
  async () => {
    const dir = makeTempDir();
    const other = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      await new Promise((r) => other.once('spawn', r));
      // A lock written by an older Heirloom (no identity recorded): the pid must at least run Heirloom.
      leaveLock(dir, { pid: other.pid });
      assert.equal(libraryOwner(dir), undefined, '`sleep` is not Heirloom');
      // A lock that records its owner's identity: another process at that pid is not its owner.
      leaveLock(dir, { pid: other.pid, identity: { cmd: 'f'.repeat(40), start: '123' } });
      assert.equal(libraryOwner(dir), undefined);
      const lock = acquireLibraryLock(dir, 'me');
      assert.equal(lock.tookOver, true);
      lock.release();
    } finally {
      other.kill('SIGKILL');
      removeDir(dir);
    }
  },
);

test('a live owner with a fresh heartbeat keeps its lock: its identity is the one it recorded', async () => {
  const dir = makeTempDir();
  const holder = await holdInChild(dir);
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'));
    if (process.platform === 'linux') assert.ok(info.identity?.cmd && info.identity?.start, 'the owner recorded who it is');
    assert.equal(ownerGone(info), false);
    assert.throws(() => acquireLibraryLock(dir, 'me'), LibraryInUseError);
  } finally {
    await holder.kill();
    removeDir(dir);
  }
});
