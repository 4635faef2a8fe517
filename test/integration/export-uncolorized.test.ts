// Issue 30, item 2: an album with a photo not colorized yet. Without being told, the export is refused before
// anything starts (no job is recorded), naming that photo; with originalsForUncolorized (the CLI's
// --originals-for-uncolorized) that photo goes in as its original, said so in its EXIF, beside the colorized one.
// Small synthetic photos; the shipped model colorizes one of them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import exifReader from 'exif-reader';
import sharp = require('sharp');
import { ExportError, runExport } from '../../src-main/core/export';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { problemOf } from '../../src-main/contract/problems';
import { makeTempDir, removeDir, runCli, writePhoto } from '../helpers/fixtures';

/** Mean distance of the pixels from grey: 0 for a black-and-white photo. */
async function chroma(file: string): Promise<number> {
  const { data } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let i = 0; i < data.length; i += 3) sum += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
  return sum / (data.length / 3);
}

describe('export of an album with a photo not colorized yet', () => {
  let dir: string;
  let library: string;
  let core: HeirloomCore;
  let albumId: number;
  let plainId: number;

  before(async () => {
    dir = makeTempDir('heirloom-uncolorized-');
    library = path.join(dir, 'library');
    const done = await writePhoto(path.join(dir, 'scans', 'Garden 1950.jpg'), 240, 180, { colour: false, seed: 1 });
    const plain = await writePhoto(path.join(dir, 'scans', 'Porch 1951.jpg'), 240, 180, { colour: false, seed: 2 });
    core = HeirloomCore.open({ library });
    const r = await core.colorizeBatch([done]);
    assert.equal(r.status, 'done', JSON.stringify(r.results));
    plainId = (await core.importPhoto(plain)).id;
    const colouredId = core.catalogue.listOriginals().find((o) => o.path === path.resolve(done))!.id;
    albumId = core.catalogue.createAlbum('Summer').id;
    core.catalogue.addToAlbum(albumId, [colouredId, plainId]);
  });

  after(() => {
    core?.close();
    if (dir) removeDir(dir);
  });

  test('refused before anything starts, naming the photo: no job is recorded', async () => {
    const jobs = core.catalogue.listJobs().length;
    assert.throws(
      () => core.albums.recordExportJob(albumId, { parentDir: path.join(dir, 'out') }),
      (e: unknown) => {
        const p = problemOf(e);
        return e instanceof ExportError && e.code === 'not-colorized' && p.code === 'export.notColorized' && p.params.names === 'Porch 1951.jpg';
      },
    );
    assert.equal(core.catalogue.listJobs().length, jobs, 'no export job was queued');
    await assert.rejects(runExport(core.catalogue, albumId, path.join(dir, 'out', 'refused'), { appVersion: '0.0.0-test' }), /not colorized yet/);
    assert.equal(fs.existsSync(path.join(dir, 'out', 'refused')), false);
  });

  test('with originalsForUncolorized: the original goes in for it, said so in its EXIF; the web album has both', async () => {
    const start = core.albums.recordExportJob(albumId, { parentDir: path.join(dir, 'out'), originalsForUncolorized: true, names: '{name}' });
    assert.ok(start.job, 'the export job is recorded');
    const target = path.join(dir, 'out', 'with-originals');
    await runExport(core.catalogue, albumId, target, { appVersion: '0.0.0-test', names: '{name}', html: true, originalsForUncolorized: true });
    const files = fs.readdirSync(target).sort();
    assert.ok(files.includes('Garden 1950.jpg') && files.includes('Porch 1951.jpg') && files.includes('index.html'), files.join(', '));
    const porch = path.join(target, 'Porch 1951.jpg');
    const exif = exifReader((await sharp(porch).metadata()).exif!);
    assert.equal(String(exif.Image!.Software), 'Heirloom 0.0.0-test (original, not colorized)');
    assert.match(Buffer.from(exif.Photo!.UserComment as Buffer).toString('latin1'), /as the original: this photo was not colorized/);
    assert.ok((await chroma(porch)) < 3, 'the uncolorized photo is its black-and-white original');
    assert.ok((await chroma(path.join(target, 'Garden 1950.jpg'))) > 3, 'the other is its colorized version');
    assert.ok(fs.existsSync(path.join(target, 'web', 'Porch 1951.jpg')) && fs.existsSync(path.join(target, 'web', 'Porch 1951-before.jpg')));
  });

  test('CLI: refused with what to do; --originals-for-uncolorized exports both', () => {
    core.close();
    try {
      const to = path.join(dir, 'out', 'cli');
      let r = runCli(['export', 'Summer', '--to', to], { library });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /Porch 1951\.jpg/);
      assert.match(r.stderr, /--originals-for-uncolorized/);
      r = runCli(['export', 'Summer', '--to', to, '--originals-for-uncolorized', '--names', '{name}'], { library });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(
        fs
          .readdirSync(r.stdout.trim())
          .filter((f) => f.endsWith('.jpg'))
          .sort(),
        ['Garden 1950.jpg', 'Porch 1951.jpg'],
      );
    } finally {
      core = HeirloomCore.open({ library });
    }
  });
});
