// Torn and missing corners and edges: the fill invents what was never there, so a person may rather
// crop to the print that survived. The torn parts are the damage regions that touch the photo's
// border; the crop is the largest upright rectangle that holds none of their pixels.

export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface TornCropOptions {
  /** Smallest border-touching damage counted as torn, as a share of the photo; default 0.001. */
  minTornShare?: number;
  /** No crop when it would keep less than this share of the photo (fill instead); default 0.5. */
  minKeptShare?: number;
  /** Side of the grid the rectangle is searched on, cells; default 512. */
  grid?: number;
}

/** 1 for pixels of damage regions (8-connected) that touch the border and are large enough to be a tear. */
export function tornRegions(mask: Uint8Array, w: number, h: number, minTornShare = 0.001): Uint8Array {
  const torn = new Uint8Array(mask.length);
  const seen = new Uint8Array(mask.length);
  const minArea = Math.max(1, minTornShare * w * h);
  const region: number[] = [];
  const grow = (s: number): void => {
    region.length = 0;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      region.push(p);
      const x = p % w,
        y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const q = yy * w + xx;
          if (mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    if (region.length >= minArea) for (const p of region) torn[p] = 1;
  };
  for (let x = 0; x < w; x++)
    for (const y of [0, h - 1]) {
      const p = y * w + x;
      if (mask[p] && !seen[p]) grow(p);
    }
  for (let y = 0; y < h; y++)
    for (const x of [0, w - 1]) {
      const p = y * w + x;
      if (mask[p] && !seen[p]) grow(p);
    }
  return torn;
}

/** The largest all-free rectangle of a blocked grid (histogram method, one pass over the rows). */
function largestFreeRect(blocked: Uint8Array, gw: number, gh: number): CropRect {
  const heights = new Int32Array(gw);
  let best: CropRect = { left: 0, top: 0, width: 0, height: 0 };
  const stack: number[] = [];
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) heights[x] = blocked[y * gw + x] ? 0 : heights[x]! + 1;
    stack.length = 0;
    for (let x = 0; x <= gw; x++) {
      const hx = x < gw ? heights[x]! : 0;
      while (stack.length && heights[stack[stack.length - 1]!]! >= hx) {
        const top = stack.pop()!;
        const height = heights[top]!;
        const left = stack.length ? stack[stack.length - 1]! + 1 : 0;
        const width = x - left;
        if (width * height > best.width * best.height) best = { left, top: y - height + 1, width, height };
      }
      stack.push(x);
    }
  }
  return best;
}

/**
 * Where to crop a photo so no torn edge or missing corner is left, or null when nothing is torn or
 * the crop would keep too little of the photo (then the fill is the better answer).
 */
export function tornEdgeCrop(mask: Uint8Array, w: number, h: number, opts: TornCropOptions = {}): CropRect | null {
  if (mask.length !== w * h) throw new RangeError(`mask has ${mask.length} values, expected ${w}×${h}`);
  const torn = tornRegions(mask, w, h, opts.minTornShare ?? 0.001);
  if (!torn.some((v) => v)) return null;
  const f = Math.max(1, Math.ceil(Math.max(w, h) / (opts.grid ?? 512)));
  const gw = Math.ceil(w / f),
    gh = Math.ceil(h / f);
  const blocked = new Uint8Array(gw * gh);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (torn[y * w + x]) blocked[Math.floor(y / f) * gw + Math.floor(x / f)] = 1;
  const r = largestFreeRect(blocked, gw, gh);
  const rect = { left: r.left * f, top: r.top * f, width: Math.min(w - r.left * f, r.width * f), height: Math.min(h - r.top * f, r.height * f) };
  if (rect.width * rect.height < (opts.minKeptShare ?? 0.5) * w * h) return null;
  return rect;
}

/** The rectangle's pixels of an interleaved image with `channels` channels. */
export function cropPixels(px: Uint8Array, w: number, channels: number, r: CropRect): Buffer {
  const out = Buffer.alloc(r.width * r.height * channels);
  for (let y = 0; y < r.height; y++) {
    const src = ((r.top + y) * w + r.left) * channels;
    out.set(px.subarray(src, src + r.width * channels), y * r.width * channels);
  }
  return out;
}
