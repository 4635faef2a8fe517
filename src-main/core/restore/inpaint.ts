// Telea's fast-marching inpainting (A. Telea, "An Image Inpainting Technique Based on the Fast
// Marching Method", J. Graphics Tools 9(1), 2004). Masked pixels are filled from the hole's boundary
// inwards in order of their distance T to known pixels; each is a weighted mean of known neighbours
// within `radius`, extrapolated along their gradient, so ramps and edges run into the hole instead
// of flattening. Only masked pixels are written: everything else is copied bit for bit.

export interface InpaintOptions {
  /** Neighbourhood radius in pixels (Telea's ε); default 5. */
  radius?: number;
}

const KNOWN = 0,
  BAND = 1,
  INSIDE = 2;

/** A binary min-heap of (T, pixel) with lazy deletion (stale entries are skipped when popped). */
class Heap {
  private t: number[] = [];
  private p: number[] = [];
  get size(): number {
    return this.t.length;
  }
  push(t: number, p: number): void {
    const a = this.t,
      b = this.p;
    let i = a.length;
    a.push(t);
    b.push(p);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (a[up]! <= t) break;
      a[i] = a[up]!;
      b[i] = b[up]!;
      i = up;
    }
    a[i] = t;
    b[i] = p;
  }
  pop(): number {
    const a = this.t,
      b = this.p;
    const top = b[0]!;
    const lt = a.pop()!,
      lp = b.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && a[c + 1]! < a[c]!) c++;
        if (a[c]! >= lt) break;
        a[i] = a[c]!;
        b[i] = b[c]!;
        i = c;
      }
      a[i] = lt;
      b[i] = lp;
    }
    return top;
  }
}

/**
 * Fills the masked pixels of one or more planes (e.g. L alone, or L, a and b) with the same weights.
 * Returns new planes; the inputs are not modified. A mask with no known pixel at all is left as is.
 */
export function inpaintPlanes(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  mask: Uint8Array,
  opts: InpaintOptions = {},
): Float32Array[] {
  const n = width * height;
  if (mask.length !== n) throw new RangeError(`mask has ${mask.length} values, expected ${n}`);
  for (const p of planes) if (p.length !== n) throw new RangeError(`plane has ${p.length} values, expected ${n}`);
  const out = planes.map((p) => Float32Array.from(p));
  inpaintInPlace(out, width, height, mask, opts);
  return out;
}

/** One plane; see inpaintPlanes. */
export function inpaint(L: Float32Array, width: number, height: number, mask: Uint8Array, opts: InpaintOptions = {}): Float32Array {
  return inpaintPlanes([L], width, height, mask, opts)[0]!;
}

/** As inpaintPlanes, writing into the given planes (only at masked pixels). */
export function inpaintInPlace(planes: Float32Array[], width: number, height: number, mask: Uint8Array, opts: InpaintOptions = {}): void {
  const n = width * height;
  const radius = opts.radius ?? 5;
  const flag = new Uint8Array(n);
  const T = new Float32Array(n);
  let holes = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      flag[i] = INSIDE;
      T[i] = Infinity;
      holes++;
    }
  }
  if (holes === 0 || holes === n) return;

  const heap = new Heap();
  // The band starts as the hole's pixels that touch a known pixel (4-neighbours), at distance 1.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (flag[i] !== INSIDE) continue;
      if (
        (x > 0 && flag[i - 1] === KNOWN) ||
        (x < width - 1 && flag[i + 1] === KNOWN) ||
        (y > 0 && flag[i - width] === KNOWN) ||
        (y < height - 1 && flag[i + width] === KNOWN)
      ) {
        flag[i] = BAND;
        T[i] = 1;
        heap.push(1, i);
      }
    }
  }

  const tAt = (x: number, y: number): number => (x < 0 || y < 0 || x >= width || y >= height ? Infinity : T[y * width + x]!);
  // Eikonal |∇T| = 1 from two neighbours (Telea's solve): both finite → the quadratic's root, else 1 + the finite one.
  const solve = (x1: number, y1: number, x2: number, y2: number): number => {
    const t1 = tAt(x1, y1),
      t2 = tAt(x2, y2);
    const f1 = t1 < Infinity && flag[y1 * width + x1] !== INSIDE,
      f2 = t2 < Infinity && flag[y2 * width + x2] !== INSIDE;
    if (f1 && f2) {
      const d = 2 - (t1 - t2) * (t1 - t2);
      if (d > 0) {
        const r = Math.sqrt(d);
        let s = (t1 + t2 - r) / 2;
        if (s >= t1 && s >= t2) return s;
        s += r;
        if (s >= t1 && s >= t2) return s;
      }
      return 1 + Math.min(t1, t2);
    }
    if (f1) return 1 + t1;
    if (f2) return 1 + t2;
    return Infinity;
  };

  const r2 = radius * radius;
  const sums = new Float64Array(planes.length);
  const known = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < width && y < height && flag[y * width + x] === KNOWN;
  // Gradient of a plane at a known pixel from known neighbours only (central where both exist).
  const grad = (pl: Float32Array, x: number, y: number, i: number): [number, number] => {
    let gx = 0,
      gy = 0;
    const l = known(x - 1, y),
      r = known(x + 1, y),
      u = known(x, y - 1),
      d = known(x, y + 1);
    if (l && r) gx = (pl[i + 1]! - pl[i - 1]!) / 2;
    else if (r) gx = pl[i + 1]! - pl[i]!;
    else if (l) gx = pl[i]! - pl[i - 1]!;
    if (u && d) gy = (pl[i + width]! - pl[i - width]!) / 2;
    else if (d) gy = pl[i + width]! - pl[i]!;
    else if (u) gy = pl[i]! - pl[i - width]!;
    return [gx, gy];
  };

  const fill = (x: number, y: number, i: number): void => {
    // ∇T at p: the direction the front travels, i.e. the hole's normal there.
    const tp = T[i]!;
    const tl = tAt(x - 1, y),
      tr = tAt(x + 1, y),
      tu = tAt(x, y - 1),
      td = tAt(x, y + 1);
    let gtx = 0,
      gty = 0;
    if (tl < Infinity && tr < Infinity) gtx = (tr - tl) / 2;
    else if (tr < Infinity) gtx = tr - tp;
    else if (tl < Infinity) gtx = tp - tl;
    if (tu < Infinity && td < Infinity) gty = (td - tu) / 2;
    else if (td < Infinity) gty = td - tp;
    else if (tu < Infinity) gty = tp - tu;
    sums.fill(0);
    let wsum = 0;
    const y0 = Math.max(0, y - radius),
      y1 = Math.min(height - 1, y + radius);
    const x0 = Math.max(0, x - radius),
      x1 = Math.min(width - 1, x + radius);
    for (let qy = y0; qy <= y1; qy++) {
      for (let qx = x0; qx <= x1; qx++) {
        const q = qy * width + qx;
        if (flag[q] !== KNOWN) continue;
        const rx = x - qx,
          ry = y - qy,
          d2 = rx * rx + ry * ry;
        if (d2 > r2 || d2 === 0) continue;
        const dist = Math.sqrt(d2);
        // Telea's three factors: along the normal, near, and on the same level set of T.
        let dir = Math.abs(rx * gtx + ry * gty) / dist;
        if (dir < 1e-6) dir = 1e-6;
        const dst = 1 / d2;
        const lev = 1 / (1 + Math.abs(T[q]! - tp));
        const wgt = dir * dst * lev;
        for (let c = 0; c < planes.length; c++) {
          const pl = planes[c]!;
          const [gx, gy] = grad(pl, qx, qy, q);
          sums[c] = sums[c]! + wgt * (pl[q]! + gx * rx + gy * ry);
        }
        wsum += wgt;
      }
    }
    if (wsum > 0) {
      for (let c = 0; c < planes.length; c++) planes[c]![i] = sums[c]! / wsum;
    }
  };

  while (heap.size > 0) {
    const i = heap.pop();
    if (flag[i] === KNOWN) continue; // a stale heap entry
    const x = i % width,
      y = (i - x) / width;
    fill(x, y, i);
    flag[i] = KNOWN;
    const nb = [
      [x - 1, y],
      [x + 1, y],
      [x, y - 1],
      [x, y + 1],
    ] as const;
    for (const [nx, ny] of nb) {
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const j = ny * width + nx;
      if (flag[j] === KNOWN) continue;
      const t = Math.min(solve(nx - 1, ny, nx, ny - 1), solve(nx + 1, ny, nx, ny - 1), solve(nx - 1, ny, nx, ny + 1), solve(nx + 1, ny, nx, ny + 1));
      if (t < T[j]!) {
        T[j] = t;
        flag[j] = BAND;
        heap.push(t, j);
      }
    }
  }
}
