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
