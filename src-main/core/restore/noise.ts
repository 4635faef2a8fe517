// Smooth seeded value noise for the damage generator: random values on a coarse grid, bilinearly
// interpolated (smoothstep-eased) and summed over octaves, so stains and tarnish get organic edges.
import { Rng } from '../rng';

/** A width × height field of fractal value noise, roughly in [−1, 1], coarsest features `cell` px. */
export function fractalNoise(width: number, height: number, cell: number, octaves: number, rng: Rng): Float32Array {
  const out = new Float32Array(width * height);
  let amp = 1,
    total = 0;
  for (let o = 0; o < octaves; o++, cell /= 2, amp /= 2) {
    const c = Math.max(2, cell);
    const gw = Math.ceil(width / c) + 2,
      gh = Math.ceil(height / c) + 2;
    const grid = new Float32Array(gw * gh);
    for (let i = 0; i < grid.length; i++) grid[i] = rng.next() * 2 - 1;
    const ease = (t: number): number => t * t * (3 - 2 * t);
    for (let y = 0; y < height; y++) {
      const gy = y / c,
        y0 = Math.floor(gy),
        ty = ease(gy - y0);
      for (let x = 0; x < width; x++) {
        const gx = x / c,
          x0 = Math.floor(gx),
          tx = ease(gx - x0);
        const a = grid[y0 * gw + x0]!,
          b = grid[y0 * gw + x0 + 1]!,
          d = grid[(y0 + 1) * gw + x0]!,
          e = grid[(y0 + 1) * gw + x0 + 1]!;
        out[y * width + x] += amp * ((1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * d + tx * e));
      }
    }
    total += amp;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / total;
  return out;
}
