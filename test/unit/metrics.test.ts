import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labToRgb8, LabImage, rgb8ToL, rgb8ToLab } from '../../src-main/core/color/lab';
import { aucAb, colourfulness, computeMetrics, meanAbsDeltaL, meanDeltaE00, Metrics, psnr, summarise } from '../../src-main/core/metrics';

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} ± ${tol}`);
}

function lab(rows: number[][]): LabImage {
  return {
    L: Float32Array.from(rows.map((r) => r[0]!)),
    a: Float32Array.from(rows.map((r) => r[1]!)),
    b: Float32Array.from(rows.map((r) => r[2]!)),
  };
}

// A small deterministic "photo": smooth colour gradients, 32×24.
function photo(): Uint8Array {
  const w = 32,
    h = 24,
    px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = (x * 8) & 255;
      px[i + 1] = (y * 10 + 20) & 255;
      px[i + 2] = ((x + y) * 5) & 255;
    }
  }
  return px;
}

test('PSNR: identical images give Infinity, a one-level offset gives 48.13 dB', () => {
  const a = photo();
  assert.equal(psnr(a, a.slice()), Infinity);
  const b = a.map((v) => (v === 255 ? 254 : v + 1));
  close(psnr(b, a), 10 * Math.log10(255 * 255), 1e-12, 'one-level offset');
  close(psnr(b, a), 48.1308, 1e-4, 'one-level offset, decimal');
  // MSE 4 on one channel of one pixel out of 2: MSE = 4/6
  close(psnr(Uint8Array.of(2, 0, 0, 0, 0, 0), new Uint8Array(6)), 10 * Math.log10((255 * 255 * 6) / 4), 1e-12, 'hand case');
  assert.throws(() => psnr(new Uint8Array(3), new Uint8Array(6)), RangeError);
});

test('colourfulness: grey is 0, a red/blue pair matches the hand computation', () => {
  assert.equal(colourfulness(Uint8Array.of(0, 0, 0, 128, 128, 128, 255, 255, 255)), 0);
  // (255,0,0) and (0,0,255): rg = [255, 0], yb = [127.5, -255]
  // μrg = 127.5, μyb = -63.75, σrg = 127.5, σyb = 191.25 (population)
  const m = colourfulness(Uint8Array.of(255, 0, 0, 0, 0, 255));
  close(m, Math.sqrt(127.5 ** 2 + 191.25 ** 2) + 0.3 * Math.sqrt(127.5 ** 2 + 63.75 ** 2), 1e-9, 'closed form');
  close(m, 272.6187, 1e-4, 'decimal');
  // one green pixel: no spread, signed means rg = -255, yb = 127.5
  close(colourfulness(Uint8Array.of(0, 255, 0)), 0.3 * Math.sqrt(255 ** 2 + 127.5 ** 2), 1e-9, 'single pixel');
});

test('mean ΔE00 over pixels uses CIEDE2000 (Sharma pairs 1 and 17)', () => {
  const out = lab([
    [50, 2.6772, -79.7751],
    [50, 2.5, 0],
  ]);
  const truth = lab([
    [50, 0, -82.7485],
    [73, 25, -18],
  ]);
  close(meanDeltaE00(out, truth), (2.0425 + 27.1492) / 2, 1e-4, 'mean');
  assert.equal(meanDeltaE00(truth, truth), 0);
});

test('AuC: identical ab gives 1, hand-computed cases', () => {
  const a = lab([
    [50, 10, -20],
    [30, 0, 0],
    [70, -40, 60],
  ]);
  assert.equal(aucAb(a, a), 1);
  // pixel 1 exact, pixel 2 off by ‖(3,4)‖ = 5: fraction 0.5 for t = 0..4, 1 for t = 5..150
  const out = lab([
    [50, 0, 0],
    [50, 3, 4],
  ]);
  const truth = lab([
    [50, 0, 0],
    [50, 0, 0],
  ]);
  close(aucAb(out, truth), (5 * 0.5 + 146 * 1) / 151, 1e-12, '0 and 5');
  // an error beyond 150 never counts; lightness is ignored
  close(
    aucAb(
      lab([
        [10, 0, 0],
        [50, 200, 0],
      ]),
      lab([
        [90, 0, 0],
        [50, 0, 0],
      ]),
    ),
    0.5,
    1e-12,
    '0 and 200',
  );
  // 150 exactly counts at t = 150 only
  close(aucAb(lab([[50, 150, 0]]), lab([[50, 0, 0]])), 1 / 151, 1e-12, 'exactly 150');
});

test('mean |ΔL| works on Lab images and bare L planes', () => {
  const A = lab([
    [10, 5, 5],
    [50, 0, 0],
  ]);
  const B = lab([
    [12, 0, 0],
    [49, 9, 9],
  ]);
  close(meanAbsDeltaL(A, B), 1.5, 1e-6, 'Lab');
  close(meanAbsDeltaL(A.L, B.L), 1.5, 1e-6, 'planes');
  assert.throws(() => meanAbsDeltaL(A.L, new Float32Array(3)), RangeError);
});

test('computeMetrics: perfect output and the grey answer', () => {
  const truth = photo();
  const perfect = computeMetrics(truth.slice(), truth);
  assert.equal(perfect.psnr, Infinity);
  assert.equal(perfect.deltaE00, 0);
  assert.equal(perfect.auc, 1);
  assert.equal(perfect.deltaL, 0);
  assert.equal(perfect.colourfulnessOut, perfect.colourfulnessTruth);
  assert.ok(perfect.colourfulnessTruth > 10);

  // The grey answer: the truth's L with a = b = 0.
  const L = rgb8ToL(truth, 3);
  const zeros = new Float32Array(L.length);
  const grey = labToRgb8(L, zeros, zeros);
  const m = computeMetrics(grey, truth, L);
  assert.equal(m.colourfulnessOut, 0);
  assert.ok(m.deltaL < 0.5, `grey keeps the lightness: ΔL ${m.deltaL}`);
  assert.ok(m.auc < 1 && m.auc > 0.5, `auc ${m.auc}`);
  assert.ok(m.deltaE00 > 1, `ΔE00 ${m.deltaE00}`);
  assert.ok(Number.isFinite(m.psnr) && m.psnr > 10, `psnr ${m.psnr}`);
  // without inputL, ΔL is measured against the truth's own L (the same thing here)
  close(computeMetrics(grey, truth).deltaL, m.deltaL, 1e-6, 'default inputL');
  // the output's ab really is ~0
  const gl = rgb8ToLab(grey, 3);
  for (let i = 0; i < gl.a.length; i++) assert.ok(Math.abs(gl.a[i]!) < 0.01 && Math.abs(gl.b[i]!) < 0.01);
  assert.throws(() => computeMetrics(grey.subarray(3), truth), RangeError);
});

test('summarise: means, and the colourfulness ratio is a ratio of means', () => {
  const m1: Metrics = { psnr: 20, deltaE00: 10, auc: 0.8, colourfulnessOut: 10, colourfulnessTruth: 40, deltaL: 0.2 };
  const m2: Metrics = { psnr: 30, deltaE00: 6, auc: 0.9, colourfulnessOut: 30, colourfulnessTruth: 20, deltaL: 0.4 };
  const s = summarise([m1, m2]);
  close(s.psnr, 25, 1e-12, 'psnr');
  close(s.deltaE00, 8, 1e-12, 'deltaE00');
  close(s.auc, 0.85, 1e-12, 'auc');
  close(s.colourfulnessOut, 20, 1e-12, 'M out');
  close(s.colourfulnessTruth, 30, 1e-12, 'M truth');
  close(s.deltaL, 0.3, 1e-12, 'deltaL');
  close(s.colourfulnessRatio, 20 / 30, 1e-12, 'ratio of means'); // a mean of ratios would be 0.875
  assert.equal(s.count, 2);
  assert.throws(() => summarise([]), RangeError);
});
