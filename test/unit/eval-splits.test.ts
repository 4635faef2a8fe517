// The held-out splits: the sha1 split as before, the out-of-source split by whole source, and the
// same source list on the training side (training/heirloom_train/data.py), so nothing held out is trained on.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { HELD_OUT_SOURCES, inSplit, isHeldOutSourcePhoto, isValidationPhoto, sourcesHalf, validationHalf } from '../../src-main/core/eval/split';

const names = Array.from({ length: 400 }, (_, i) => `${['pedestrian', 'clothing', 'indoorsample', 'imagenette_n01440764', 'ccp'][i % 5]}_${i}.jpg`);

test('whole sources are held out by their file-name slug, and only those', () => {
  assert.equal(isHeldOutSourcePhoto('/x/pedestrian_0042.jpg'), true);
  assert.equal(isHeldOutSourcePhoto('indoorsample_kitchen.jpg'), true);
  assert.equal(isHeldOutSourcePhoto('clothing_ab12.jpg'), true);
  assert.equal(isHeldOutSourcePhoto('ccp_0001.jpg'), false);
  assert.equal(isHeldOutSourcePhoto('pedestrians_1.jpg'), false, 'a longer slug is another source');
  assert.equal(isHeldOutSourcePhoto('my-pedestrian_1.jpg'), false);
});

test('the out-of-source halves split the held-out sources in two, disjoint, roughly even', () => {
  const held = names.filter(isHeldOutSourcePhoto);
  const tune = held.filter((n) => sourcesHalf(n) === 'tune');
  const report = held.filter((n) => sourcesHalf(n) === 'report');
  assert.equal(tune.length + report.length, held.length);
  assert.ok(tune.length > held.length * 0.35 && report.length > held.length * 0.35, `${tune.length} / ${report.length}`);
  for (const n of names) {
    if (!isHeldOutSourcePhoto(n)) assert.equal(sourcesHalf(n), null);
    assert.equal(inSplit(n, 'sources'), isHeldOutSourcePhoto(n));
    assert.equal(inSplit(n, 'sources-tune'), sourcesHalf(n) === 'tune');
    assert.equal(inSplit(n, 'sources-report'), sourcesHalf(n) === 'report');
  }
});

test('the sha1 split is unchanged: about a tenth, its halves inside it', () => {
  const val = names.filter(isValidationPhoto);
  assert.ok(val.length > 20 && val.length < 70, `${val.length} of 400`);
  for (const n of names) {
    const h = validationHalf(n);
    if (h) assert.ok(isValidationPhoto(n), `${n} is in a half but not in the split`);
    assert.equal(inSplit(n, 'validation'), isValidationPhoto(n));
    assert.equal(inSplit(n, 'all'), true);
  }
});

test('training holds out exactly the same sources', () => {
  const py = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'training', 'heirloom_train', 'data.py'), 'utf8');
  const m = /HELD_OUT_SOURCES = \(([^)]*)\)/.exec(py);
  assert.ok(m, 'data.py defines HELD_OUT_SOURCES');
  const pySources = [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual(pySources, [...HELD_OUT_SOURCES]);
});
