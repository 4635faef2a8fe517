// Export file names from hostile album/photo names, templates, and the ZIP writer on small real files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { escapeHtml, humanDate } from '../../src-main/core/export/html-album';
import { dateToken, renderTemplate, resolveOptions } from '../../src-main/core/export/plan';
import { exportPaths, exportTargetFor } from '../../src-main/core/export/runner';
import { MAX_NAME_BYTES, safeSegment, UniqueNames } from '../../src-main/core/export/safe-names';
import { writeZip } from '../../src-main/core/export/zip';
import { listZip } from '../helpers/zip';
import { makeTempDir, removeDir } from '../helpers/fixtures';

const WINDOWS_BAD = /[<>:"/\\|?*\u0000-\u001f]|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)|[ .]$|^\./i;

describe('safe export names', () => {
  test('hostile names become one plain segment every OS accepts', () => {
    const cases = [
      '../../evil',
      '..',
      '.',
      '',
      '   ',
      'CON',
      'con.jpg',
      'NUL ',
      'COM1',
      'lpt9.txt',
      'a/b\\c',
      '<script>alert(1)</script>',
      'tab\there',
      'bell\u0007',
      'trailing dots...',
      ' lead',
      '/etc/passwd',
      'C:\\Windows\\system32',
      '\u0000nul',
      'ok name (1958)',
    ];
    for (const raw of cases) {
      const s = safeSegment(raw);
      assert.ok(s.length > 0, `non-empty for ${JSON.stringify(raw)}`);
      assert.doesNotMatch(s, WINDOWS_BAD, `${JSON.stringify(raw)} → ${JSON.stringify(s)}`);
      assert.equal(path.basename(s), s, 'a single path segment');
      assert.notEqual(s, '..');
    }
    assert.equal(safeSegment('ok name (1958)'), 'ok name (1958)', 'ordinary names are left alone');
    assert.equal(safeSegment('CON'), '_CON');
    assert.equal(safeSegment('../../evil'), '_.._evil');
    assert.equal(safeSegment('a/b\\c'), 'a_b_c');
  });

  test('long names are cut to a byte budget without splitting characters', () => {
    const s = safeSegment('Бабушка '.repeat(40));
    assert.ok(Buffer.byteLength(s) <= MAX_NAME_BYTES);
    assert.doesNotMatch(s, /\uFFFD/);
    const emoji = safeSegment('👵'.repeat(100));
    assert.equal(emoji, '👵'.repeat(MAX_NAME_BYTES / 4));
  });

  test('duplicates are told apart ignoring case', () => {
    const u = new UniqueNames();
    assert.deepEqual(
      ['Rose', 'rose', 'ROSE', 'Rose (2)'].map((n) => u.claim(n)),
      ['Rose', 'rose (2)', 'ROSE (3)', 'Rose (2) (2)'],
    );
  });

  test('templates: tokens, zero padding, unknown tokens refused', () => {
    const v = { n: 7, count: 120, date: dateToken('1958-07-14T10:00:00'), name: 'Rose', album: 'Summer', id: 42 };
    assert.equal(renderTemplate('{n}-{date}-{name}', v), '007-1958-07-14-Rose');
    assert.equal(renderTemplate('{album} {id}', v), 'Summer 42');
    assert.equal(renderTemplate('{n}', { ...v, count: 5 }), '07');
    assert.equal(dateToken(null), 'undated');
    assert.equal(dateToken(null, 'ru'), 'без даты');
    assert.throws(() => resolveOptions({ names: '{n}-{nope}' }), /unknown token \{nope\}/);
    assert.throws(() => resolveOptions({ quality: 0 }), /quality/);
    assert.throws(() => resolveOptions({ maxSize: 3 }), /max size/);
  });

  test('the target for a hostile album name stays inside the chosen folder', () => {
    const parent = path.resolve('/tmp/exports');
    for (const name of ['../../evil', '/etc', 'CON', '..', 'a/b\\c']) {
      const t = exportTargetFor(parent, name);
      assert.equal(path.dirname(t), parent, `${name} → ${t}`);
      const { partial } = exportPaths(t, false);
      assert.equal(path.dirname(partial), parent);
      assert.match(path.basename(partial), /^\.heirloom-export-.+\.partial$/);
    }
    assert.equal(exportPaths('/tmp/x/Album', true).target, path.resolve('/tmp/x/Album.zip'));
    assert.throws(() => exportPaths('/', false), /choose a new folder/);
  });

  test('HTML escaping and dates', () => {
    assert.equal(escapeHtml(`<script>"a" & 'b'</script>`), '&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;');
    assert.deepEqual(humanDate('1958-07-04T10:00:00'), { iso: '1958-07-04', text: '4 July 1958' });
    assert.deepEqual(humanDate('1958-07-04T10:00:00', 'ru'), { iso: '1958-07-04', text: '4 июля 1958' });
    assert.deepEqual(humanDate('1958-07', 'ru'), { iso: '1958-07', text: 'июль 1958' });
    assert.equal(humanDate(null), null);
  });
});

describe('ZIP writer', () => {
  test('stored entries with UTF-8 names that unzip lists and verifies', async () => {
    const dir = makeTempDir('heirloom-zip-');
    try {
      const files = { 'a.txt': 'hello\n', 'Бабушка 1958.txt': 'x'.repeat(100_000), 'empty.bin': '' };
      for (const [n, c] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), c);
      const zip = path.join(dir, 'out.zip');
      await writeZip(
        zip,
        Object.keys(files).map((n) => ({ name: `Album/${n}`, file: path.join(dir, n) })),
      );
      assert.deepEqual(
        await listZip(zip),
        Object.keys(files).map((n) => `Album/${n}`),
      );
      const unzip = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
      if (unzip.error) return; // no unzip on this machine; listZip above still read the directory
      assert.equal(unzip.status, 0, unzip.stdout + unzip.stderr);
      assert.match(unzip.stdout, /No errors detected/);
      const out = path.join(dir, 'x');
      assert.equal(spawnSync('unzip', ['-q', zip, '-d', out]).status, 0);
      assert.equal(fs.readFileSync(path.join(out, 'Album', 'Бабушка 1958.txt'), 'utf8'), files['Бабушка 1958.txt']);
    } finally {
      removeDir(dir);
    }
  });
});
