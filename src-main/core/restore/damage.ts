// Seeded synthetic damage for grey photos, after Wan et al. 2020 ("Bringing Old Photos Back to
// Life"): scratches, dust, creases, film grain and fading, so the detector and inpainting can be
// measured (and later trained) against a known answer. Same seed, same size, same input → same output.
import { Rng } from '../rng';

export interface DamageOptions {
  /** Number of scratches; default 2–7 per 256² of area (scaled by √area). */
  scratches?: number;
  /** Number of dust specks; default 10–40 per 256². */
  dust?: number;
  /** Number of creases; default 0–2. */
  creases?: number;
  /** Film-grain standard deviation in L units (0 = none); default 1–2. */
  grain?: number;
  /** Apply fading (contrast compression, lifted blacks); default true. */
  fade?: boolean;
  /** Multiplies every width (scratches, specks, creases) for prints scanned larger; default 1. */
  widthScale?: number;
}

export interface DamageResult {
  L: Float32Array;
  /** 1 where scratches, dust or creases changed the pixel visibly (|ΔL| ≥ MASK_MIN_DELTA). */
  mask: Uint8Array;
}

/** A damage that moves a pixel by less than this is invisible and not counted as damage to find. */
export const MASK_MIN_DELTA = 3;

export interface FadeParams {
  black: number;
  white: number;
  gamma: number;
}

/** Seeded parameters of a faded print: blacks lifted to 8–25, whites down to 78–95, mild gamma. */
export function randomFade(rng: Rng): FadeParams {
  return { black: 8 + 17 * rng.next(), white: 78 + 17 * rng.next(), gamma: 0.9 + 0.2 * rng.next() };
}

/** Fades an L plane in place: L' = black + (white − black)·(L/100)^γ. */
export function applyFade(L: Float32Array, p: FadeParams): void {
  const span = p.white - p.black;
  for (let i = 0; i < L.length; i++) {
    const t = Math.min(1, Math.max(0, L[i]! / 100));
    L[i] = p.black + span * Math.pow(t, p.gamma);
  }
}

/** A faded copy of a grey photo (the tone step's test input), seeded. */
export function fadeGrey(L: Float32Array, seed: number): Float32Array {
  const out = Float32Array.from(L);
  applyFade(out, randomFade(new Rng(seed >>> 0)));
  return out;
}

type Pt = [number, number];

function bezier(p: Pt[], t: number): Pt {
  // De Casteljau: works for the quadratic creases and cubic scratches alike.
  let q = p.map((v) => [v[0], v[1]] as Pt);
  while (q.length > 1) {
    const n: Pt[] = [];
    for (let i = 0; i + 1 < q.length; i++) n.push([q[i]![0] + (q[i + 1]![0] - q[i]![0]) * t, q[i]![1] + (q[i + 1]![1] - q[i]![1]) * t]);
    q = n;
  }
  return q[0]!;
}

/**
 * A stroke's coverage (0..1, anti-aliased by distance) per pixel, as the max over samples so
 * overlapping samples of one stroke do not build up. Sparse: strokes touch few pixels.
 */
function strokeCoverage(ctrl: Pt[], width: (t: number) => number, w: number, h: number, strength: (t: number) => number): Map<number, number> {
  const cov = new Map<number, number>();
  let len = 0;
  for (let i = 0; i + 1 < ctrl.length; i++) len += Math.hypot(ctrl[i + 1]![0] - ctrl[i]![0], ctrl[i + 1]![1] - ctrl[i]![1]);
  const steps = Math.max(2, Math.ceil(len * 2)); // half-pixel steps along the (over-estimated) length
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const [cx, cy] = bezier(ctrl, t);
    const r = width(t) / 2,
      a = strength(t);
    const x0 = Math.max(0, Math.floor(cx - r - 1)),
      x1 = Math.min(w - 1, Math.ceil(cx + r + 1));
    const y0 = Math.max(0, Math.floor(cy - r - 1)),
      y1 = Math.min(h - 1, Math.ceil(cy + r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const c = Math.min(1, Math.max(0, r + 0.5 - Math.hypot(x - cx, y - cy))) * a;
        if (c <= 0) continue;
        const k = y * w + x;
        if (c > (cov.get(k) ?? 0)) cov.set(k, c);
      }
    }
  }
  return cov;
}

/** Pulls covered pixels towards `target` by coverage; marks the mask where the change is visible. */
function paint(L: Float32Array, mask: Uint8Array, cov: Map<number, number>, target: number): void {
  for (const [k, c] of cov) {
    const d = c * (target - L[k]!);
    L[k] = L[k]! + d;
    if (Math.abs(d) >= MASK_MIN_DELTA) mask[k] = 1;
  }
}

/** Damages a grey photo's L plane (0..100); the input is not modified. */
export function synthesizeDamage(L0: Float32Array, width: number, height: number, seed: number, opts: DamageOptions = {}): DamageResult {
  if (L0.length !== width * height) throw new RangeError(`L has ${L0.length} values, expected ${width}×${height}`);
  const rng = new Rng(seed >>> 0);
  const L = Float32Array.from(L0);
  const mask = new Uint8Array(L.length);
  const scale = Math.sqrt(width * height) / 256; // counts grow with area, widths stay in pixels
  const diag = Math.hypot(width, height);

  // Draw every parameter first, in a fixed order, so an option changing one count does not reshuffle
  // the others' random streams more than necessary.
  const nScratch = opts.scratches ?? Math.round(rng.int(2, 7) * scale * scale);
  const nDust = opts.dust ?? Math.round(rng.int(10, 40) * scale * scale);
  const nCrease = opts.creases ?? rng.int(0, 2);
  const grain = opts.grain ?? 1 + rng.next();
  const fade = randomFade(rng);
  const ws = opts.widthScale ?? 1;

  // Film grain belongs to the negative, so it comes first; it is texture, not damage (no mask).
  if (grain > 0) {
    for (let i = 0; i < L.length; i++) {
      const v = L[i]!;
      const midtone = 0.4 + (v * (100 - v)) / 4167; // grain shows most in the midtones
      L[i] = Math.min(100, Math.max(0, v + rng.gauss(0, grain) * midtone));
    }
  }
  // Fading happens to the print as a whole, before it is scratched.
  if (opts.fade ?? true) applyFade(L, fade);

  for (let s = 0; s < nScratch; s++) {
    const len = diag * (0.08 + 0.45 * rng.next());
    const ang = rng.next() * Math.PI * 2;
    const x0 = rng.next() * width,
      y0 = rng.next() * height;
    const dx = Math.cos(ang) * len,
      dy = Math.sin(ang) * len;
    const bend = () => (rng.next() - 0.5) * 0.3 * len; // perpendicular wander of the control points
    const ctrl: Pt[] = [
      [x0, y0],
      [x0 + dx / 3 - (dy / len) * bend(), y0 + dy / 3 + (dx / len) * bend()],
      [x0 + (2 * dx) / 3 - (dy / len) * bend(), y0 + (2 * dy) / 3 + (dx / len) * bend()],
      [x0 + dx, y0 + dy],
    ];
    const w0 = (1 + 3 * rng.next()) * ws;
    const bright = rng.next() < 0.65; // most scratches expose paper base (bright); some are dark
    const c0 = 0.35 + 0.6 * rng.next(),
      phase = rng.next() * 6.28,
      freq = 1 + 4 * rng.next();
    const cov = strokeCoverage(
      ctrl,
      (t) => w0 * (0.8 + 0.2 * Math.sin(phase + t * 7)),
      width,
      height,
      (t) => Math.min(1, c0 * (0.75 + 0.25 * Math.sin(phase + freq * t * 6.28))),
    );
    paint(L, mask, cov, bright ? 92 + 8 * rng.next() : 8 * rng.next());
  }

  for (let s = 0; s < nDust; s++) {
    const cx = rng.next() * width,
      cy = rng.next() * height;
    const rx = (0.6 + 2 * rng.next()) * ws,
      ry = rx * (0.5 + 0.7 * rng.next()),
      ang = rng.next() * Math.PI;
    const bright = rng.next() < 0.5;
    const target = bright ? 90 + 10 * rng.next() : 10 * rng.next();
    const strength = 0.5 + 0.5 * rng.next();
    const cov = new Map<number, number>();
    const R = Math.ceil(Math.max(rx, ry) + 1),
      ca = Math.cos(ang),
      sa = Math.sin(ang);
    for (let y = Math.max(0, Math.floor(cy - R)); y <= Math.min(height - 1, Math.ceil(cy + R)); y++) {
      for (let x = Math.max(0, Math.floor(cx - R)); x <= Math.min(width - 1, Math.ceil(cx + R)); x++) {
        const u = ((x - cx) * ca + (y - cy) * sa) / rx,
          v = (-(x - cx) * sa + (y - cy) * ca) / ry;
        const d = Math.sqrt(u * u + v * v); // 1 at the blob's edge
        const c = Math.min(1, Math.max(0, (1.3 - d) / 0.6)) * strength;
        if (c > 0) cov.set(y * width + x, c);
      }
    }
    paint(L, mask, cov, target);
  }

  for (let s = 0; s < nCrease; s++) {
    // A fold runs most of the way across the print, nearly straight, edge to edge-ish.
    const ang = rng.next() * Math.PI;
    const cx = width * (0.2 + 0.6 * rng.next()),
      cy = height * (0.2 + 0.6 * rng.next());
    const half = diag * (0.3 + 0.3 * rng.next());
    const dx = Math.cos(ang) * half,
      dy = Math.sin(ang) * half,
      off = (rng.next() - 0.5) * 0.12 * half;
    const ctrl: Pt[] = [
      [cx - dx, cy - dy],
      [cx - (dy / half) * off, cy + (dx / half) * off],
      [cx + dx, cy + dy],
    ];
    const core = (1 + 1.5 * rng.next()) * ws,
      strength = 0.6 + 0.35 * rng.next();
    // A faint shadow beside the crack (the raised paper edge), then the cracked emulsion's bright core.
    const shadow: Pt[] = ctrl.map(([x, y]) => [x + 1.5 * ws * Math.sin(ang), y - 1.5 * ws * Math.cos(ang)]);
    paint(
      L,
      mask,
      strokeCoverage(
        shadow,
        () => core + ws,
        width,
        height,
        () => 0.25,
      ),
      0,
    );
    paint(
      L,
      mask,
      strokeCoverage(
        ctrl,
        (t) => core * (0.7 + 0.6 * Math.abs(Math.sin(t * 9))),
        width,
        height,
        () => strength,
      ),
      95 + 5 * rng.next(),
    );
  }
  return { L, mask };
}
