// A user's colour hint: "this point is this colour". x and y are fractions of the photo's width and
// height (after EXIF orientation), so a hint means the same place at any size; only the colour's a
// and b are used — the photo keeps its own lightness. `size` is the patch side in working-size pixels.
import { srgbToLab } from '../color/lab';
import { emptyHints } from '../engine/hints';
import type { Hints } from '../engine/predict';

export { DEFAULT_HINT_SIZE, MAX_HINTS, PointHintSchema, PointHintsSchema } from '../../contract/hints';
export type { PointHint } from '../../contract/hints';
import { DEFAULT_HINT_SIZE, type PointHint } from '../../contract/hints';

/** The a and b of an sRGB hex colour. */
export function hexToAb(hex: string): [number, number] {
  const n = parseInt(hex.slice(1), 16);
  const [, a, b] = srgbToLab(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
  return [a, b];
}

/**
 * The network's hint channels at working size: each hint a size×size patch of its colour's ab,
 * centred on its point (clipped at the edges); a later hint wins where two overlap.
 */
export function rasteriseHints(hints: readonly PointHint[], width: number, height: number): Hints {
  const out = emptyHints(width, height);
  for (const h of hints) {
    const [a, b] = hexToAb(h.color);
    const s = h.size ?? DEFAULT_HINT_SIZE;
    const cx = Math.min(width - 1, Math.floor(h.x * width));
    const cy = Math.min(height - 1, Math.floor(h.y * height));
    const x0 = cx - Math.floor((s - 1) / 2);
    const y0 = cy - Math.floor((s - 1) / 2);
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + s); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + s); x++) {
        const i = y * width + x;
        out.a[i] = a;
        out.b[i] = b;
        out.mask[i] = 1;
      }
    }
  }
  return out;
}
