// Seeded synthetic damage as real old prints carry it, beyond damage.ts's thin scratches and specks:
// craquelure networks that branch and meet, wide ragged cracks, folds across the whole print, torn
// and missing corners and edges, emulsion flakes, foxing, and — as damage the repair must NOT fill,
// since they are the tone step's work — water stains with a tide line and tarnish / silvering halos.
// Widths are in pixels of a print at the detector's working size (DETECT_WORKING_SIDE), times
// `scale`, so one generator serves every print scale. Same seed, size and input → same output.
import { Rng } from '../rng';
import { MASK_MIN_DELTA, synthesizeDamage, type DamageOptions, type DamageResult } from './damage';
import { fractalNoise } from './noise';

export const AGED_KINDS = ['craquelure', 'wideCrack', 'fold', 'tear', 'flake', 'emulsionLoss', 'foxing', 'waterStain', 'tarnish'] as const;
export type AgedKind = (typeof AGED_KINDS)[number];

export interface AgedDamageOptions {
  /** How many of each kind; a kind left out is drawn (present with `presence` probability). */
  counts?: Partial<Record<AgedKind, number>>;
  /** Probability that a kind not given in `counts` appears at all; default 0.35. */
  presence?: number;
  /** Width multiplier: 1 for a print DETECT_WORKING_SIDE px long; default 1. */
  scale?: number;
  /** damage.ts's scratches, dust and creases first (its widths times `scale`); false: none. */
  classic?: DamageOptions | false;
}

type Cov = Map<number, number>;

/** Pulls covered pixels towards `target`; marks the mask where the change is at least `markAt`. */
function paintTo(L: Float32Array, mask: Uint8Array, cov: Cov, target: (k: number) => number, markAt = MASK_MIN_DELTA): void {
  for (const [k, c] of cov) {
    const d = c * (target(k) - L[k]!);
    L[k] = L[k]! + d;
    if (Math.abs(d) >= markAt) mask[k] = 1;
  }
}

/** Coverage of discs along a trail of points (each with its own radius), anti-aliased, max-combined. */
function discTrail(pts: { x: number; y: number; r: number; a: number }[], w: number, h: number, cov: Cov = new Map()): Cov {
  for (const { x: cx, y: cy, r, a } of pts) {
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

/** A smooth 1-D random wobble of period 1 in t (sum of a few sines): ragged widths and edges. */
function wobble(rng: Rng, terms = 4): (t: number) => number {
  const f = Array.from({ length: terms }, (_, i) => ({ k: i + 2 + Math.floor(rng.next() * 3 * (i + 1)), p: rng.next() * 6.28, a: 1 / (i + 1) }));
  const norm = f.reduce((s, v) => s + v.a, 0);
  return (t) => f.reduce((s, v) => s + v.a * Math.sin(v.p + v.k * t * 6.2832), 0) / norm;
}

interface Walk {
  x: number;
  y: number;
  ang: number;
  len: number;
}

/**
 * Cracks as random walks that branch, and stop where they meet another crack: a craquelure network
 * (many short branching cracks in a patch) or one long wide crack (few branches). Returns the trail.
 */
function crackWalks(
  rng: Rng,
  w: number,
  h: number,
  seeds: Walk[],
  o: { branch: number; turn: number; width: (depth: number) => number; inside: (x: number, y: number) => boolean; maxCracks: number },
): { x: number; y: number; r: number; a: number }[] {
  const owner = new Int32Array(w * h).fill(-1);
  const trail: { x: number; y: number; r: number; a: number }[] = [];
  const queue = seeds.map((s) => ({ ...s, depth: 0 }));
  let id = 0;
  while (queue.length && id < o.maxCracks) {
    const c = queue.shift()!;
    const me = id++;
    const width = o.width(c.depth),
      rag = wobble(rng),
      fade = 0.75 + 0.25 * rng.next();
    let { x, y, ang } = c;
    for (let s = 0, step = 1; s < c.len; s += step) {
      ang += rng.gauss(0, o.turn);
      x += Math.cos(ang) * step;
      y += Math.sin(ang) * step;
      if (x < 0 || y < 0 || x >= w || y >= h || !o.inside(x, y)) break;
      const k = Math.floor(y) * w + Math.floor(x);
      const other = owner[k]!;
      if (other !== -1 && other !== me && s > width + 2) break; // met another crack: cracks end on cracks
      owner[k] = me;
      const t = s / Math.max(1, c.len);
      // Ragged: the width breathes along the crack and narrows towards its tip.
      const r = Math.max(0.35, (width / 2) * (0.65 + 0.5 * rag(t)) * (t > 0.85 ? (1 - t) / 0.15 + 0.3 : 1));
      trail.push({ x, y, r, a: fade * (0.8 + 0.2 * rag(t * 3.1)) });
      if (rng.next() < o.branch && c.depth < 4) {
        const side = rng.next() < 0.5 ? -1 : 1;
        queue.push({ x, y, ang: ang + side * (0.6 + 0.9 * rng.next()), len: c.len * (0.3 + 0.5 * rng.next()), depth: c.depth + 1 });
      }
    }
  }
  return trail;
}

const logUniform = (rng: Rng, lo: number, hi: number): number => lo * Math.pow(hi / lo, rng.next());

/** Exposed paper base (bright) or dirt-filled (dark): the grey level a crack or flake shows. */
const crackTone = (rng: Rng, brightShare: number): number => (rng.next() < brightShare ? 80 + 20 * rng.next() : 4 + 22 * rng.next());

function craquelure(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  // A patch of the print (sometimes all of it) crazed by a network of cells 15–90 px across.
  const whole = rng.next() < 0.35;
  const cx = w * rng.next(),
    cy = h * rng.next();
  const rx = whole ? w * 2 : w * (0.15 + 0.45 * rng.next()),
    ry = whole ? h * 2 : h * (0.15 + 0.45 * rng.next());
  const inside = (x: number, y: number): boolean => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
  const cell = logUniform(rng, 15, 90) * scale;
  const area = Math.min(w * h, Math.PI * rx * ry);
  const nSeeds = Math.max(2, Math.round(area / (cell * cell) / 3));
  const seeds: Walk[] = [];
  for (let i = 0; i < nSeeds * 4 && seeds.length < nSeeds; i++) {
    const x = cx + (rng.next() * 2 - 1) * rx,
      y = cy + (rng.next() * 2 - 1) * ry;
    if (x >= 0 && y >= 0 && x < w && y < h && inside(x, y)) seeds.push({ x, y, ang: rng.next() * 6.2832, len: cell * (1.5 + 3 * rng.next()) });
  }
  const base = logUniform(rng, 0.8, 5) * scale;
  const trail = crackWalks(rng, w, h, seeds, {
    branch: 1.5 / cell,
    turn: 0.12,
    width: (d) => base * Math.pow(0.8, d),
    inside,
    maxCracks: 4000,
  });
  const tone = crackTone(rng, 0.8);
  paintTo(L, mask, discTrail(trail, w, h), () => tone + rng.gauss(0, 2));
}

function wideCrack(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  const diag = Math.hypot(w, h);
  const trail = crackWalks(rng, w, h, [{ x: w * rng.next(), y: h * rng.next(), ang: rng.next() * 6.2832, len: diag * (0.2 + 0.6 * rng.next()) }], {
    branch: 0.004,
    turn: 0.06,
    width: (d) => logUniform(rng, 3, 14) * scale * Math.pow(0.6, d),
    inside: () => true,
    maxCracks: 8,
  });
  const tone = crackTone(rng, 0.75);
  paintTo(L, mask, discTrail(trail, w, h), () => tone + rng.gauss(0, 2));
}

function fold(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  // Folds run edge to edge, mostly parallel to a side (the print folded in half or in thirds),
  // sometimes across a corner. The paper ridge shows as a lighter line, the emulsion cracked along
  // it in broken dashes, with a shadow on one side.
  const kind = rng.next();
  let ax: number, ay: number, bx: number, by: number;
  if (kind < 0.45) {
    const y = h * (0.15 + 0.7 * rng.next()),
      tilt = (rng.next() - 0.5) * 0.12 * h;
    [ax, ay, bx, by] = [-2, y - tilt, w + 2, y + tilt];
  } else if (kind < 0.9) {
    const x = w * (0.15 + 0.7 * rng.next()),
      tilt = (rng.next() - 0.5) * 0.12 * w;
    [ax, ay, bx, by] = [x - tilt, -2, x + tilt, h + 2];
  } else {
    const s = Math.min(w, h) * (0.25 + 0.4 * rng.next());
    [ax, ay, bx, by] = rng.next() < 0.5 ? [s, -2, -2, s] : [w - s, h + 2, w + 2, h - s];
  }
  const len = Math.hypot(bx - ax, by - ay);
  const nx = -(by - ay) / len,
    ny = (bx - ax) / len;
  const core = logUniform(rng, 1.2, 5) * scale,
    shadowAt = (rng.next() < 0.5 ? -1 : 1) * (core * 0.5 + 1.5 * scale);
  const bend = wobble(rng, 3),
    dash = wobble(rng, 5),
    rag = wobble(rng);
  const amp = (rng.next() - 0.5) * 0.01 * len;
  const ridge = [],
    shadow = [];
  for (let s = 0; s <= len; s += 0.7) {
    const t = s / len,
      off = amp * bend(t);
    const x = ax + (bx - ax) * t + nx * off,
      y = ay + (by - ay) * t + ny * off;
    const broken = dash(t * 3) > 0.15 ? 1 : 0.35; // where the emulsion cracked along the fold
    ridge.push({ x, y, r: Math.max(0.4, (core / 2) * (0.7 + 0.4 * rag(t * 5))), a: (0.45 + 0.5 * broken) * (0.85 + 0.15 * rng.next()) });
    shadow.push({ x: x + nx * shadowAt, y: y + ny * shadowAt, r: core * 0.6 + 0.5, a: 0.25 });
  }
  paintTo(L, mask, discTrail(shadow, w, h), () => 5, 6);
  paintTo(L, mask, discTrail(ridge, w, h), () => 88 + 12 * rng.next());
}

/** A missing corner or a bite out of an edge, with a ragged torn boundary: paper white or the backing shows. */
function tear(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  const corner = rng.next() < 0.6;
  const m = Math.min(w, h);
  let px: number, py: number, R: number;
  if (corner) {
    px = rng.next() < 0.5 ? 0 : w - 1;
    py = rng.next() < 0.5 ? 0 : h - 1;
    R = m * (0.06 + 0.3 * rng.next());
  } else {
    const side = rng.int(0, 3);
    const u = rng.next();
    [px, py] = [
      [u * w, 0],
      [u * w, h - 1],
      [0, u * h],
      [w - 1, u * h],
    ][side]! as [number, number];
    R = m * (0.03 + 0.15 * rng.next());
  }
  const coarse = wobble(rng, 3),
    fine = wobble(rng, 6);
  const aspect = 0.5 + rng.next();
  const fill = rng.next() < 0.6 ? 88 + 10 * rng.next() : rng.next() < 0.5 ? 8 + 25 * rng.next() : 45 + 25 * rng.next();
  const rim = Math.max(1, 1.5 * scale);
  const cov: Cov = new Map();
  const x0 = Math.max(0, Math.floor(px - R * 2)),
    x1 = Math.min(w - 1, Math.ceil(px + R * 2));
  const y0 = Math.max(0, Math.floor(py - R * 2)),
    y1 = Math.min(h - 1, Math.ceil(py + R * 2));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = (x - px) / aspect,
        dy = (y - py) * aspect;
      const th = Math.atan2(dy, dx) / 6.2832 + 0.5;
      const edge = R * (1 + 0.35 * coarse(th) + 0.08 * fine(th * 4));
      const d = Math.hypot(dx, dy);
      if (d < edge + rim) cov.set(y * w + x, d < edge ? 1 : 0.6); // the torn rim: lifted paper fibres
    }
  }
  // The whole missing piece is damage, even where it happens to match the picture's grey.
  paintTo(L, mask, cov, () => fill + rng.gauss(0, 1.5), 0);
}

function flake(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  // Flaked emulsion: irregular patches, most small, a few as large as a cheek, often in a cluster.
  const n = rng.int(1, 8);
  const ccx = w * rng.next(),
    ccy = h * rng.next(),
    spread = Math.min(w, h) * (0.05 + 0.3 * rng.next());
  const tone = crackTone(rng, 0.7);
  for (let i = 0; i < n; i++) {
    const cx = ccx + rng.gauss(0, spread),
      cy = ccy + rng.gauss(0, spread);
    const R = logUniform(rng, 1.5, 45) * scale;
    const shape = wobble(rng, 5),
      aspect = 0.5 + 0.8 * rng.next(),
      rot = rng.next() * 3.1416;
    const ca = Math.cos(rot),
      sa = Math.sin(rot);
    const cov: Cov = new Map();
    const B = Math.ceil(R * 2.2 + 2);
    for (let y = Math.max(0, Math.floor(cy - B)); y <= Math.min(h - 1, Math.ceil(cy + B)); y++) {
      for (let x = Math.max(0, Math.floor(cx - B)); x <= Math.min(w - 1, Math.ceil(cx + B)); x++) {
        const u = (x - cx) * ca + (y - cy) * sa,
          v = (-(x - cx) * sa + (y - cy) * ca) / aspect;
        const th = Math.atan2(v, u) / 6.2832 + 0.5;
        const edge = R * (1 + 0.45 * shape(th));
        const c = Math.min(1, Math.max(0, edge + 0.5 - Math.hypot(u, v)));
        if (c > 0) cov.set(y * w + x, c * (0.85 + 0.15 * rng.next()));
      }
    }
    paintTo(L, mask, cov, () => tone + rng.gauss(0, 2));
  }
}

/**
 * Emulsion loss: where the gelatine lifted off, a patch of the print is peppered with many small
 * irregular flakes (hundreds on a face, as real cabinet cards and snapshots show): the peaks of a
 * fine noise field, inside a soft region, exposed as paper white or, less often, as dark dirt.
 */
function emulsionLoss(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  const cell = (3 + 9 * rng.next()) * scale;
  const fine = fractalNoise(w, h, cell, 2, rng);
  const region = fractalNoise(w, h, Math.min(w, h) * (0.3 + 0.4 * rng.next()), 2, rng);
  const level = 0.2 + 0.35 * rng.next(); // higher: sparser flakes
  const regionCut = -0.2 + 0.5 * rng.next(); // higher: a smaller part of the print
  const tone = crackTone(rng, 0.8);
  const cov: Cov = new Map();
  for (let k = 0; k < fine.length; k++) {
    if (region[k]! < regionCut) continue;
    const v = fine[k]! - level;
    if (v > 0) cov.set(k, Math.min(1, v * 12));
  }
  paintTo(L, mask, cov, () => tone + rng.gauss(0, 2));
}

function foxing(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  // Rust-brown spots of mould in the paper: darker in L, soft-edged, in loose clusters.
  const clusters = rng.int(1, 4);
  for (let c = 0; c < clusters; c++) {
    const ccx = w * rng.next(),
      ccy = h * rng.next(),
      spread = Math.min(w, h) * (0.05 + 0.25 * rng.next());
    const n = rng.int(5, 40);
    for (let i = 0; i < n; i++) {
      const cx = ccx + rng.gauss(0, spread),
        cy = ccy + rng.gauss(0, spread);
      const r = logUniform(rng, 0.7, 4) * scale,
        depth = 6 + 22 * rng.next();
      const cov: Cov = new Map();
      const B = Math.ceil(r * 1.6 + 1);
      for (let y = Math.max(0, Math.floor(cy - B)); y <= Math.min(h - 1, Math.ceil(cy + B)); y++) {
        for (let x = Math.max(0, Math.floor(cx - B)); x <= Math.min(w - 1, Math.ceil(cx + B)); x++) {
          const d = Math.hypot(x - cx, y - cy) / r;
          const a = d < 1 ? 1 : Math.max(0, 1 - (d - 1) / 0.6);
          if (a > 0) cov.set(y * w + x, a);
        }
      }
      paintTo(L, mask, cov, (k) => L[k]! - depth, 6);
    }
  }
}

/** A water stain: the inside slightly shifted, a darker tide line at its rim. Tone, not fill: unmasked. */
function waterStain(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number): void {
  const cx = w * rng.next(),
    cy = h * rng.next(),
    R = Math.min(w, h) * (0.1 + 0.4 * rng.next());
  const shape = wobble(rng, 6),
    inner = (rng.next() - 0.7) * 10,
    tide = -(4 + 10 * rng.next()),
    tw = (1.5 + 3 * rng.next()) * scale;
  const cov: Cov = new Map();
  const target = new Map<number, number>();
  const B = Math.ceil(R * 1.5 + tw);
  for (let y = Math.max(0, Math.floor(cy - B)); y <= Math.min(h - 1, Math.ceil(cy + B)); y++) {
    for (let x = Math.max(0, Math.floor(cx - B)); x <= Math.min(w - 1, Math.ceil(cx + B)); x++) {
      const th = Math.atan2(y - cy, x - cx) / 6.2832 + 0.5;
      const edge = R * (1 + 0.3 * shape(th));
      const d = Math.hypot(x - cx, y - cy) - edge;
      const k = y * w + x;
      if (d < -tw) {
        target.set(k, L[k]! + inner);
        cov.set(k, 1);
      } else if (d < tw) {
        target.set(k, L[k]! + tide * (1 - Math.abs(d) / tw));
        cov.set(k, 1);
      }
    }
  }
  paintTo(L, mask, cov, (k) => target.get(k)!, 1e9);
}

/** Tarnish or silvering on a daguerreotype or tintype: an irregular dark or bright band near the border. Unmasked. */
function tarnish(L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng): void {
  const noise = fractalNoise(w, h, Math.max(8, Math.min(w, h) / 6), 3, rng);
  const inner = 0.6 + 0.3 * rng.next(),
    depth = (rng.next() < 0.7 ? -1 : 1) * (10 + 30 * rng.next());
  const cov: Cov = new Map();
  const target = new Map<number, number>();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      const e = Math.max(Math.abs(x / w - 0.5), Math.abs(y / h - 0.5)) * 2 + 0.25 * noise[k]!; // 0 centre, 1 border
      const a = Math.min(1, Math.max(0, (e - inner) / (1 - inner)));
      if (a <= 0) continue;
      target.set(k, Math.min(100, Math.max(0, L[k]! + depth * a)));
      cov.set(k, 1);
    }
  }
  paintTo(L, mask, cov, (k) => target.get(k)!, 1e9);
}

const PAINTERS: Record<AgedKind, (L: Float32Array, mask: Uint8Array, w: number, h: number, rng: Rng, scale: number) => void> = {
  craquelure,
  wideCrack,
  fold,
  tear,
  flake,
  emulsionLoss,
  foxing,
  waterStain,
  tarnish,
};

/** Maximum count drawn for each kind when present. */
const MAX_COUNT: Record<AgedKind, number> = {
  craquelure: 2,
  wideCrack: 3,
  fold: 2,
  tear: 2,
  flake: 4,
  emulsionLoss: 1,
  foxing: 1,
  waterStain: 2,
  tarnish: 1,
};

/** Ages a grey photo's L plane (0..100) like a real damaged print; the input is not modified. */
export function synthesizeAgedDamage(L0: Float32Array, width: number, height: number, seed: number, opts: AgedDamageOptions = {}): DamageResult {
  if (L0.length !== width * height) throw new RangeError(`L has ${L0.length} values, expected ${width}×${height}`);
  const rng = new Rng(seed >>> 0);
  const scale = opts.scale ?? 1;
  const presence = opts.presence ?? 0.35;
  const counts = AGED_KINDS.map((k) => opts.counts?.[k] ?? (rng.next() < presence ? rng.int(1, MAX_COUNT[k]) : 0));
  const classicSeed = rng.int(0, 2 ** 31 - 1);
  const base =
    opts.classic === false
      ? { L: Float32Array.from(L0), mask: new Uint8Array(L0.length) }
      : synthesizeDamage(L0, width, height, classicSeed, { widthScale: scale, ...opts.classic });
  const { L, mask } = base;
  // Stains and tarnish first (they are in the paper and the plate); cracks, tears and flakes cut
  // through them; foxing grows on top.
  const order: AgedKind[] = ['tarnish', 'waterStain', 'fold', 'craquelure', 'wideCrack', 'emulsionLoss', 'flake', 'tear', 'foxing'];
  for (const kind of order) {
    const n = counts[AGED_KINDS.indexOf(kind)]!;
    for (let i = 0; i < n; i++) PAINTERS[kind](L, mask, width, height, rng, scale);
  }
  for (let i = 0; i < L.length; i++) L[i] = Math.min(100, Math.max(0, L[i]!));
  return { L, mask };
}
