// The harmonic fill computed coarse to fine, exactly as the learned fill's training computes it
// (training/fill_train.py `harmonic`): the known pixels are averaged down level by level (a 2×2
// block that is all hole stays a hole), the coarsest level takes the mean, and each finer level
// starts from the coarser answer enlarged bilinearly and runs Jacobi sweeps with its known pixels
// held. Wide holes settle in a fixed, small number of sweeps, and the learned fill sees the same
// input here as it did in training. Only masked pixels differ from L.

/** Jacobi sweeps per level, as in training. */
export const PYRAMID_SWEEPS = 40;

/** Bilinear taps along one axis as PyTorch's interpolate(align_corners=False) computes them for any two sizes. */
function axisTaps(n: number, sn: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(n),
    i1 = new Int32Array(n),
    f = new Float32Array(n);
  const scale = sn / n;
  for (let d = 0; d < n; d++) {
    const s = Math.max(0, (d + 0.5) * scale - 0.5);
    const a = Math.min(Math.floor(s), sn - 1);
    i0[d] = a;
    i1[d] = Math.min(a + 1, sn - 1);
    f[d] = s - a;
  }
  return { i0, i1, f };
}

/** `src` (sw × sh) enlarged bilinearly to w × h, written into `dst` at its masked pixels only. */
function enlargeIntoMasked(src: Float32Array, sw: number, sh: number, w: number, h: number, dst: Float32Array, mask: Uint8Array): void {
  const ax = axisTaps(w, sw),
    ay = axisTaps(h, sh);
  for (let y = 0; y < h; y++) {
    const r0 = ay.i0[y]! * sw,
      r1 = ay.i1[y]! * sw,
      fy = ay.f[y]!;
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      const a = ax.i0[x]!,
        b = ax.i1[x]!,
        fx = ax.f[x]!;
      const top = src[r0 + a]! * (1 - fx) + src[r0 + b]! * fx;
      const bot = src[r1 + a]! * (1 - fx) + src[r1 + b]! * fx;
      dst[y * w + x] = top * (1 - fy) + bot * fy;
    }
  }
}

/** L (w × h) with its masked pixels (mask 1) filled harmonically; a new plane. */
export function harmonicPyramid(L: Float32Array, w: number, h: number, mask: Uint8Array, sweeps = PYRAMID_SWEEPS): Float32Array {
  const u = Float32Array.from(L);
  harmonicPyramidInPlace(u, w, h, mask, sweeps);
  return u;
}

/**
 * The same fill written into `u` itself (only its masked pixels change): a 24 MP scan is filled
 * without a second full-size plane.
 */
export function harmonicPyramidInPlace(u: Float32Array, w: number, h: number, mask: Uint8Array, sweeps = PYRAMID_SWEEPS): void {
  if (Math.min(w, h) <= 4) {
    let sum = 0,
      n = 0;
    for (let i = 0; i < u.length; i++)
      if (!mask[i]) {
        sum += u[i]!;
        n++;
      }
    const mean = sum / Math.max(1, n);
    for (let i = 0; i < u.length; i++) if (mask[i]) u[i] = mean;
  } else {
    const cw = w >> 1,
      ch = h >> 1;
    const Lc = new Float32Array(cw * ch),
      Mc = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++)
      for (let x = 0; x < cw; x++) {
        let sum = 0,
          n = 0;
        const i0 = 2 * y * w + 2 * x,
          i1 = i0 + w;
        for (const i of [i0, i0 + 1, i1, i1 + 1])
          if (!mask[i]) {
            sum += u[i]!;
            n++;
          }
        Lc[y * cw + x] = n ? sum / n : 0;
        Mc[y * cw + x] = n ? 0 : 1;
      }
    harmonicPyramidInPlace(Lc, cw, ch, Mc, sweeps);
    enlargeIntoMasked(Lc, cw, ch, w, h, u, mask);
  }
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  const holes = new Int32Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) holes[k++] = i;
  const next = new Float32Array(count);
  for (let s = 0; s < sweeps; s++) {
    // Jacobi: every hole from the previous sweep's neighbours (a missing neighbour counts as itself).
    for (let k = 0; k < count; k++) {
      const i = holes[k]!,
        x = i % w,
        v = u[i]!;
      const l = x > 0 ? u[i - 1]! : v,
        r = x < w - 1 ? u[i + 1]! : v,
        t = i >= w ? u[i - w]! : v,
        b = i + w < u.length ? u[i + w]! : v;
      next[k] = (l + r + t + b) / 4;
    }
    for (let k = 0; k < count; k++) u[holes[k]!] = next[k]!;
  }
}
