// decodeAb: how bin logits become one ab per pixel (temperature, prior correction, gain, lift).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src-main/core/engine/backend';
import type { LoadedModel } from '../../src-main/core/engine/model-store';
import { decodeAb, RawPrediction } from '../../src-main/core/engine/predict';

const centres: Array<[number, number]> = [
  [0, 0],
  [40, 0],
  [0, -30],
];

function model(output: Record<string, unknown> = {}): LoadedModel {
  return { manifest: { output: { type: 'ab-bins', stride: 4, centres, temperature: 1, ...output } } } as unknown as LoadedModel;
}

/** One pixel per row of probabilities, given as logits ln p. */
function raw(rows: number[][]): RawPrediction {
  return { width: rows.length, height: 1, channels: centres.length, data: Float32Array.from(rows.flat().map(Math.log)) };
}

function close(actual: number, expected: number, what: string, tol = 1e-3): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected}`);
}

before(async () => {
  await initBackend('cpu');
});

test('at T = 1 the decode is the probability-weighted mean of the bin centres', () => {
  const ab = decodeAb(model(), raw([[0.5, 0.25, 0.25]]));
  close(ab.a[0], 10, 'a');
  close(ab.b[0], -7.5, 'b');
});

test('a low temperature moves the answer to the most likely bin', () => {
  const ab = decodeAb(model({ temperature: 0.05 }), raw([[0.2, 0.5, 0.3]]));
  close(ab.a[0], 40, 'a', 0.1);
  close(ab.b[0], 0, 'b', 0.1);
});

test('prior correction 1 divides the rebalancing weights back out', () => {
  // Trained logits carry ln w on top of ln p: p·w normalised = (0.2, 0.6, 0.2) for w = (1, 3, 1).
  const m = model({ rebalancingWeights: [1, 3, 1], priorCorrection: 1 });
  const ab = decodeAb(m, raw([[0.2, 0.6, 0.2]]));
  const p = [0.2 / 1, 0.6 / 3, 0.2 / 1].map((x, _, all) => x / all.reduce((s, y) => s + y, 0));
  close(ab.a[0], 40 * p[1], 'a');
  close(ab.b[0], -30 * p[2], 'b');
});

test('chroma gain scales, and chroma lift adds chroma along the hue, leaving grey grey', () => {
  const rows = [
    [1, 1e-9, 1e-9],
    [0.5, 0.5, 1e-9],
  ];
  const gained = decodeAb(model({ chromaGain: 1.5 }), raw(rows));
  close(gained.a[1], 30, 'gained a');
  const lifted = decodeAb(model({ chromaLift: 8 }), raw(rows));
  close(lifted.a[0], 0, 'grey a stays');
  close(lifted.b[0], 0, 'grey b stays');
  // |ab| = 20 → + 8·20/(20 + 10) along the same hue.
  close(lifted.a[1], 20 + (8 * 20) / 30, 'lifted a');
  close(lifted.b[1], 0, 'lifted b keeps the hue');
  const overridden = decodeAb(model({ chromaLift: 8 }), raw(rows), { chromaLift: 0 });
  close(overridden.a[1], 20, 'per-call lift overrides the manifest');
});
