import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciede2000 } from '../../src-main/core/color/ciede2000';
import { labToRgb8, labToSrgb, rgb8ToL, rgb8ToLab, srgbToLab } from '../../src-main/core/color/lab';

// Sharma, Wu & Dalal (2005), Table 1: L1 a1 b1 L2 a2 b2 ΔE00.
const SHARMA: ReadonlyArray<readonly [number, number, number, number, number, number, number]> = [
  [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
  [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
  [50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
  [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
  [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
  [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
  [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
  [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
  [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
  [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
  [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
  [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
  [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
  [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

// Deterministic PRNG so failures reproduce.
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);
}

test('CIEDE2000 matches all 34 Sharma pairs to 4 decimals, in both argument orders', () => {
  assert.equal(SHARMA.length, 34);
  SHARMA.forEach(([L1, a1, b1, L2, a2, b2, want], i) => {
    close(Number(ciede2000(L1, a1, b1, L2, a2, b2).toFixed(4)), want, 1e-9, `pair ${i + 1}`);
    close(Number(ciede2000(L2, a2, b2, L1, a1, b1).toFixed(4)), want, 1e-9, `pair ${i + 1} swapped`);
  });
});

test('CIEDE2000 of identical colours is 0 and of neutrals is the lightness term alone', () => {
  assert.equal(ciede2000(40, -12, 30, 40, -12, 30), 0);
  const SL = 1 + (0.015 * 25) / Math.sqrt(45); // L̄ = 55
  close(ciede2000(50, 0, 0, 60, 0, 0), 10 / SL, 1e-12, 'neutral pair');
});

test('sRGB -> Lab reference values (D65, Lindbloom)', () => {
  const cases: Array<[number, number, number, number, number, number]> = [
    [255, 0, 0, 53.2408, 80.0925, 67.2032],
    [0, 255, 0, 87.7347, -86.1827, 83.1793],
    [0, 0, 255, 32.297, 79.1875, -107.8602],
    [128, 128, 128, 53.585, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ];
  for (const [r, g, b, L, A, B] of cases) {
    const [l, a, bb] = srgbToLab(r / 255, g / 255, b / 255);
    close(l, L, 0.01, `L of ${r},${g},${b}`);
    close(a, A, 0.01, `a of ${r},${g},${b}`);
    close(bb, B, 0.01, `b of ${r},${g},${b}`);
  }
  const [wl, wa, wb] = srgbToLab(1, 1, 1);
  close(wl, 100, 1e-3, 'white L');
  close(wa, 0, 1e-3, 'white a');
  close(wb, 0, 1e-3, 'white b');
});

test('exact Lab -> sRGB inverts sRGB -> Lab', () => {
  const rnd = mulberry32(7);
  for (let k = 0; k < 2000; k++) {
    const c = [rnd(), rnd(), rnd()] as const;
    const back = labToSrgb(...srgbToLab(...c));
    for (let j = 0; j < 3; j++) close(back[j]!, c[j], 1e-9, `channel ${j} of ${c.join(',')}`);
  }
});

test('fast rgb8ToLab and rgb8ToL agree with the exact conversion (3 and 4 channels)', () => {
  // every grey level, the primaries and a random sample
  const px: number[][] = [];
  for (let v = 0; v < 256; v++) px.push([v, v, v]);
  px.push([255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [1, 0, 0], [0, 0, 1]);
  const rnd = mulberry32(11);
  for (let k = 0; k < 20000; k++) px.push([(rnd() * 256) | 0, (rnd() * 256) | 0, (rnd() * 256) | 0]);
  const rgb = Uint8Array.from(px.flat());
  const rgba = Uint8Array.from(px.flatMap((p) => [...p, (rnd() * 256) | 0]));
  const lab3 = rgb8ToLab(rgb, 3);
  const lab4 = rgb8ToLab(rgba, 4);
  const L3 = rgb8ToL(rgb, 3);
  const L4 = rgb8ToL(rgba, 4);
  let worstLab = 0,
    worstL = 0;
  px.forEach((p, i) => {
    const [L, a, b] = srgbToLab(p[0]! / 255, p[1]! / 255, p[2]! / 255);
    worstLab = Math.max(worstLab, Math.abs(lab3.L[i]! - L), Math.abs(lab3.a[i]! - a), Math.abs(lab3.b[i]! - b));
    worstL = Math.max(worstL, Math.abs(L3[i]! - L));
    assert.equal(lab4.L[i], lab3.L[i]);
    assert.equal(lab4.a[i], lab3.a[i]);
    assert.equal(lab4.b[i], lab3.b[i]);
    assert.equal(L4[i], L3[i]);
  });
  assert.ok(worstLab < 2e-3, `rgb8ToLab worst error ${worstLab}`);
  assert.ok(worstL < 1e-3, `rgb8ToL worst error ${worstL}`); // brief: within 0.01
});

test('rgb8ToLab rejects a bad channel count or length', () => {
  assert.throws(() => rgb8ToLab(new Uint8Array(6), 2), RangeError);
  assert.throws(() => rgb8ToL(new Uint8Array(7), 3), RangeError);
});

test('8-bit RGB -> Lab -> RGB8 round trip is exact (within 1 level) on random colours', () => {
  const rnd = mulberry32(3);
  const n = 20000;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (rnd() * 256) | 0;
  rgb.set([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255]); // corners of the cube
  const lab = rgb8ToLab(rgb, 3);
  const back = labToRgb8(lab.L, lab.a, lab.b);
  let worst = 0,
    exactCount = 0;
  for (let i = 0; i < rgb.length; i++) {
    const d = Math.abs(back[i]! - rgb[i]!);
    worst = Math.max(worst, d);
    if (d === 0) exactCount++;
  }
  assert.ok(worst <= 1, `worst round-trip difference ${worst} levels`);
  assert.ok(exactCount / rgb.length > 0.999, `only ${exactCount}/${rgb.length} channels exact`);
});

test('fast labToRgb8 is within 0.5 of a level of the exact conversion for in-gamut colours', () => {
  const rnd = mulberry32(5);
  const Ls: number[] = [],
    As: number[] = [],
    Bs: number[] = [],
    exact: number[][] = [];
  while (Ls.length < 20000) {
    const L = rnd() * 100,
      a = rnd() * 200 - 100,
      b = rnd() * 200 - 100;
    const s = labToSrgb(L, a, b);
    if (s.every((v) => v >= 0 && v <= 1)) {
      Ls.push(L);
      As.push(a);
      Bs.push(b);
      exact.push(s);
    }
  }
  // Float32 storage of L, a, b moves the colour by ~1e-5 Lab units: negligible at 8 bits.
  const out = labToRgb8(Float32Array.from(Ls), Float32Array.from(As), Float32Array.from(Bs));
  let worst = 0;
  exact.forEach((s, i) => {
    for (let j = 0; j < 3; j++) worst = Math.max(worst, Math.abs(out[i * 3 + j]! - 255 * s[j]!));
  });
  assert.ok(worst <= 0.5 + 0.01, `worst deviation ${worst} levels`);
});

test('labToRgb8 maps out-of-gamut colours by reducing chroma, keeping lightness', () => {
  const rnd = mulberry32(9);
  const n = 20000;
  const L = new Float32Array(n),
    a = new Float32Array(n),
    b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    L[i] = 2 + rnd() * 96;
    const c = 60 + rnd() * 100; // far outside sRGB for most hues and lightnesses
    const h = rnd() * 2 * Math.PI;
    a[i] = c * Math.cos(h);
    b[i] = c * Math.sin(h);
  }
  const rgb = labToRgb8(L, a, b);
  const back = rgb8ToLab(rgb, 3);
  let sum = 0,
    worst = 0,
    outside = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(back.L[i]! - L[i]!);
    sum += d;
    worst = Math.max(worst, d);
    if (labToSrgb(L[i]!, a[i]!, b[i]!).some((v) => v < 0 || v > 1)) outside++;
  }
  assert.ok(outside > n * 0.9, `test data should be mostly out of gamut (${outside}/${n})`);
  assert.ok(sum / n < 0.5, `mean |ΔL| ${sum / n}`);
  assert.ok(worst < 2, `worst |ΔL| ${worst}`); // 8-bit quantisation alone, worst in the darks
  // hue survives: a strongly red request stays red-dominant
  const red = labToRgb8(Float32Array.of(50), Float32Array.of(150), Float32Array.of(60));
  assert.ok(red[0]! > red[1]! && red[0]! > red[2]!, `red came out as ${Array.from(red)}`);
});

test('labToRgb8 clamps L, survives NaN, writes exact greys and checks its output buffer', () => {
  const out = labToRgb8(Float32Array.of(120, -5, NaN, 50), Float32Array.of(0, 0, 10, NaN), Float32Array.of(0, 0, 0, 0));
  assert.deepEqual(Array.from(out.subarray(0, 9)), [255, 255, 255, 0, 0, 0, 0, 0, 0]);
  assert.equal(out[9], out[10]);
  assert.equal(out[10], out[11]);
  const L = new Float32Array(101).map((_, i) => i);
  const grey = labToRgb8(L, new Float32Array(101), new Float32Array(101));
  for (let i = 0; i < 101; i++) {
    assert.equal(grey[i * 3], grey[i * 3 + 1]);
    assert.equal(grey[i * 3], grey[i * 3 + 2]);
  }
  const buf = new Uint8Array(3);
  assert.equal(labToRgb8(Float32Array.of(50), Float32Array.of(0), Float32Array.of(0), buf), buf);
  assert.throws(() => labToRgb8(Float32Array.of(50), Float32Array.of(0), Float32Array.of(0), new Uint8Array(4)), RangeError);
  assert.throws(() => labToRgb8(Float32Array.of(50), new Float32Array(2), Float32Array.of(0)), RangeError);
});
