// `eval --hints N`: simulated hints are the true mean colour of small patches, the same on every run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rgb8ToLab } from '../../src-main/core/color/lab';
import { truthHints } from '../../src-main/core/eval/simulated-hints';
import { photoPixels } from '../helpers/fixtures';

test('N hints reveal the truth in 3–9 px patches, deterministically per file name', async () => {
  const w = 96;
  const h = 64;
  const rgb = photoPixels(w, h);
  const a = await truthHints(rgb, w, h, w, h, 10, '/somewhere/photo_1.jpg');
  const again = await truthHints(rgb, w, h, w, h, 10, '/elsewhere/photo_1.jpg');
  assert.deepEqual(a.mask, again.mask, 'same file name, same hints');
  const other = await truthHints(rgb, w, h, w, h, 10, 'photo_2.jpg');
  assert.notDeepEqual(a.mask, other.mask, 'another photo gets other places');
  const marked = a.mask.reduce((s, v) => s + v, 0);
  assert.ok(marked >= 9 && marked <= 10 * 81, `${marked} hinted pixels`);
  // Every hinted pixel carries a colour close to the truth around it (a patch mean).
  const lab = rgb8ToLab(rgb, 3);
  let err = 0;
  for (let i = 0; i < a.mask.length; i++) if (a.mask[i]) err += Math.hypot(a.a[i] - lab.a[i], a.b[i] - lab.b[i]);
  assert.ok(err / marked < 12, `mean hint error ${err / marked}`);
  const none = await truthHints(rgb, w, h, w, h, 0, 'photo_1.jpg');
  assert.equal(
    none.mask.reduce((s, v) => s + v, 0),
    0,
  );
});
