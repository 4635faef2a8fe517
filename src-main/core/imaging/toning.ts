// Toned black-and-white prints made from a grey photo, for measuring the monochrome test
// (monochrome.ts) on what real prints carry: sepia, selenium, gold, cyanotype, yellowed paper,
// foxing, faint cool or mixed tints, all with a scanner's chroma noise and an uneven cast.
import { labToRgb8 } from '../color/lab';
import { Rng } from '../rng';

export const TONINGS = ['sepia', 'selenium', 'gold', 'cyanotype', 'yellowed', 'foxed', 'faintCool', 'faintMixed'] as const;
export type Toning = (typeof TONINGS)[number];

interface ToneCurve {
  /** Hue (degrees) of the toner in the shadows and in the highlights. */
  hueDark: number;
  hueLight: number;
  /** Chroma at its strongest, and where along L (0..1) it is strongest. */
  chroma: number;
  peak: number;
  /** L range the print's tones are squeezed into (a cyanotype has no white and no black). */
  lMin: number;
  lMax: number;
}

function curveFor(kind: Toning, rng: Rng): ToneCurve {
  const u = (a: number, b: number): number => a + (b - a) * rng.next();
  switch (kind) {
    case 'sepia':
      return { hueDark: u(55, 70), hueLight: u(65, 85), chroma: u(12, 38), peak: u(0.35, 0.6), lMin: u(5, 20), lMax: u(85, 97) };
    case 'selenium':
      return { hueDark: u(5, 35), hueLight: u(40, 70), chroma: u(5, 16), peak: u(0.2, 0.4), lMin: u(3, 12), lMax: u(88, 98) };
    case 'gold':
      return { hueDark: u(240, 290), hueLight: u(60, 90), chroma: u(4, 10), peak: u(0.3, 0.5), lMin: u(5, 15), lMax: u(88, 97) };
    case 'cyanotype':
      return { hueDark: u(255, 280), hueLight: u(240, 270), chroma: u(20, 45), peak: u(0.3, 0.5), lMin: u(15, 30), lMax: u(75, 92) };
    case 'yellowed':
      return { hueDark: u(70, 90), hueLight: u(85, 100), chroma: u(8, 24), peak: u(0.75, 0.95), lMin: u(5, 15), lMax: u(80, 94) };
    case 'foxed':
      return { hueDark: u(60, 75), hueLight: u(70, 90), chroma: u(6, 22), peak: u(0.5, 0.8), lMin: u(5, 15), lMax: u(82, 95) };
    case 'faintCool':
      return { hueDark: u(220, 270), hueLight: u(200, 260), chroma: u(2, 8), peak: u(0.3, 0.7), lMin: u(0, 10), lMax: u(90, 100) };
    case 'faintMixed':
      return { hueDark: u(20, 80), hueLight: u(190, 260), chroma: u(3, 9), peak: u(0.2, 0.8), lMin: u(0, 10), lMax: u(90, 100) };
  }
}

/** A toned print (RGB, 3 bytes a pixel) of the grey lightness plane `L` (0..100), seeded. */
export function tonedPrint(L: Float32Array, width: number, height: number, kind: Toning, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const c = curveFor(kind, rng);
  const n = width * height;
  const L2 = new Float32Array(n),
    a = new Float32Array(n),
    b = new Float32Array(n);
  // An uneven cast across the print (light falling off, a paper that aged unevenly): a few chroma units.
  const castA = (rng.next() - 0.5) * 4,
    castB = (rng.next() - 0.5) * 4;
  const noise = 0.6 + 1.6 * rng.next();
  const spots =
    kind === 'foxed'
      ? Array.from({ length: 8 + rng.int(0, 40) }, () => ({
          x: rng.next() * width,
          y: rng.next() * height,
          r: (0.004 + 0.02 * rng.next()) * Math.max(width, height),
          strength: 0.5 + 0.5 * rng.next(),
        }))
      : [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const t = Math.min(1, Math.max(0, L[i]! / 100));
      const l = c.lMin + (c.lMax - c.lMin) * t;
      // Chroma rises to its peak and falls off towards paper white and full black.
      const s = t <= c.peak ? t / c.peak : (1 - t) / (1 - c.peak);
      const chroma = c.chroma * Math.sqrt(Math.max(0, s));
      const h = ((c.hueDark + (c.hueLight - c.hueDark) * t) * Math.PI) / 180;
      let ai = chroma * Math.cos(h) + castA * (x / width - 0.5) + rng.gauss(0, noise);
      let bi = chroma * Math.sin(h) + castB * (y / height - 0.5) + rng.gauss(0, noise);
      let li = l + rng.gauss(0, noise);
      for (const sp of spots) {
        const d2 = ((x - sp.x) ** 2 + (y - sp.y) ** 2) / (sp.r * sp.r);
        if (d2 >= 1) continue;
        const w = sp.strength * (1 - d2);
        ai += w * 10;
        bi += w * 24;
        li -= w * 12;
      }
      L2[i] = li;
      a[i] = ai;
      b[i] = bi;
    }
  }
  return labToRgb8(L2, a, b);
}
