// Albums and export on real files: 5 small photos imported and colorized with the shipped model, then
// exported as JPEG/PNG/TIFF folders, with originals, as a ZIP and as an offline web album opened from disk
// in headless Chromium. Hostile names, a crash mid-export and an existing target are covered too, and so
// are the places an export must never go or replace (target-safety.ts): a folder no export made, the parent
// through "..", a drive's top folder, the library, a folder of originals, the home folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import exifReader from 'exif-reader';
import sharp = require('sharp');
import type { Browser } from 'playwright-core';
import { ExportError, exportTargetFor, runExport, type ExportRunOptions } from '../../src-main/core/export';
import { MANIFEST_NAME } from '../../src-main/core/export/manifest';
import { ZIP_MARK, zipComment } from '../../src-main/core/export/target-safety';
import { writeZip } from '../../src-main/core/export/zip';
import { listZip } from '../helpers/zip';
import { CHROMIUM, launchChromium } from '../helpers/e2e';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { listFilesDeep, makeTempDir, removeDir, REPO_ROOT, runCli, sha256File, writePhoto } from '../helpers/fixtures';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'albums');
const HOSTILE_ALBUM = '../../evil <script>alert(1)</script>';
const HOSTILE_CAPTION = '</figcaption><script>alert("x")</script><img src=https://example.com/x.png>';
// Names a family's scans really can have on Linux/macOS, plus ones that are illegal on Windows.
const PHOTO_NAMES = ['CON.jpg', 'a\\b <c>.jpg', 'Grandma "Rose" & me.jpg', 'nul .jpg', 'Summer 1958.jpg'];
const DATES = ['1958:07:14 12:30:00', null, '1961:12:24 18:00:00', null, '1958:08:01 09:15:00'];

let dir: string;
let core: HeirloomCore;
let albumId: number;
let photoIds: number[] = [];
const base = (extra: Partial<ExportRunOptions> = {}): ExportRunOptions => ({ appVersion: '0.0.0-test', ...extra });

before(async () => {
  dir = makeTempDir('heirloom-albums-');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < PHOTO_NAMES.length; i++) {
    const date = DATES[i];
    files.push(
      // One portrait print: the web album must fit it to the window too.
      await writePhoto(path.join(dir, 'scans', PHOTO_NAMES[i]!), i === 1 ? 240 : 320, i === 1 ? 320 : 240, {
        colour: false,
        seed: i,
        transform: (img) =>
          (date ? img.withExif({ IFD0: { Make: 'Kodak', Model: 'Brownie' }, IFD2: { DateTimeOriginal: date } }) : img).jpeg({ quality: 90 }),
      }),
    );
  }
  core = HeirloomCore.open({ library: path.join(dir, 'library') });
  const summary = await core.colorizeBatch(files);
  assert.equal(summary.status, 'done', JSON.stringify(summary.results));
  photoIds = files.map((f) => core.catalogue.listOriginals().find((o) => o.path === path.resolve(f))!.id);
  albumId = core.catalogue.createAlbum(HOSTILE_ALBUM).id;
  core.catalogue.addToAlbum(albumId, photoIds);
  core.catalogue.setAlbumItemCaption(albumId, photoIds[2]!, HOSTILE_CAPTION);
  core.catalogue.setAlbumItemCaption(albumId, photoIds[4]!, '../../evil');
});

after(() => {
  core?.close();
  if (dir) removeDir(dir);
});

/**
 * Every file under `root`, resolved, must stay inside it; no name may be unusable on Windows. The export's
 * manifest (what lets a later export replace it) lists exactly the other files, which are returned.
 */
function assertContained(root: string): string[] {
  const files = listFilesDeep(root);
  for (const rel of files) {
    const abs = path.resolve(root, rel);
    assert.ok(abs.startsWith(root + path.sep), `${rel} escapes ${root}`);
    for (const seg of rel.split(path.sep)) {
      assert.doesNotMatch(seg, /[<>:"\\|?*\u0000-\u001f]|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)|[ .]$/i, `unsafe name ${seg}`);
    }
  }
  const made = files.filter((f) => f !== MANIFEST_NAME);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, MANIFEST_NAME), 'utf8'));
  assert.equal(manifest.complete, true);
  assert.deepEqual([...manifest.files].sort(), made.map((f) => f.split(path.sep).join('/')).sort());
  return made;
}

async function spread(file: string | Buffer, region?: sharp.Region): Promise<number> {
  let img = sharp(file).removeAlpha().toColourspace('srgb');
  if (region) img = img.extract(region);
  const { data } = await img.raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let i = 0; i < data.length; i += 3) sum += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
  return sum / (data.length / 3);
}

describe('album export', () => {
  test('JPEG folder: order, template names, size preset, EXIF date and colorization note carried over', async () => {
    const target = path.join(dir, 'out', 'jpg');
    const progress: number[] = [];
    const res = await runExport(
      core.catalogue,
      albumId,
      target,
      base({ maxSize: 200, quality: 80, names: '{n}-{date}-{name}', onProgress: (p) => p.phase === 'photos' && progress.push(p.done) }),
    );
    assert.equal(res.target, target);
    assert.deepEqual(progress, [1, 2, 3, 4, 5]);
    const files = assertContained(target);
    assert.deepEqual(
      files,
      [
        '1-1958-07-14-CON.jpg',
        '2-undated-a_b _c_.jpg',
        '3-1961-12-24-Grandma _Rose_ & me.jpg',
        '4-undated-nul.jpg',
        '5-1958-08-01-Summer 1958.jpg',
      ].map((f) => f.replace(/^(\d)-/, '0$1-')),
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(target)).filter((f) => f.startsWith('.')),
      [],
      'no partial folder left',
    );
    const first = path.join(target, files[0]!);
    const meta = await sharp(first).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(Math.max(meta.width!, meta.height!), 200);
    const exif = exifReader(meta.exif!);
    assert.equal((exif.Photo!.DateTimeOriginal as Date).toISOString(), '1958-07-14T12:30:00.000Z');
    assert.equal(exif.Image!.Make, 'Kodak');
    assert.match(String(exif.Image!.Software), new RegExp(`^Heirloom 0\\.0\\.0-test \\(colorized with ${DEFAULT_MODEL_ID}`));
    assert.match(Buffer.from(exif.Photo!.UserComment as Buffer).toString('latin1'), new RegExp(`Colorized by Heirloom .*${DEFAULT_MODEL_ID}`));
    assert.ok(meta.icc, 'a colour profile is embedded');
    assert.ok((await spread(first)) > 2, 'the exported photo is the colorized one');
  });

  test('PNG and TIFF folders at full size', async () => {
    for (const format of ['png', 'tiff'] as const) {
      const target = path.join(dir, 'out', format);
      await runExport(core.catalogue, albumId, target, base({ format, names: '{name}' }));
      const files = assertContained(target);
      assert.equal(files.length, 5);
      assert.ok(
        files.includes(`_CON.${format === 'png' ? 'png' : 'tif'}`) && files.includes(`_nul.${format === 'png' ? 'png' : 'tif'}`),
        files.join(', '),
      );
      const ext = format === 'png' ? '.png' : '.tif';
      assert.ok(
        files.every((f) => f.endsWith(ext)),
        files.join(', '),
      );
      const meta = await sharp(path.join(target, `_CON.${format === 'png' ? 'png' : 'tif'}`)).metadata();
      assert.equal(meta.format, format);
      assert.deepEqual([meta.width, meta.height], [320, 240]);
      if (format === 'png') assert.equal((exifReader(meta.exif!).Photo!.DateTimeOriginal as Date).getUTCFullYear(), 1958);
    }
  });

  test('with originals: copied byte for byte beside the colorized photos', async () => {
    const target = path.join(dir, 'out', 'with-originals');
    await runExport(core.catalogue, albumId, target, base({ withOriginals: true }));
    const originals = fs.readdirSync(path.join(target, 'originals')).sort();
    assert.equal(originals.length, 5);
    const sources = photoIds.map((id) => core.catalogue.getOriginal(id)!.path);
    assert.deepEqual(originals.map((f) => sha256File(path.join(target, 'originals', f))).sort(), sources.map(sha256File).sort());
    assertContained(target);
  });

  test('ZIP: one archive whose entries unzip cleanly under one folder; no folder left behind', async () => {
    const target = path.join(dir, 'out', 'Summer album');
    const res = await runExport(core.catalogue, albumId, target, base({ zip: true, html: true, withOriginals: true }));
    assert.equal(res.target, `${target}.zip`);
    assert.equal(fs.existsSync(target), false);
    const names = await listZip(res.target);
    assert.equal(names[0], 'Summer album/index.html');
    assert.equal(names.filter((n) => /^Summer album\/\d\d-[^/]+\.jpg$/.test(n)).length, 5);
    assert.equal(names.filter((n) => n.startsWith('Summer album/originals/')).length, 5);
    assert.equal(names.filter((n) => n.startsWith('Summer album/web/')).length, 10);
    assert.ok(
      names.every((n) => !n.includes('..') && !n.startsWith('/') && !n.includes('.heirloom-export')),
      names.join('\n'),
    );
    const unzip = spawnSync('unzip', ['-t', res.target], { encoding: 'utf8' });
    if (!unzip.error) assert.equal(unzip.status, 0, unzip.stdout);
    assert.deepEqual(
      fs.readdirSync(path.dirname(target)).filter((f) => f.startsWith('.heirloom')),
      [],
    );
  });

  test('hostile album and photo names stay inside the chosen folder', async () => {
    const parent = path.join(dir, 'out', 'hostile');
    const target = exportTargetFor(parent, HOSTILE_ALBUM);
    assert.equal(path.dirname(target), parent);
    await runExport(core.catalogue, albumId, target, base({ names: '{album}-{name}', html: true, withOriginals: true }));
    assert.deepEqual(fs.readdirSync(parent), [path.basename(target)]);
    assert.equal(fs.existsSync(path.join(dir, 'evil')) || fs.existsSync(path.join(dir, 'out', 'evil')), false);
    const files = assertContained(target);
    assert.equal(files.length, 1 + 5 + 5 + 10);
    const html = fs.readFileSync(path.join(target, 'index.html'), 'utf8');
    assert.equal(html.match(/<script\b/g)?.length, 1, "only the page's own script");
    assert.ok(!html.includes('example.com/x.png"'), 'no injected image');
    assert.ok(html.includes('&lt;/figcaption&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  });

  test('a crash or cancel mid-export leaves no target; running it again continues and completes', async () => {
    const target = path.join(dir, 'out', 'resumed');
    const partial = path.join(path.dirname(target), '.heirloom-export-resumed.partial');
    const ctrl = new AbortController();
    await assert.rejects(
      runExport(core.catalogue, albumId, target, base({ html: true, signal: ctrl.signal, onProgress: (p) => p.done === 2 && ctrl.abort() })),
      (e: unknown) => e instanceof ExportError && e.code === 'cancelled',
    );
    assert.equal(fs.existsSync(target), false, 'no half album at the target');
    assert.ok(fs.existsSync(path.join(partial, '.heirloom-export.json')), 'the work so far is kept for a resume');
    const finished = fs.readdirSync(partial).filter((f) => f.endsWith('.jpg'));
    assert.equal(finished.length, 2);
    // A torn write left over from a hard crash is ignored, not shipped.
    fs.writeFileSync(path.join(partial, '.03-x.jpg.123.tmp'), 'torn');

    const res = await runExport(core.catalogue, albumId, target, base({ html: true }));
    assert.equal(res.resumed, true);
    assert.equal(res.reused, 6, '2 photos + 4 web images were not made again');
    assert.equal(res.written, 3 + 6);
    assert.equal(fs.existsSync(partial), false);
    const files = assertContained(target);
    assert.equal(files.filter((f) => /^\d\d-.*\.jpg$/.test(f)).length, 5);
    assert.ok(!files.some((f) => f.endsWith('.tmp') || f.endsWith('.json')), files.join(', '));

    // Different options cannot reuse a leftover: it is started afresh.
    const ctrl2 = new AbortController();
    const t2 = path.join(dir, 'out', 'restarted');
    await assert.rejects(runExport(core.catalogue, albumId, t2, base({ signal: ctrl2.signal, onProgress: (p) => p.done === 1 && ctrl2.abort() })));
    const res2 = await runExport(core.catalogue, albumId, t2, base({ format: 'png' }));
    assert.equal(res2.resumed, false);
    assert.equal(res2.reused, 0);
    assert.ok(assertContained(t2).every((f) => f.endsWith('.png')));
  });

  test('a folder that no export made is never replaced, with or without overwrite; its files stay', async () => {
    const target = path.join(dir, 'out', 'existing');
    fs.mkdirSync(path.join(target, 'letters'), { recursive: true });
    fs.writeFileSync(path.join(target, 'family-notes.txt'), 'keep me');
    fs.writeFileSync(path.join(target, 'letters', '1958.txt'), 'dear Rose');
    for (const overwrite of [false, true]) {
      await assert.rejects(
        runExport(core.catalogue, albumId, target, base({ overwrite })),
        (e: unknown) =>
          e instanceof ExportError && e.code === 'not-an-export' && /is not a folder that Heirloom exported.*nothing was replaced/.test(e.message),
      );
      assert.deepEqual(listFilesDeep(target), ['family-notes.txt', path.join('letters', '1958.txt')]);
      assert.equal(fs.readFileSync(path.join(target, 'family-notes.txt'), 'utf8'), 'keep me');
      assert.deepEqual(
        fs.readdirSync(path.dirname(target)).filter((f) => f.startsWith('.heirloom')),
        [],
      );
    }
    // A file where the folder would go, and a .zip that Heirloom did not make (a real archive), are not replaced either.
    const file = path.join(dir, 'out', 'a-file');
    fs.writeFileSync(file, 'not a folder');
    await assert.rejects(
      runExport(core.catalogue, albumId, file, base({ overwrite: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'not-an-export',
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'not a folder');
    const otherZip = path.join(dir, 'out', 'holiday.zip');
    await writeZip(otherZip, [{ name: 'holiday/notes.txt', file: path.join(target, 'family-notes.txt') }]);
    const zipBytes = fs.readFileSync(otherZip);
    await assert.rejects(
      runExport(core.catalogue, albumId, otherZip, base({ zip: true, overwrite: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'not-an-export' && /is not a \.zip that Heirloom exported/.test(e.message),
    );
    assert.ok(fs.readFileSync(otherZip).equals(zipBytes), 'the other archive is untouched');
  });

  test('a second export replaces an earlier Heirloom export (folder or .zip), only when asked to', async () => {
    const target = path.join(dir, 'out', 'again');
    await runExport(core.catalogue, albumId, target, base({ html: true }));
    assert.equal(assertContained(target).length, 1 + 5 + 10);
    await assert.rejects(runExport(core.catalogue, albumId, target, base()), (e: unknown) => e instanceof ExportError && e.code === 'target-exists');
    await runExport(core.catalogue, albumId, target, base({ overwrite: true, format: 'png' }));
    const files = assertContained(target);
    assert.equal(files.length, 5);
    assert.ok(
      files.every((f) => f.endsWith('.png')),
      files.join(', '),
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(target)).filter((f) => f.startsWith('.heirloom')),
      [],
      'the old export is gone, nothing aside',
    );

    const zip = path.join(dir, 'out', 'again-zip');
    const first = await runExport(core.catalogue, albumId, zip, base({ zip: true }));
    assert.ok(zipComment(first.target)?.includes(ZIP_MARK), 'the archive says Heirloom made it');
    await assert.rejects(
      runExport(core.catalogue, albumId, zip, base({ zip: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'target-exists',
    );
    const second = await runExport(core.catalogue, albumId, zip, base({ zip: true, overwrite: true, format: 'png' }));
    assert.equal(second.target, first.target);
    assert.equal((await listZip(second.target)).filter((n) => n.endsWith('.png')).length, 5);
  });

  test('"<folder>/.." never replaces the parent, also through a symlink; the parent and its files stay', async () => {
    const parent = path.join(dir, 'out', 'parent');
    const earlier = path.join(parent, 'earlier');
    await runExport(core.catalogue, albumId, earlier, base());
    fs.writeFileSync(path.join(parent, 'letter.txt'), 'keep');
    const before = listFilesDeep(parent);
    // Typed with "..", the path is refused as it is; resolved, it names the parent, which no export made.
    await assert.rejects(
      runExport(core.catalogue, albumId, `${earlier}${path.sep}..`, base({ overwrite: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'bad-target',
    );
    await assert.rejects(
      runExport(core.catalogue, albumId, path.join(earlier, '..'), base({ overwrite: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'not-an-export',
    );
    await assert.rejects(
      runExport(core.catalogue, albumId, `${earlier}${path.sep}..${path.sep}`, base({ overwrite: true, zip: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'bad-target',
    );
    const link = path.join(dir, 'out', 'link-to-parent');
    fs.symlinkSync(parent, link);
    await assert.rejects(
      runExport(core.catalogue, albumId, link, base({ overwrite: true })),
      (e: unknown) => e instanceof ExportError && e.code === 'not-an-export',
    );
    assert.deepEqual(listFilesDeep(parent), before);
    assert.equal(fs.readlinkSync(link), parent);
  });

  test('a drive\'s top folder is refused: "--to / --zip" writes no "/.zip"; a bare ".zip" is named after the album', async () => {
    const root = path.parse(dir).root;
    const strays = [path.join(root, '.zip'), path.join(root, '.heirloom-export-.zip.partial')];
    assert.deepEqual(
      strays.filter((f) => fs.existsSync(f)),
      [],
      'nothing there before',
    );
    for (const zip of [true, false]) {
      await assert.rejects(
        runExport(core.catalogue, albumId, root, base({ zip })),
        (e: unknown) => e instanceof ExportError && e.code === 'unsafe-target' && e.reason === 'root' && /nothing was changed/.test(e.message),
      );
    }
    assert.deepEqual(
      strays.filter((f) => fs.existsSync(f)),
      [],
    );
    const named = await runExport(core.catalogue, albumId, path.join(dir, 'out', 'zips', '.zip'), base({ zip: true }));
    assert.equal(named.target, exportTargetFor(path.join(dir, 'out', 'zips'), HOSTILE_ALBUM, true));
    assert.notEqual(path.basename(named.target), '.zip');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out', 'zips')), [path.basename(named.target)]);
  });

  test('the library (but for its exports folder), a folder of originals and the home folder are refused', async () => {
    const library = core.catalogue.libraryRoot;
    const scans = path.join(dir, 'scans');
    const snapshot = (d: string): string[] => listFilesDeep(d).map((f) => `${f} ${sha256File(path.join(d, f))}`);
    const scansBefore = snapshot(scans);
    const libraryBefore = listFilesDeep(library).filter((f) => !f.startsWith('exports') && !f.startsWith('catalogue'));
    const refused = (to: string, reason: string, extra: Partial<ExportRunOptions> = {}) =>
      assert.rejects(
        runExport(core.catalogue, albumId, to, base({ overwrite: true, ...extra })),
        (e: unknown) => e instanceof ExportError && e.code === 'unsafe-target' && e.reason === reason && /nothing was changed/.test(e.message),
        `${to} (${reason})`,
      );
    await refused(library, 'library');
    await refused(path.join(library, 'outputs'), 'library');
    await refused(path.join(library, 'models', 'new-folder'), 'library', { overwrite: false });
    await refused(path.join(library, 'exports'), 'library');
    await refused(path.join(library, 'thumbs'), 'library', { zip: true });
    await refused(dir, 'library'); // holds the library (and the originals)
    await refused(scans, 'originals');
    const link = path.join(dir, 'out', 'scans-link');
    fs.symlinkSync(scans, link);
    await refused(link, 'originals');
    assert.deepEqual(snapshot(scans), scansBefore, 'the originals are untouched');
    assert.deepEqual(
      listFilesDeep(library).filter((f) => !f.startsWith('exports') && !f.startsWith('catalogue')),
      libraryBefore,
    );

    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, 'Desktop'), { recursive: true });
    fs.writeFileSync(path.join(home, 'diary.txt'), 'private');
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      await refused(home, 'home');
      // A new folder inside the home folder is the ordinary place for an export.
      const res = await runExport(core.catalogue, albumId, path.join(home, 'Desktop', 'Album'), base());
      assert.equal(assertContained(res.target).length, 5);
    } finally {
      if (savedHome === undefined) delete process.env.HOME;
      else process.env.HOME = savedHome;
    }
    assert.equal(fs.readFileSync(path.join(home, 'diary.txt'), 'utf8'), 'private');

    // The library's own exports folder takes exports, and an earlier one there can be replaced.
    const inLibrary = path.join(library, 'exports', 'Family');
    await runExport(core.catalogue, albumId, inLibrary, base());
    await runExport(core.catalogue, albumId, inLibrary, base({ overwrite: true, format: 'png' }));
    assert.ok(assertContained(inLibrary).every((f) => f.endsWith('.png')));
  });

  test('a new export among the originals or straight in the home folder is asked about first; agreed, it is made', async () => {
    const scans = path.join(dir, 'scans');
    const before = fs.readdirSync(scans).sort();
    await assert.rejects(
      runExport(core.catalogue, albumId, path.join(scans, 'Colour copies'), base()),
      (e: unknown) => e instanceof ExportError && e.code === 'place-warning' && e.reason === 'originals',
    );
    assert.deepEqual(fs.readdirSync(scans).sort(), before, 'nothing was written before the person agreed');
    // The window's path: the refusal is answered before any job is queued.
    const start = core.albums.recordExportJob(albumId, { parentDir: scans, folderName: 'Colour copies' });
    assert.equal(start.job, null);
    assert.deepEqual([start.refused?.problem, (start.refused as { reason?: string }).reason], ['place-warning', 'originals']);
    const agreed = core.albums.recordExportJob(albumId, { parentDir: scans, folderName: 'Colour copies', placeConfirmed: true });
    assert.ok(agreed.job, 'agreed: the job is queued');
    const res = await runExport(core.catalogue, albumId, path.join(scans, 'Colour copies'), base({ placeConfirmed: true }));
    assert.equal(assertContained(res.target).length, 5);
    fs.rmSync(res.target, { recursive: true });
    const home = path.join(dir, 'home-ask');
    fs.mkdirSync(home);
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      await assert.rejects(
        runExport(core.catalogue, albumId, path.join(home, 'Album'), base()),
        (e: unknown) => e instanceof ExportError && e.code === 'place-warning' && e.reason === 'home',
      );
    } finally {
      if (savedHome === undefined) delete process.env.HOME;
      else process.env.HOME = savedHome;
    }
    assert.deepEqual(fs.readdirSync(home), []);
  });

  test('a version that was only restored is exported as restored, never as colorized by a model', async () => {
    // A library of its own, so the other tests' photo counts stay as they are.
    const own = HeirloomCore.open({ library: path.join(dir, 'library-restored') });
    const colour = await writePhoto(path.join(dir, 'colour-scans', 'Picnic 1972.jpg'), 320, 240, { colour: true, seed: 9 });
    const target = path.join(dir, 'out', 'restored-only');
    try {
      const r = await own.colorizeBatch([colour], { restore: { repair: true, tone: true, recolorFaded: false, colorize: true } });
      assert.equal(r.status, 'done', JSON.stringify(r.results));
      const album = own.catalogue.createAlbum('Restored only').id;
      own.catalogue.addToAlbum(album, [own.catalogue.listOriginals()[0]!.id]);
      await runExport(own.catalogue, album, target, base({ names: '{name}', html: true }));
    } finally {
      own.close();
    }
    const exif = exifReader((await sharp(path.join(target, 'Picnic 1972.jpg')).metadata()).exif!);
    assert.equal(String(exif.Image!.Software), 'Heirloom 0.0.0-test (restored)');
    assert.match(
      Buffer.from(exif.Photo!.UserComment as Buffer).toString('latin1'),
      /Restored by Heirloom 0\.0\.0-test; its colours are the photo's own/,
    );
    const html = fs.readFileSync(path.join(target, 'index.html'), 'utf8');
    assert.match(html, /<footer>Made with Heirloom 0\.0\.0-test\.<\/footer>/);
    assert.doesNotMatch(html, /heirloom-base|informed guess/);
  });
});

const skipBrowser = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;

describe('the offline web album in Chromium', { skip: skipBrowser }, () => {
  let browser: Browser;
  let album: string;

  before(async () => {
    album = path.join(dir, 'out', 'web');
    await runExport(core.catalogue, albumId, album, base({ html: true }));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  for (const view of [
    { name: 'desktop', width: 1280, height: 800 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    test(`${view.name} (${view.width}×${view.height}): every image loads from the folder, the slider moves, text is escaped`, async () => {
      const ctx = await browser.newContext({
        viewport: { width: view.width, height: view.height },
        deviceScaleFactor: 1,
        isMobile: view.name === 'phone',
        hasTouch: view.name === 'phone',
      });
      const page = await ctx.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(pathToFileURL(path.join(album, 'index.html')).href);
      // Lazy images load when scrolled to: visit each photo, then check them all.
      for (const f of await page.locator('figure.photo').all()) await f.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => [...document.images].every((i: { complete: boolean }) => i.complete), undefined, { timeout: 20_000 });
      const sizes = await page.evaluate(() => [...document.images].map((i: { naturalWidth: number }) => i.naturalWidth));
      assert.equal(sizes.length, 10);
      assert.ok(
        sizes.every((w: number) => w > 0),
        `every image decodes: ${sizes}`,
      );
      const root = pathToFileURL(album).href + '/';
      assert.ok(requests.length >= 11);
      for (const u of requests) assert.ok(u.startsWith(root), `request outside the album folder: ${u}`);
      assert.deepEqual(problems, [], 'no CSP violations, errors or script dialogs');
      assert.equal(await page.locator('figcaption .cap').nth(2).innerText(), HOSTILE_CAPTION);
      assert.equal(await page.locator('h1').innerText(), HOSTILE_ALBUM);

      // The slider: at 50 % the left of the photo is the grey original; moved left with the keyboard, colour shows there.
      const fig = page.locator('figure.photo').first();
      await fig.scrollIntoViewIfNeeded();
      const box = (await fig.locator('.compare').boundingBox())!;
      const zone = {
        left: Math.round(box.width * 0.25),
        top: Math.round(box.height * 0.05),
        width: Math.round(box.width * 0.2),
        height: Math.round(box.height * 0.9),
      };
      const grey = await fig.locator('.compare').screenshot();
      const right = await spread(grey, { ...zone, left: Math.round(box.width * 0.6) });
      const leftBefore = await spread(grey, zone);
      assert.ok(right > leftBefore + 2, `colour on the right (${right.toFixed(1)}), grey on the left (${leftBefore.toFixed(1)})`);
      await fig.locator('.slider').focus();
      for (let i = 0; i < 35; i++) await page.keyboard.press('ArrowLeft');
      assert.equal(await fig.getAttribute('data-split'), '15');
      assert.match(await fig.locator('.before').evaluate((e: { style: { clipPath: string } }) => e.style.clipPath), /inset\(0(px)? 85%/);
      const moved = await fig.locator('.compare').screenshot();
      const leftAfter = await spread(moved, zone);
      assert.ok(leftAfter > leftBefore + 2, `the slider uncovered colour on the left: ${leftBefore.toFixed(1)} → ${leftAfter.toFixed(1)}`);

      // Off the slider, ← → move between photos.
      await page.locator('h1').click();
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'photo-2');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'photo-3');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'photo-2');

      // Each photo, with its caption, fits in the window (a portrait one too), so → shows it whole.
      for (const f of await page.locator('figure.photo').all()) {
        const b = (await f.boundingBox())!;
        assert.ok(b.height <= view.height, `a photo's card is ${Math.round(b.height)} px tall in a ${view.height} px window`);
      }
      if (view.name === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, 'no sideways scrolling on a phone');
      }
      await page.evaluate(() => document.activeElement?.blur());
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(ARTIFACTS, `album-${view.name}.png`), fullPage: view.name === 'phone' ? false : true });
      await ctx.close();
    });
  }
});

describe('heirloom album / export on the command line', () => {
  // One process owns a library at a time: the in-process core steps aside while the CLI works on it.
  before(() => core.close());
  after(() => {
    core = HeirloomCore.open({ library: path.join(dir, 'library') });
  });

  test('create, add, move, cover, caption, show, rename, export, refuse to overwrite, delete keeps photos', () => {
    const library = path.join(dir, 'library');
    const cli = (...args: string[]) => runCli(args, { library });
    let r = cli('album', 'create', 'Christmas 1961');
    assert.equal(r.status, 0, r.stderr);
    const id = /^#(\d+)/.exec(r.stdout)![1]!;
    r = cli('album', 'add', 'Christmas 1961', String(photoIds[0]), String(photoIds[1]), String(photoIds[2]));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /added 3 photo/);
    r = cli('album', 'move', `#${id}`, String(photoIds[2]), '1');
    assert.equal(r.stdout.trim(), [photoIds[2], photoIds[0], photoIds[1]].map((p) => `#${p}`).join(' '));
    assert.equal(cli('album', 'cover', id, String(photoIds[1])).status, 0);
    assert.equal(cli('album', 'caption', id, String(photoIds[0]), 'Grandma at the tree').status, 0);
    assert.equal(cli('album', 'remove', id, String(photoIds[1])).status, 0);
    r = cli('album', 'show', 'Christmas 1961', '--json');
    const shown = JSON.parse(r.stdout);
    assert.deepEqual(
      shown.items.map((i: { originalId: number }) => i.originalId),
      [photoIds[2], photoIds[0]],
    );
    assert.equal(shown.items[1].caption, 'Grandma at the tree');
    assert.equal(shown.coverOriginalId, null, 'the removed photo stopped being the cover');
    r = cli('album', 'rename', 'Christmas 1961', 'Christmas, 1961');
    assert.match(r.stdout, /Christmas, 1961/);
    r = cli('album', 'show', 'No such album');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no album named "No such album"/);

    const to = path.join(dir, 'out', 'cli');
    r = cli('export', 'Christmas, 1961', '--to', to, '--html', '--names', '{n} {name}');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), to);
    assert.deepEqual(
      listFilesDeep(to).filter((f) => f.endsWith('.jpg') && !f.startsWith('web')),
      ['01 Grandma _Rose_ & me.jpg', '02 CON.jpg'],
    );
    r = cli('export', 'Christmas, 1961', '--to', to);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already exists; nothing was changed\. Add --overwrite/);
    assert.equal(cli('export', id, '--to', to, '--overwrite', '--format', 'png').status, 0);
    assert.ok(listFilesDeep(to).every((f) => f.endsWith('.png') || f === MANIFEST_NAME));

    r = cli('album', 'list');
    assert.match(r.stdout, /Christmas, 1961 {2}\(2 photos/);
    assert.equal(cli('album', 'delete', id).status, 0);
    assert.doesNotMatch(cli('album', 'list').stdout, /Christmas/);
    const look = HeirloomCore.open({ library, role: 'reader' });
    assert.equal(look.catalogue.countOriginals(), 5, 'deleting an album never deletes photos');
    look.close();
  });

  test('--overwrite replaces only an earlier export: not an unrelated folder, not the parent through "..", not "/" as a .zip', () => {
    const library = path.join(dir, 'library');
    const cli = (...args: string[]) => runCli(args, { library });
    const mine = path.join(dir, 'out', 'cli-mine');
    fs.mkdirSync(mine, { recursive: true });
    fs.writeFileSync(path.join(mine, 'recipes.txt'), 'apple pie');
    let r = cli('export', String(albumId), '--to', mine, '--overwrite');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already exists and it is not a folder that Heirloom exported .*nothing was replaced/);
    assert.match(r.stderr, /--overwrite replaces only a folder or \.zip that an earlier Heirloom export made/);
    assert.deepEqual(fs.readdirSync(mine), ['recipes.txt']);

    const exported = path.join(dir, 'out', 'cli-parent', 'album');
    assert.equal(cli('export', String(albumId), '--to', exported).status, 0);
    r = cli('export', String(albumId), '--to', `${exported}${path.sep}..`, '--overwrite');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /name the export's own new folder \(not "\.\."\)/);
    assert.ok(fs.existsSync(path.join(exported, MANIFEST_NAME)), 'the parent and the export in it are still there');

    r = cli('export', String(albumId), '--to', path.parse(dir).root, '--zip');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /it is the top folder of a drive; choose a new folder inside it; nothing was changed/);
    assert.equal(fs.existsSync(path.join(path.parse(dir).root, '.zip')), false);

    r = cli('export', String(albumId), '--to', library, '--overwrite');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /it is \(or holds\) the Heirloom library; nothing was changed/);
    assert.ok(fs.existsSync(path.join(library, 'catalogue.sqlite')));

    // Among the originals: asked first (the command line's answer is --confirm-place).
    const beside = path.join(dir, 'scans', 'cli-copies');
    r = cli('export', String(albumId), '--to', beside);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /would be made in a folder that holds original photos of the library; nothing was written\. Add --confirm-place/);
    assert.equal(fs.existsSync(beside), false);
    r = cli('export', String(albumId), '--to', beside, '--confirm-place');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(beside, MANIFEST_NAME)));
    fs.rmSync(beside, { recursive: true });
  });
});
