// Colour hints at working resolution: patches of known ab, marked in a mask (Zhang et al. 2017).
import type { Hints } from './predict';

export function emptyHints(width: number, height: number): Hints {
  const n = width * height;
  return { a: new Float32Array(n), b: new Float32Array(n), mask: new Uint8Array(n) };
}

/** Marks the s×s patch at (x0, y0) with the true mean ab of that patch (a simulated user hint). */
export function revealPatch(a: Float32Array, b: Float32Array, width: number, hints: Hints, x0: number, y0: number, s: number): void {
  let sa = 0;
  let sb = 0;
  for (let y = y0; y < y0 + s; y++)
    for (let x = x0; x < x0 + s; x++) {
      sa += a[y * width + x];
      sb += b[y * width + x];
    }
  sa /= s * s;
  sb /= s * s;
  for (let y = y0; y < y0 + s; y++)
    for (let x = x0; x < x0 + s; x++) {
      const i = y * width + x;
      hints.a[i] = sa;
      hints.b[i] = sb;
      hints.mask[i] = 1;
    }
}
