// The desktop app's core host runs in its own process (utilityProcess in Electron, child_process here):
// calls go over messages, arguments are validated there too, and job events flow back.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp = require('sharp');
import { hostArgs, parseHostArgs } from '../../src-main/api/host-args';
import { HostClient, type HostReply } from '../../src-main/api/rpc';
import type { ImportResult, JobInfo, PhotoPage, Status } from '../../src-main/api/types';

let dir: string;
let child: ChildProcess;
let host: HostClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-host-'));
  await sharp({ create: { width: 80, height: 60, channels: 3, background: '#777' } })
    .jpeg()
    .toFile(path.join(dir, 'a.jpg'));
  child = fork(
    path.join(__dirname, '..', '..', 'src-main', 'api', 'host.js'),
    hostArgs({ library: path.join(dir, 'lib'), mediaBase: 'heirloom-media://media/' }),
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  host = new HostClient({
    send: (m) => child.send(m),
    onMessage: (cb) => child.on('message', (m) => cb(m as HostReply)),
    onExit: (cb) => child.on('exit', cb),
  });
  await host.ready;
});

after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    await host.close().catch(() => undefined);
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the host process serves the API and reports the desktop import mode', async () => {
  assert.notEqual(child.pid, process.pid);
  const s = (await host.call('getStatus')) as Status;
  assert.equal(s.importByDialog, true);
  assert.equal(s.importByPath, false);
  const r = (await host.call('importPaths', [path.join(dir, 'a.jpg')])) as ImportResult;
  assert.equal(r.imported.length, 1);
  const page = (await host.call('listPhotos', { sort: 'name' })) as PhotoPage;
  assert.equal(page.items[0].thumbUrl, `heirloom-media://media/thumb/${page.items[0].id}`);
  assert.ok(fs.existsSync((await host.mediaPath('thumb', page.items[0].id))!));
  assert.equal(await host.mediaPath('thumb', 9999), null);
});

test('arguments are validated in the host as well', async () => {
  await assert.rejects(host.call('getPhoto', 'a' as unknown as number), /invalid argument/);
  await assert.rejects(host.call('nope' as 'getStatus'), /unknown method/);
  await assert.rejects(host.mediaPath('../../etc' as 'thumb', 1), /bad media request/);
});

test('job events cross the process boundary', async () => {
  const page = (await host.call('listPhotos', {})) as PhotoPage;
  const finished = new Promise<JobInfo>((resolve) => host.onJob((j) => j.finishedAt && resolve(j)));
  await host.call('colorize', { photoIds: [page.items[0].id] });
  const j = await finished;
  assert.equal(j.state, 'done');
  assert.equal(j.done, 1);
});

test("the host's command line carries the library, media base and installation paths", () => {
  const o = {
    library: '/l',
    mediaBase: 'heirloom-media://media/',
    install: { appRoot: '/app', modelsDir: '/res/models', sqliteBinding: '/res/native/b.node' },
  };
  assert.deepEqual(parseHostArgs(hostArgs(o)), o);
  assert.deepEqual(parseHostArgs([]), {
    library: undefined,
    mediaBase: 'heirloom-media://media/',
    install: { appRoot: undefined, modelsDir: undefined, sqliteBinding: undefined },
  });
});
