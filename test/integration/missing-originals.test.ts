// Moved and deleted originals on the command line (as in the window): `heirloom list` marks them,
// `heirloom locate` finds one again (the file, checked by its contents, or a folder searched for it),
// `heirloom remove` takes a photo out of the library without touching the person's file, and deletes
// the versions Heirloom made only with --delete-versions.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp = require('sharp');
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { runCli } from '../helpers/fixtures';

const grey = async (file: string, seed: number): Promise<void> => {
  const w = 64;
  const h = 48;
  const px = Buffer.alloc(w * h);
  for (let i = 0; i < px.length; i++) px[i] = (i * (seed + 3) + seed * 17) % 256;
  await sharp(px, { raw: { width: w, height: h, channels: 1 } })
    .jpeg()
    .toFile(file);
};

describe('missing originals: list, locate, remove (CLI)', () => {
  let dir: string;
  let library: string;
  const ids: Record<string, number> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-missing-'));
    library = path.join(dir, 'lib');
    fs.mkdirSync(path.join(dir, 'photos'));
    for (const [i, n] of ['a', 'b', 'c'].entries()) await grey(path.join(dir, 'photos', `${n}.jpg`), i);
    const core = HeirloomCore.open({ library });
    try {
      for (const n of ['a', 'b', 'c']) ids[n] = (await core.importPhoto(path.join(dir, 'photos', `${n}.jpg`))).id;
    } finally {
      core.close();
    }
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a moved file is listed as missing, refused when another photo is named, and found in a folder', () => {
    fs.mkdirSync(path.join(dir, 'elsewhere', 'deep'), { recursive: true });
    fs.renameSync(path.join(dir, 'photos', 'a.jpg'), path.join(dir, 'elsewhere', 'deep', 'a renamed.jpg'));
    const list = runCli(['list'], { library });
    assert.match(list.stdout, new RegExp(`#${ids.a} .*MISSING: heirloom locate ${ids.a}`));
    const wrong = runCli(['locate', String(ids.a), path.join(dir, 'photos', 'b.jpg')], { library });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /contents differ.*\[photo\.wrongFile\]/);
    const nowhere = runCli(['locate', String(ids.a), path.join(dir, 'photos')], { library });
    assert.equal(nowhere.status, 1);
    assert.match(nowhere.stderr, /\[locate\.notInFolder\]/);
    const found = runCli(['locate', String(ids.a), path.join(dir, 'elsewhere')], { library });
    assert.equal(found.status, 0, found.stderr);
    assert.match(found.stdout, /a renamed\.jpg/);
    assert.doesNotMatch(runCli(['list'], { library }).stdout, /MISSING/);
  });

  test("remove: the person's file stays; the versions Heirloom made go only with --delete-versions", () => {
    const core = HeirloomCore.open({ library });
    let kept: string;
    let gone: string;
    try {
      // Two versions "made by Heirloom" in its outputs folder, one per photo (the catalogue records them as results).
      if (!core.catalogue.getCheckpoint('test'))
        core.catalogue.registerCheckpoint({ id: 'test', name: 'test', path: path.join(dir, 'model'), kind: 'finetuned' });
      const out = (id: number, name: string): string => {
        const f = path.join(core.paths.outputs, name);
        fs.copyFileSync(path.join(dir, 'photos', 'c.jpg'), f);
        core.catalogue.addOutput({ originalId: id, path: f, checkpointId: 'test', params: {} });
        return f;
      };
      kept = out(ids.b, 'b-colour.jpg');
      gone = out(ids.c, 'c-colour.jpg');
    } finally {
      core.close();
    }
    const r1 = runCli(['remove', String(ids.b)], { library });
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, /Removed #\d+ b\.jpg .*not touched.*1 version file\(s\) kept/);
    assert.ok(fs.existsSync(path.join(dir, 'photos', 'b.jpg')), "the person's file stays");
    assert.ok(fs.existsSync(kept), 'not asked to delete the versions: their file stays');
    const r2 = runCli(['remove', String(ids.c), '--delete-versions'], { library });
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /1 version\(s\) deleted/);
    assert.ok(fs.existsSync(path.join(dir, 'photos', 'c.jpg')), "the person's file stays");
    assert.equal(fs.existsSync(gone), false, 'the version Heirloom made is deleted');
    const r3 = runCli(['remove', String(ids.c)], { library });
    assert.equal(r3.status, 1);
    assert.match(r3.stderr, /\[photo\.notInLibrary\]/);
    const list = runCli(['list', '--json'], { library });
    assert.deepEqual(
      (JSON.parse(list.stdout) as { id: number }[]).map((p) => p.id),
      [ids.a],
    );
  });
});
