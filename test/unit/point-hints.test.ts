// Colour hints: rasterised at working size where the user put them; hints files parsed with errors
// that name the file and the entry.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { srgbToLab } from '../../src-main/core/color/lab';
import { readHintsFile } from '../../src-main/core/hints/hints-file';
import { hexToAb, rasteriseHints } from '../../src-main/core/hints/point-hints';
import { makeTempDir, removeDir } from '../helpers/fixtures';

test("a hint becomes a size×size patch of its colour's a and b around its point, clipped at the edges", () => {
  const w = 40;
  const h = 20;
  const r = rasteriseHints(
    [
      { x: 0.5, y: 0.5, color: '#3a5fa0', size: 3 },
      { x: 0, y: 1, color: '#ff0000' },
    ],
    w,
    h,
  );
  const [a, b] = hexToAb('#3a5fa0');
  const [, ea, eb] = srgbToLab(0x3a / 255, 0x5f / 255, 0xa0 / 255);
  assert.ok(Math.abs(a - ea) < 1e-9 && Math.abs(b - eb) < 1e-9);
  const at = (x: number, y: number): number => y * w + x;
  for (const [x, y] of [
    [19, 9],
    [20, 10],
    [21, 11],
  ]) {
    assert.equal(r.mask[at(x, y)], 1, `(${x},${y}) is hinted`);
    assert.ok(Math.abs(r.a[at(x, y)] - a) < 1e-4 && Math.abs(r.b[at(x, y)] - b) < 1e-4);
  }
  assert.equal(r.mask[at(22, 10)], 0);
  assert.equal(r.mask[at(18, 10)], 0);
  // Default size 5 at the bottom-left corner: only the part inside the photo.
  assert.equal(r.mask[at(0, 19)], 1);
  assert.equal(r.mask[at(2, 17)], 1);
  assert.equal(r.mask[at(3, 19)], 0);
  assert.equal(
    r.mask.reduce((s, v) => s + v, 0),
    9 + 9,
  );
});

test('hints files: a list for one photo, an object by name for several, and errors naming the file and entry', () => {
  const dir = makeTempDir();
  try {
    const write = (name: string, body: string): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, body);
      return f;
    };
    const one = [path.join(dir, 'a.jpg')];
    const two = [path.join(dir, 'a.jpg'), path.join(dir, 'sub', 'b.jpg')];
    const list = write('list.json', '[{ "x": 0.42, "y": 0.31, "color": "#3a5fa0" }, { "x": 1, "y": 0, "color": "#FFFFFF", "size": 9 }]');
    assert.deepEqual(readHintsFile(list, one).get(path.resolve(one[0])), [
      { x: 0.42, y: 0.31, color: '#3a5fa0' },
      { x: 1, y: 0, color: '#FFFFFF', size: 9 },
    ]);
    assert.throws(() => readHintsFile(list, two), /list\.json: a plain list of hints fits one photo, but 2 were given/);
    const byName = write('by-name.json', '{ "b.jpg": [{ "x": 0.5, "y": 0.5, "color": "#00ff00" }] }');
    assert.equal(readHintsFile(byName, two).get(path.resolve(two[1]))?.length, 1);
    const cases: Array<[string, RegExp]> = [
      ['not json', /bad\.json: is not valid JSON/],
      ['{ "c.jpg": [] }', /"c\.jpg" is not one of the photos being colorized/],
      ['[{ "x": 1.5, "y": 0, "color": "#000000" }]', /the list, hint 1: "x": /],
      ['[{ "x": 0, "y": 0, "color": "#00000" }]', /the list, hint 1: "color": a colour like "#3a5fa0"/],
      ['[{ "x": 0, "y": 0, "color": "#000000" }, { "x": 0, "y": 0, "colour": "#000000" }]', /the list, hint 2: /],
      ['[{ "x": 0, "y": 0, "color": "#000000", "size": 0 }]', /hint 1: "size"/],
      ['42', /must be a list of hints, or an object keyed by photo file name/],
    ];
    for (const [body, re] of cases) assert.throws(() => readHintsFile(write('bad.json', body), body.startsWith('{') ? two : one), re, body);
    assert.throws(() => readHintsFile(path.join(dir, 'missing.json'), one), /missing\.json: no such file/);
  } finally {
    removeDir(dir);
  }
});
