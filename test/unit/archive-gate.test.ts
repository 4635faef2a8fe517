// The archive gate's arithmetic: the pool summary finds the pool's main directions, the Cholesky
// inverse is exact, and a gate fitted on one cluster of features opens for that cluster and stays
// shut for the pool. Seeded Gaussian features stand in for a network's, so the expected answers are known.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  archiveLikelihoodRatio,
  fitArchiveGate,
  GATE_DIMS,
  GATE_LAYER,
  GATE_SIDE,
  gateWeight,
  PoolEmbedding,
  spdInverse,
} from '../../src-main/core/engine/archive-gate';
import { Rng } from '../../src-main/core/rng';
import { summarisePool } from '../../scripts/pool-embedding';

const D = 40;

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Features whose spread along axis i is scales[i] (so the main directions are the first axes), shifted by `offset`. */
function features(rng: Rng, n: number, scales: number[], offset: number[] = []): Float32Array[] {
  return Array.from({ length: n }, () => Float32Array.from(scales, (s, i) => s * gaussian(rng) + (offset[i] ?? 0) + 5));
}

const scales = Array.from({ length: D }, (_, i) => (i < GATE_DIMS ? 30 * 0.8 ** i : 0.5));

describe('archive gate', () => {
  test('the pool summary finds the main directions and their spread', () => {
    const s = summarisePool(features(new Rng(1), 3000, scales));
    assert.equal(s.basis.length, GATE_DIMS);
    for (let k = 0; k < 4; k++) {
      // Direction k is axis k (up to sign), and its spread is near scales[k].
      assert.ok(Math.abs(Math.abs(s.basis[k][k]) - 1) < 0.05, `direction ${k}: ${s.basis[k].slice(0, 6).map((v) => v.toFixed(2))}`);
      assert.ok(Math.abs(s.sd[k] / scales[k] - 1) < 0.1, `spread ${k}: ${s.sd[k]} vs ${scales[k]}`);
    }
    for (let i = 0; i < D; i++) assert.ok(Math.abs(s.mean[i] - 5) < 1.5, `mean ${i}: ${s.mean[i]}`);
    // Unit length and orthogonal.
    for (const [a, b] of [
      [0, 0],
      [0, 5],
      [3, 15],
    ]) {
      const dot = s.basis[a].reduce((t, v, i) => t + v * s.basis[b][i], 0);
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-6, `basis ${a}·${b} = ${dot}`);
    }
  });

  test('the Cholesky inverse and log-determinant are exact', () => {
    const a = [
      [4, 2, 0.6],
      [2, 5, 1],
      [0.6, 1, 3],
    ];
    const { inverse, logDet } = spdInverse(a);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const v = a[i].reduce((s, x, k) => s + x * inverse[k][j], 0);
        assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-12, `(A·A⁻¹)[${i}][${j}] = ${v}`);
      }
    const det = 4 * (5 * 3 - 1) - 2 * (2 * 3 - 0.6) + 0.6 * (2 - 5 * 0.6);
    assert.ok(Math.abs(logDet - Math.log(det)) < 1e-12);
    assert.throws(
      () =>
        spdInverse([
          [1, 2],
          [2, 1],
        ]),
      /not positive definite/,
    );
  });

  test('a gate fitted on one kind of photo opens for that kind and stays shut for the pool', () => {
    const rng = new Rng(2);
    const pool: PoolEmbedding = { layer: GATE_LAYER, side: GATE_SIDE, ...summarisePool(features(rng, 2000, scales)) };
    // The archive: a tight cluster away from the pool's centre along the first three directions.
    const offset = [30, -25, 20];
    const archiveScales = scales.map((s) => s * 0.3);
    const gate = fitArchiveGate(pool, features(rng, 120, archiveScales, offset), { file: 'delta.bin', scale: 0.3, layers: ['head'] });
    const like = features(rng, 200, archiveScales, offset).map((f) => gateWeight(gate, f));
    const unlike = features(rng, 200, scales).map((f) => gateWeight(gate, f));
    const open = (ws: number[]) => ws.filter((w) => w > 0.5).length / ws.length;
    // The midpoint sits at the archive's own 10th percentile: about 90 % of new photos like it pass.
    assert.ok(open(like) > 0.8, `photos like the archive: ${open(like)}`);
    assert.ok(open(unlike) < 0.1, `pool photos: ${open(unlike)}`);
    // The ratio is the Gaussian log-likelihood ratio: at the archive's centre it is highest.
    const atCentre = archiveLikelihoodRatio(gate, gate.centre);
    assert.ok(
      atCentre >
        archiveLikelihoodRatio(
          gate,
          gate.centre.map((v) => v + 1),
        ),
    );
    assert.throws(() => fitArchiveGate(pool, [new Float32Array(D)], gate.parentDelta), /at least two photos/);
  });
});
