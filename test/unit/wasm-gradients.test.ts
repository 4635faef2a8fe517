// The wasm convolution gradients (forward-conv formulation) against a direct float64 reference of
// the convolution's definition — not against tfjs's cpu backend, whose gradients are not trusted.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initBackend, tf } from '../../src-main/core/engine/backend';
import { conv2dFilterGrad, conv2dInputGrad, registerWasmConvGradients } from '../../src-main/core/engine/wasm-gradients';

interface Case {
  name: string;
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { name: '3x3 stride 1 same', x: [2, 9, 7, 3], k: 3, co: 4, stride: 1, pad: 'same' },
  { name: '3x3 stride 2 valid (after explicit padding, as in our nets)', x: [2, 10, 12, 3], k: 3, co: 5, stride: 2, pad: 'valid' },
  { name: '3x3 stride 2 valid, odd size', x: [1, 11, 9, 2], k: 3, co: 3, stride: 2, pad: 'valid' },
  { name: '1x1 stride 1', x: [3, 5, 6, 4], k: 1, co: 6, stride: 1, pad: 'same' },
  { name: '3x3 stride 2 same', x: [2, 8, 8, 2], k: 3, co: 2, stride: 2, pad: 'same' },
];

/** Seeded values in [-1, 1). */
function values(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** y[b,oy,ox,o] = Σ x[b, oy·s + ky − pt, ox·s + kx − pl, i] · w[ky,kx,i,o], in float64; returns both gradients for a given dy. */
function reference(c: Case, x: Float64Array, w: Float64Array, dy: Float64Array, oh: number, ow: number, pt: number, pl: number) {
  const [B, H, W, C] = c.x;
  const { k, co, stride: s } = c;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * s + ky - pt;
            const ix = ox * s + kx - pl;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let i = 0; i < C; i++)
              for (let o = 0; o < co; o++) {
                const g = dy[((b * oh + oy) * ow + ox) * co + o];
                const xi = ((b * H + iy) * W + ix) * C + i;
                const wi = ((ky * k + kx) * C + i) * co + o;
                dw[wi] += x[xi] * g;
                dx[xi] += w[wi] * g;
              }
          }
  return { dx, dw };
}

function maxAbsDiff(a: Float32Array | Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('wasm convolution gradients', () => {
  before(async () => {
    const b = await initBackend('wasm');
    assert.equal(b.name, 'wasm');
    registerWasmConvGradients();
  });

  for (const c of CASES) {
    test(`${c.name}: matches the float64 definition`, () => {
      const [, , , C] = c.x;
      const fShape: [number, number, number, number] = [c.k, c.k, C, c.co];
      const info = tf.backend_util.computeConv2DInfo(c.x, fShape, c.stride, 1, c.pad);
      const x64 = values(
        c.x.reduce((p, q) => p * q),
        11,
      );
      const w64 = values(
        fShape.reduce((p, q) => p * q),
        23,
      );
      const dy64 = values(c.x[0] * info.outHeight * info.outWidth * c.co, 37);
      const ref = reference(c, x64, w64, dy64, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left);
      const x = tf.tensor4d(Float32Array.from(x64), c.x);
      const w = tf.tensor4d(Float32Array.from(w64), fShape);
      const dy = tf.tensor4d(Float32Array.from(dy64), [c.x[0], info.outHeight, info.outWidth, c.co]);
      const geometry = { strides: [c.stride, c.stride] as [number, number], pad: c.pad };
      const dw = conv2dFilterGrad(x, dy, fShape, geometry);
      const dx = conv2dInputGrad(c.x, dy, w, geometry);
      assert.deepEqual(dw.shape, fShape);
      assert.deepEqual(dx.shape, c.x);
      assert.ok(maxAbsDiff(dw.dataSync() as Float32Array, ref.dw) < 1e-4, `dW differs by ${maxAbsDiff(dw.dataSync() as Float32Array, ref.dw)}`);
      assert.ok(maxAbsDiff(dx.dataSync() as Float32Array, ref.dx) < 1e-4, `dx differs by ${maxAbsDiff(dx.dataSync() as Float32Array, ref.dx)}`);
      tf.dispose([x, w, dy, dw, dx]);
    });
  }

  test('tf.grad through a conv2d layer uses the registered kernels and matches the reference', () => {
    const c = CASES[1];
    const [, , , C] = c.x;
    const fShape: [number, number, number, number] = [c.k, c.k, C, c.co];
    const info = tf.backend_util.computeConv2DInfo(c.x, fShape, c.stride, 1, c.pad);
    const x64 = values(
      c.x.reduce((p, q) => p * q),
      5,
    );
    const w64 = values(
      fShape.reduce((p, q) => p * q),
      6,
    );
    const dy64 = values(c.x[0] * info.outHeight * info.outWidth * c.co, 7);
    const ref = reference(c, x64, w64, dy64, info.outHeight, info.outWidth, 0, 0);
    const x = tf.tensor4d(Float32Array.from(x64), c.x);
    const w = tf.tensor4d(Float32Array.from(w64), fShape);
    const dy = tf.tensor4d(Float32Array.from(dy64), [c.x[0], info.outHeight, info.outWidth, c.co]);
    // Loss = Σ y·dy, so ∂loss/∂y = dy; fused conv (with bias and relu off) is what tf.layers uses.
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.fused
        .conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 2, pad: 'valid' })
        .mul(dy)
        .sum(),
    )([x, w]);
    assert.ok(maxAbsDiff(gw.dataSync() as Float32Array, ref.dw) < 1e-4);
    assert.ok(maxAbsDiff(gx.dataSync() as Float32Array, ref.dx) < 1e-4);
    tf.dispose([x, w, dy, gx, gw]);
  });
});
