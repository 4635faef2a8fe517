// Convolution gradients for the wasm backend, written as forward convolutions so they run on its
// fast XNNPACK Conv2D: wasm has no Conv2DBackpropFilter at all, and its Conv2DBackpropInput runs at
// about 0.7 GMAC/s (../shared/guide/MODEL.md). Fine-tuning on a machine without TensorFlow native
// needs both. Verified against a direct float64 reference in test/unit/wasm-gradients.test.ts.
import { tf } from './backend';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface ConvGeometry {
  strides: [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function padInfo(xShape: number[], filterShape: number[], g: ConvGeometry) {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    g.strides,
    1,
    g.pad,
    g.dimRoundingMode,
  );
  return info;
}

/** Zero-interleaves dy by the stride (s−1 zeros between samples), as a transposed conv needs. */
function dilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  let t = dy;
  const [b, h, w, c] = t.shape;
  if (sw > 1) {
    const z = tf.zeros([b, h, w, sw - 1, c]);
    t = tf
      .concat([t.reshape([b, h, w, 1, c]), z], 3)
      .reshape([b, h, w * sw, c])
      .slice([0, 0, 0, 0], [b, h, (w - 1) * sw + 1, c]) as tf.Tensor4D;
  }
  if (sh > 1) {
    const [, h2, w2] = t.shape;
    const z = tf.zeros([b, h2, sh - 1, w2, c]);
    t = tf
      .concat([t.reshape([b, h2, 1, w2, c]), z], 2)
      .reshape([b, h2 * sh, w2, c])
      .slice([0, 0, 0, 0], [b, (h2 - 1) * sh + 1, w2, c]) as tf.Tensor4D;
  }
  return t;
}

/**
 * ∂L/∂W of y = conv2d(x, W): for every tap (kh, kw), Σ over batch and positions of x · dy. That is
 * a forward convolution of x (channels as batch, batch as channels) with dy as the filter, dilated
 * by the stride.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const info = padInfo(x.shape, filterShape, g);
    const [kh, kw, ci, co] = filterShape;
    const { top, left, bottom, right } = info.padInfo;
    const xp = tf.pad(x, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    // The rows/columns of xp that any output position reaches: (out − 1)·s + k.
    const needH = (info.outHeight - 1) * info.strideHeight + kh;
    const needW = (info.outWidth - 1) * info.strideWidth + kw;
    const xs = xp.slice([0, 0, 0, 0], [-1, Math.min(needH, xp.shape[1]), Math.min(needW, xp.shape[2]), -1]);
    const xT = xs.transpose([3, 1, 2, 0]) as tf.Tensor4D; // [ci, H, W, batch]
    const dyT = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, batch, co]
    const r = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]); // [ci, kh', kw', co]
    return r.slice([0, 0, 0, 0], [ci, kh, kw, co]).transpose([1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * ∂L/∂x of y = conv2d(x, W): a "full" convolution of the stride-dilated dy with W rotated by 180°
 * and its in/out channels swapped, cropped back to x's size.
 */
export function conv2dInputGrad(xShape: [number, number, number, number], dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const info = padInfo(xShape, filter.shape, g);
    const [kh, kw] = filter.shape;
    const [, h, w] = xShape;
    const d = dilate(dy, info.strideHeight, info.strideWidth);
    const { top, left } = info.padInfo;
    // Pad so the valid conv yields exactly h × w: before = k − 1 − pad, after = whatever is left.
    const pt = kh - 1 - top;
    const pl = kw - 1 - left;
    const pb = h + kh - 1 - d.shape[1] - pt;
    const pr = w + kw - 1 - d.shape[2] - pl;
    let p: tf.Tensor4D = tf.pad(d, [
      [0, 0],
      [Math.max(pt, 0), Math.max(pb, 0)],
      [Math.max(pl, 0), Math.max(pr, 0)],
      [0, 0],
    ]);
    // Negative padding (pad > k − 1, never in our networks) becomes a crop.
    if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
      p = p.slice(
        [0, Math.max(-pt, 0), Math.max(-pl, 0), 0],
        [-1, p.shape[1] - Math.max(-pt, 0) - Math.max(-pb, 0), p.shape[2] - Math.max(-pl, 0) - Math.max(-pr, 0), -1],
      );
    }
    const wRot = filter.reverse([0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, co, ci]
    return tf.conv2d(p, wRot, 1, 'valid');
  });
}

let registered = false;

/**
 * Registers both kernels for the wasm backend (idempotent); call after the backend is chosen.
 * `replaceInput: false` keeps wasm's own Conv2DBackpropInput (only for measuring it in the bench).
 */
export function registerWasmConvGradients(opts: { replaceInput?: boolean } = {}): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrs as unknown as ConvGeometry & { filterShape: [number, number, number, number]; dataFormat: string };
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm): only NHWC');
      return conv2dFilterGrad(x, dy, a.filterShape, a) as unknown as tf.TensorInfo;
    },
  });
  if (opts.replaceInput === false) return;
  // Replaces the slow built-in kernel (registerKernel would refuse a duplicate).
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { dy, filter } = inputs as unknown as { dy: tf.Tensor4D; filter: tf.Tensor4D };
      const a = attrs as unknown as ConvGeometry & { inputShape: [number, number, number, number]; dataFormat: string };
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropInput (wasm): only NHWC');
      return conv2dInputGrad(a.inputShape, dy, filter, a) as unknown as tf.TensorInfo;
    },
  });
}
