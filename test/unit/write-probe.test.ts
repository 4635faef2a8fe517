// The output folder's write probe (".heirloom-write-test-<pid>-<ms>", an empty file made and removed
// before a batch starts) can be left behind by a kill during start-up. The next use of the folder removes
// such leftovers, as stale temp files are removed: only empty files of exactly that name whose process is
// gone (or whose time is long past), never anything else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureOutputFolder } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir } from '../helpers/fixtures';

test('stale write probes left by a killed start-up are removed; anything else that looks like one stays', () => {
  const dir = makeTempDir('heirloom-probe-');
  try {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const now = Date.now();
    const stale = [`.heirloom-write-test-${dead}-${now}`, `.heirloom-write-test-${process.ppid}-${now - 3 * 24 * 3600_000}`];
    const kept = {
      [`.heirloom-write-test-${process.ppid}-${now}`]: '', // a live process's, made just now: it may still be probing
      [`.heirloom-write-test-${dead}-${now}.jpg`]: '', // not exactly the name
      [`.heirloom-write-test-${dead}`]: '',
      [`heirloom-write-test-${dead}-${now}`]: '',
      [`.heirloom-write-test-${dead}-${now - 1}`]: 'someone wrote in it', // not empty: not a probe
      'photo.jpg': 'a photo',
    };
    for (const f of stale) fs.writeFileSync(path.join(dir, f), '');
    for (const [f, text] of Object.entries(kept)) fs.writeFileSync(path.join(dir, f), text);
    fs.mkdirSync(path.join(dir, `.heirloom-write-test-${dead}-${now - 2}`)); // a folder of that name is not ours either

    ensureOutputFolder(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), [...Object.keys(kept), `.heirloom-write-test-${dead}-${now - 2}`].sort());
    for (const [f, text] of Object.entries(kept)) assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), text);
  } finally {
    removeDir(dir);
  }
});
