// Fine-tuning never leaves the user worse off: a checkpoint is offered only when it beats the start
// beyond the noise of the held-out photos; changes are worded so a loss never reads as a gain; the
// held-out share grows with the archive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChange, heldOutCount, judge, recommend } from '../../src-main/core/finetune/recommend';

const base = Array.from({ length: 30 }, (_, i) => 10 + ((i * 7) % 5));

test('a consistent improvement is better beyond noise; a noisy one is not; a loss is worse', () => {
  const better = judge(
    base,
    base.map((x) => x - 0.5),
  );
  assert.equal(better.better, true);
  assert.ok(better.ci[1] < 0 && better.relative < 0);
  // Same mean change, but photo by photo it goes either way by a lot: within the noise.
  const noisy = judge(
    base,
    base.map((x, i) => x - 0.5 + (i % 2 ? 4 : -4)),
  );
  assert.equal(noisy.better, false);
  assert.equal(noisy.worse, false);
  const worse = judge(
    base,
    base.map((x) => x * 1.082),
  );
  assert.equal(worse.worse, true);
  assert.equal(worse.better, false);
  assert.deepEqual(
    judge(
      base,
      base.map((x) => x - 0.5),
      7,
    ),
    judge(
      base,
      base.map((x) => x - 0.5),
      7,
    ),
    'seeded: the same answer twice',
  );
});

test('the wording says better or worse with a positive percentage', () => {
  assert.equal(describeChange({ before: 12.34, after: 12.11, relative: 12.11 / 12.34 - 1 }), 'ΔE00 12.34 → 12.11 (1.9 % better)');
  assert.equal(describeChange({ before: 12.34, after: 13.35, relative: 13.35 / 12.34 - 1 }), 'ΔE00 12.34 → 13.35 (8.2 % worse)');
  assert.doesNotMatch(describeChange({ before: 10, after: 11, relative: 0.1 }), /-|lower/);
});

test('the recommendation is the best checkpoint that is better beyond noise, or none', () => {
  const cks = [
    { id: 'a', perPhoto: base.map((x) => x - 0.3) },
    { id: 'b', perPhoto: base.map((x) => x - 0.6) },
    { id: 'c', perPhoto: base.map((x, i) => x - 1 + (i % 2 ? 5 : -5)) }, // lowest mean, but noise
  ];
  assert.equal(recommend(base, cks)?.pick.id, 'b');
  assert.equal(recommend(base, [cks[2], { id: 'd', perPhoto: base.map((x) => x + 1) }]), undefined);
});

test('held-out photos: at least 20, about 15 %, at most half a small archive and 100 in all', () => {
  assert.equal(heldOutCount(120), 20);
  assert.equal(heldOutCount(400), 60);
  assert.equal(heldOutCount(30), 15);
  assert.equal(heldOutCount(2), 1);
  assert.equal(heldOutCount(5000), 100);
});
