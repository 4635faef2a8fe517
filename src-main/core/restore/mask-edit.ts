// A person's brush strokes on the damage mask (contract/mask-edit.ts), rasterised at the photo's full
// size and applied in order to the detected 0/1 mask before it is filled: 'add' marks the pixels a
// stroke covers, 'erase' unmarks them. A pixel is covered when its centre lies within the brush radius
// of the stroke's path (round caps and joins), so a stroke is the same shape at any size.
import type { MaskStroke } from '../../contract/mask-edit';

/** Smallest radius in pixels, so any dab covers at least the pixel it is on. */
const MIN_RADIUS_PX = 0.75;

/** The brush radius of a stroke in pixels of a width × height photo. */
export function strokeRadiusPx(stroke: MaskStroke, width: number, height: number): number {
  return Math.max(MIN_RADIUS_PX, stroke.radius * Math.max(width, height));
}

/**
 * Visits every pixel one stroke covers, once per segment it is near (a pixel near two segments is
 * visited twice; setting a mask value is idempotent).
 */
function forEachCovered(stroke: MaskStroke, width: number, height: number, visit: (k: number) => void): void {
  const r = strokeRadiusPx(stroke, width, height),
    r2 = r * r;
  const pts = stroke.points.map(([x, y]) => [x * width, y * height] as const);
  const segs = pts.length === 1 ? [[pts[0]!, pts[0]!]] : pts.slice(1).map((p, i) => [pts[i]!, p]);
  for (const [a, b] of segs) {
    const [ax, ay] = a!,
      [bx, by] = b!;
    const dx = bx - ax,
      dy = by - ay,
      len2 = dx * dx + dy * dy;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 0.5)),
      x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + r - 0.5));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 0.5)),
      y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + r - 0.5));
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
        const ex = px - (ax + t * dx),
          ey = py - (ay + t * dy);
        if (ex * ex + ey * ey <= r2) visit(y * width + x);
      }
    }
  }
}

/** The pixels a set of strokes covers, as a 0/1 mask (whatever their mode): for tests and previews. */
export function rasteriseStrokes(strokes: readonly MaskStroke[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (const s of strokes) forEachCovered(s, width, height, (k) => (out[k] = 1));
  return out;
}

/**
 * Applies strokes in order to a 0/1 mask of a width × height photo, in place. Returns how many pixels
 * the edit marked that were not marked before, and unmarked that were (comparing the end to the start).
 */
export function applyMaskEdit(mask: Uint8Array, width: number, height: number, strokes: readonly MaskStroke[]): { added: number; erased: number } {
  if (mask.length !== width * height) throw new RangeError(`mask has ${mask.length} values, expected ${width}×${height}`);
  if (!strokes.length) return { added: 0, erased: 0 };
  const before = Uint8Array.from(mask);
  for (const s of strokes) {
    const v = s.mode === 'add' ? 1 : 0;
    forEachCovered(s, width, height, (k) => (mask[k] = v));
  }
  let added = 0,
    erased = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && !before[i]) added++;
    else if (!mask[i] && before[i]) erased++;
  }
  return { added, erased };
}

/** A damage detector whose mask is then edited by these strokes (none: the detector itself). */
export function withMaskEdit<D extends { id: string; detect: (L: Float32Array, w: number, h: number) => Uint8Array }>(
  detector: D,
  strokes: readonly MaskStroke[] | undefined,
): D {
  if (!strokes?.length) return detector;
  return {
    ...detector,
    detect: (L: Float32Array, w: number, h: number) => {
      const mask = detector.detect(L, w, h);
      applyMaskEdit(mask, w, h, strokes);
      return mask;
    },
  };
}

export interface DisplayMask {
  width: number;
  height: number;
  /** Row-major, one bit per pixel, most significant bit first: 1 = damaged. */
  bits: Uint8Array;
}

/** The size a width × height photo is shown at in a maxSize box (never larger than the photo). */
export function displaySize(width: number, height: number, maxSize: number): { width: number; height: number } {
  const s = Math.min(1, maxSize / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/**
 * A full-size 0/1 mask brought to display size by "any": a shown pixel is marked when any full-size
 * pixel under it is, so a scratch one pixel wide on a large scan still shows.
 */
export function maskForDisplay(mask: Uint8Array, width: number, height: number, maxSize: number): DisplayMask {
  if (mask.length !== width * height) throw new RangeError(`mask has ${mask.length} values, expected ${width}×${height}`);
  const d = displaySize(width, height, maxSize);
  const bits = new Uint8Array(Math.ceil((d.width * d.height) / 8));
  const xs = new Int32Array(d.width + 1),
    ys = new Int32Array(d.height + 1);
  for (let i = 0; i <= d.width; i++) xs[i] = Math.round((i * width) / d.width);
  for (let i = 0; i <= d.height; i++) ys[i] = Math.round((i * height) / d.height);
  for (let dy = 0; dy < d.height; dy++) {
    for (let dx = 0; dx < d.width; dx++) {
      let on = false;
      for (let y = ys[dy]!; y < Math.max(ys[dy + 1]!, ys[dy]! + 1) && !on; y++) {
        for (let x = xs[dx]!; x < Math.max(xs[dx + 1]!, xs[dx]! + 1); x++)
          if (mask[y * width + x]) {
            on = true;
            break;
          }
      }
      if (on) {
        const k = dy * d.width + dx;
        bits[k >> 3] = bits[k >> 3]! | (0x80 >> (k & 7));
      }
    }
  }
  return { ...d, bits };
}
