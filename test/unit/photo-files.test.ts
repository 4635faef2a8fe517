// Collecting photos from folders: symbolic links are followed (never a photo lost silently), loops
// end, the same photo reached twice is taken once, and a broken link is reported with its reason.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { collectPhotos } from '../../src-main/core/photo-files';
import * as fx from '../helpers/fixtures';

let root: string;
before(() => (root = fx.makeTempDir('heirloom-links-')));
after(() => fx.removeDir(root));

test(
  'symlinked photos and folders are collected; loops end; duplicates once; broken links reported',
  { skip: process.platform === 'win32' ? 'symlinks need privileges on Windows' : false },
  async () => {
    const album = path.join(root, 'album');
    await fx.writePhoto(path.join(album, 'a.jpg'), 24, 16, { seed: 1 });
    await fx.writePhoto(path.join(root, 'elsewhere', 'b.jpg'), 24, 16, { seed: 2 });
    await fx.writePhoto(path.join(root, 'scans', 'c.png'), 24, 16, { seed: 3 });
    await fx.writePhoto(path.join(album, 'sub', 'd.png'), 24, 16, { seed: 4 });
    fs.symlinkSync(path.join(root, 'elsewhere', 'b.jpg'), path.join(album, 'link-to-b.jpg')); // a photo kept elsewhere
    fs.symlinkSync('a.jpg', path.join(album, 'link-to-a.jpg')); // the same photo twice
    fs.symlinkSync(path.join(root, 'scans'), path.join(album, 'more scans')); // a folder kept elsewhere
    fs.symlinkSync('.', path.join(album, 'loop')); // a folder that contains itself
    fs.symlinkSync('..', path.join(album, 'sub', 'back')); // a link back up to a folder being searched
    fs.symlinkSync(path.join(root, 'gone.jpg'), path.join(album, 'broken.jpg'));

    const { files, problems } = collectPhotos([album]);
    assert.deepEqual(
      files.map((f) => path.relative(album, f)),
      ['a.jpg', 'link-to-b.jpg', path.join('more scans', 'c.png'), path.join('sub', 'd.png')],
    );
    assert.deepEqual(problems, [
      { input: path.join(album, 'broken.jpg'), error: 'a link to something that does not exist', problem: { code: 'import.brokenLink', params: {} } },
    ]);
  },
);
