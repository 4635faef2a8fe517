// The harmonic fill computed coarse to fine, exactly as the learned fill's training computes it
// (training/fill_train.py `harmonic`): the known pixels are averaged down level by level (a 2×2
// block that is all hole stays a hole), the coarsest level takes the mean, and each finer level
// starts from the coarser answer enlarged bilinearly and runs Jacobi sweeps with its known pixels
// held. Wide holes settle in a fixed, small number of sweeps, and the learned fill sees the same
// input here as it did in training. Only masked pixels differ from L.

/** Jacobi sweeps per level, as in training. */
export const PYRAMID_SWEEPS = 40;

/** Bilinear enlargement as PyTorch's interpolate(align_corners=False) computes it for any two sizes. */
function enlarge(src: Float32Array, sw: number, sh: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const axis = (n: number, sn: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } => {
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
  };
  const ax = axis(w, sw),
    ay = axis(h, sh);
  for (let y = 0; y < h; y++) {
    const r0 = ay.i0[y]! * sw,
      r1 = ay.i1[y]! * sw,
      fy = ay.f[y]!;
    for (let x = 0; x < w; x++) {
      const a = ax.i0[x]!,
        b = ax.i1[x]!,
        fx = ax.f[x]!;
      const top = src[r0 + a]! * (1 - fx) + src[r0 + b]! * fx;
      const bot = src[r1 + a]! * (1 - fx) + src[r1 + b]! * fx;
      out[y * w + x] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}

/** L (w × h) with its masked pixels (mask 1) filled harmonically; a new plane. */
export function harmonicPyramid(L: Float32Array, w: number, h: number, mask: Uint8Array, sweeps = PYRAMID_SWEEPS): Float32Array {
  const u = new Float32Array(w * h);
  if (Math.min(w, h) <= 4) {
    let sum = 0,
      n = 0;
    for (let i = 0; i < L.length; i++)
      if (!mask[i]) {
        sum += L[i]!;
        n++;
      }
    const mean = sum / Math.max(1, n);
    for (let i = 0; i < L.length; i++) u[i] = mask[i] ? mean : L[i]!;
  } else {
    const cw = w >> 1,
      ch = h >> 1;
    const Lc = new Float32Array(cw * ch),
      Mc = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++)
      for (let x = 0; x < cw; x++) {
        let sum = 0,
          n = 0;
        for (const i of [2 * y * w + 2 * x, 2 * y * w + 2 * x + 1, (2 * y + 1) * w + 2 * x, (2 * y + 1) * w + 2 * x + 1])
          if (!mask[i]) {
            sum += L[i]!;
            n++;
          }
        Lc[y * cw + x] = n ? sum / n : 0;
        Mc[y * cw + x] = n ? 0 : 1;
      }
    const up = enlarge(harmonicPyramid(Lc, cw, ch, Mc, sweeps), cw, ch, w, h);
    for (let i = 0; i < L.length; i++) u[i] = mask[i] ? up[i]! : L[i]!;
  }
  const holes: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) holes.push(i);
  const next = new Float32Array(holes.length);
  for (let s = 0; s < sweeps; s++) {
    // Jacobi: every hole from the previous sweep's neighbours (a missing neighbour counts as itself).
    for (let k = 0; k < holes.length; k++) {
      const i = holes[k]!,
        x = i % w,
        v = u[i]!;
      const l = x > 0 ? u[i - 1]! : v,
        r = x < w - 1 ? u[i + 1]! : v,
        t = i >= w ? u[i - w]! : v,
        b = i + w < u.length ? u[i + w]! : v;
      next[k] = (l + r + t + b) / 4;
    }
    for (let k = 0; k < holes.length; k++) u[holes[k]!] = next[k]!;
  }
  return u;
}
