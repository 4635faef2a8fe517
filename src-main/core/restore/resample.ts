// Resizing one float plane (L, a damage probability, a mask as 0/1) to any size: separable linear
// interpolation whose triangle kernel widens with the reduction, so shrinking averages every source
// pixel (no aliasing of thin cracks) and enlarging is plain bilinear. Pixel centres are aligned.

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

function taps(src: number, dst: number): Taps {
  const scale = src / dst;
  const support = Math.max(1, scale); // kernel half-width in source pixels
  const stride = Math.ceil(support) * 2 + 2;
  const start = new Int32Array(dst),
    count = new Int32Array(dst),
    weights = new Float32Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - support)),
      hi = Math.min(src - 1, Math.floor(centre + support));
    let sum = 0,
      n = 0;
    for (let j = lo; j <= hi; j++, n++) {
      const wgt = Math.max(0, 1 - Math.abs(j - centre) / support);
      weights[i * stride + n] = wgt;
      sum += wgt;
    }
    if (sum <= 0) {
      // Only at the very edge when enlarging: take the nearest pixel.
      const j = Math.min(src - 1, Math.max(0, Math.round(centre)));
      start[i] = j;
      count[i] = 1;
      weights[i * stride] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[i * stride + k] = weights[i * stride + k]! / sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, stride };
}

/** A width × height plane (floats, or a 0/1 mask read as 0 and 1) resized to newWidth × newHeight. */
export function resizePlane(src: Float32Array | Uint8Array, width: number, height: number, newWidth: number, newHeight: number): Float32Array {
  if (newWidth === width && newHeight === height) {
    if (src.length !== width * height) throw new RangeError(`plane has ${src.length} values, expected ${width}×${height}`);
    return Float32Array.from(src);
  }
  const out = new Float32Array(newWidth * newHeight);
  resizeRows(src, width, height, newWidth, newHeight, (y, row) => out.set(row, y * newWidth));
  return out;
}

/**
 * The same resize handed out one output row at a time (`row` is reused: copy what you keep), so a
 * large result is never held whole: a 24 MP probability map or fill correction is used as it comes.
 */
export function resizeRows(
  src: Float32Array | Uint8Array,
  width: number,
  height: number,
  newWidth: number,
  newHeight: number,
  visit: (y: number, row: Float32Array) => void,
): void {
  if (src.length !== width * height) throw new RangeError(`plane has ${src.length} values, expected ${width}×${height}`);
  const tx = taps(width, newWidth),
    ty = taps(height, newHeight);
  const mid = new Float32Array(newWidth * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < newWidth; x++) {
      let s = 0;
      const o = x * tx.stride,
        st = tx.start[x]!;
      for (let k = 0; k < tx.count[x]!; k++) s += tx.weights[o + k]! * src[row + st + k]!;
      mid[y * newWidth + x] = s;
    }
  }
  const out = new Float32Array(newWidth);
  for (let y = 0; y < newHeight; y++) {
    out.fill(0);
    const o = y * ty.stride,
      st = ty.start[y]!,
      n = ty.count[y]!;
    for (let k = 0; k < n; k++) {
      const wgt = ty.weights[o + k]!,
        row = (st + k) * newWidth;
      for (let x = 0; x < newWidth; x++) out[x] += wgt * mid[row + x]!;
    }
    visit(y, out);
  }
}

/** The size a photo is looked at when its long side is brought to `side`. */
export function sizeForLongSide(width: number, height: number, side: number): { width: number; height: number } {
  const f = side / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * f)), height: Math.max(1, Math.round(height * f)) };
}
