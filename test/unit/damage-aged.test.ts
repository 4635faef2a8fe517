import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AGED_KINDS, synthesizeAgedDamage, type AgedKind } from '../../src-main/core/restore/damage-aged';
import { resizePlane, sizeForLongSide } from '../../src-main/core/restore/resample';

const W = 320,
  H = 240;

/** A soft picture: a ramp with a darker disc, so every kind has something to damage. */
function picture(w = W, h = H): Float32Array {
  const L = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) L[y * w + x] = 35 + 30 * (x / w) + 10 * (y / h) - (Math.hypot(x - w / 2, y - h / 2) < h / 4 ? 15 : 0);
  return L;
}

const only = (kind: AgedKind, seed: number, scale = 1) =>
  synthesizeAgedDamage(picture(), W, H, seed, { presence: 0, counts: { [kind]: 1 }, classic: false, scale });

const marked = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

function changed(a: Float32Array, b: Float32Array, by = 3): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) >= by) n++;
  return n;
}

test('aged damage is deterministic for a seed, differs between seeds, and leaves its input alone', () => {
  const L = picture();
  const a = synthesizeAgedDamage(L, W, H, 4, { presence: 0.8 }),
    b = synthesizeAgedDamage(L, W, H, 4, { presence: 0.8 }),
    c = synthesizeAgedDamage(L, W, H, 5, { presence: 0.8 });
  assert.deepEqual(a.L, b.L);
  assert.deepEqual(a.mask, b.mask);
  assert.notDeepEqual(a.L, c.L);
  assert.deepEqual(L, picture(), 'input untouched');
});

test('every kind changes the print; cracks, folds, tears, flakes and foxing are marked, stains and tarnish are not', () => {
  const clean = picture();
  for (const kind of AGED_KINDS) {
    // Several seeds: one draw of a kind may fall where it hardly shows.
    let changedMost = 0,
      markedMost = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const d = only(kind, seed);
      changedMost = Math.max(changedMost, changed(d.L, clean));
      markedMost = Math.max(markedMost, marked(d.mask));
    }
    assert.ok(changedMost > 50, `${kind} changes pixels (${changedMost})`);
    if (kind === 'waterStain' || kind === 'tarnish') assert.equal(markedMost, 0, `${kind} is tone damage, not filled`);
    else assert.ok(markedMost > 20, `${kind} is marked (${markedMost})`);
  }
});

test('marked pixels are the visibly changed ones (craquelure, wide cracks, flakes)', () => {
  const clean = picture();
  for (const kind of ['craquelure', 'wideCrack', 'flake'] as const) {
    const d = only(kind, 2);
    for (let i = 0; i < clean.length; i++) if (d.mask[i]) assert.ok(Math.abs(d.L[i]! - clean[i]!) >= 3, `${kind}: a marked pixel changed`);
  }
});

test('a fold runs across the whole print', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const d = only('fold', seed);
    const rows = new Set<number>(),
      cols = new Set<number>();
    for (let i = 0; i < d.mask.length; i++)
      if (d.mask[i]) {
        rows.add(Math.floor(i / W));
        cols.add(i % W);
      }
    // Edge to edge one way (a corner fold spans less, but still a good part of both sides).
    const span = Math.max(rows.size / H, cols.size / W);
    assert.ok(span > 0.2, `fold ${seed} spans ${span.toFixed(2)} of the print`);
  }
});

test('a tear takes a piece at the border of the print, marked whole', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const d = only('tear', seed);
    let border = 0;
    for (let x = 0; x < W; x++) border += d.mask[x]! + d.mask[(H - 1) * W + x]!;
    for (let y = 0; y < H; y++) border += d.mask[y * W]! + d.mask[y * W + W - 1]!;
    assert.ok(border > 3, `tear ${seed} touches the border (${border} px)`);
    assert.ok(marked(d.mask) > 30, `tear ${seed} is a region`);
  }
});

test('craquelure is a network: many cracks in one connected web or a few', () => {
  const d = only('craquelure', 3);
  // Count 8-connected components of the mask: a web joins its cracks where they meet.
  const seen = new Uint8Array(d.mask.length);
  let components = 0,
    biggest = 0;
  for (let s = 0; s < d.mask.length; s++) {
    if (!d.mask[s] || seen[s]) continue;
    components++;
    let size = 0;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const x = p % W,
        y = (p - x) / W;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          const q = yy * W + xx;
          if (d.mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    biggest = Math.max(biggest, size);
  }
  assert.ok(marked(d.mask) > 200, `craquelure marks ${marked(d.mask)} px`);
  assert.ok(biggest / marked(d.mask) > 0.3, `the largest web holds ${(biggest / marked(d.mask)).toFixed(2)} of the cracks (${components} pieces)`);
});

test('damage widths follow the print scale', () => {
  const small = only('wideCrack', 5, 1),
    big = only('wideCrack', 5, 2);
  assert.ok(marked(big.mask) > 1.5 * marked(small.mask), `scale 2 marks ${marked(big.mask)} px, scale 1 ${marked(small.mask)}`);
});

test('resizePlane keeps a flat plane flat and averages when it shrinks', () => {
  const flat = new Float32Array(50 * 30).fill(42);
  for (const v of resizePlane(flat, 50, 30, 17, 11)) assert.ok(Math.abs(v - 42) < 1e-4);
  for (const v of resizePlane(flat, 50, 30, 130, 77)) assert.ok(Math.abs(v - 42) < 1e-4);
  // A one-pixel line shrunk by 4 survives as a faint line, not as nothing (no aliasing).
  const line = new Float32Array(64 * 64);
  for (let y = 0; y < 64; y++) line[y * 64 + 21] = 100;
  const s = resizePlane(line, 64, 64, 16, 16);
  const col = [...Array(16).keys()].map((x) => s[8 * 16 + x]!);
  assert.ok(Math.max(...col) > 10 && Math.max(...col) < 60, `shrunk line peak ${Math.max(...col).toFixed(1)}`);
  assert.deepEqual(sizeForLongSide(6000, 4000, 768), { width: 768, height: 512 });
});
