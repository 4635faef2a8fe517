// Whether a fine-tuned checkpoint really helps, judged on the run's held-out photos: a checkpoint is
// offered only when it beats the model the run started from by more than the photos' noise (a paired
// bootstrap over photos), and changes are worded so a loss never reads as a gain.
import { Rng } from '../rng';

export interface Judgement {
  /** Mean ΔE00 before and after, over the same held-out photos. */
  before: number;
  after: number;
  /** after / before − 1: negative is better. */
  relative: number;
  /** 95 % bootstrap interval of the mean per-photo change (after − before), in ΔE00 units. */
  ci: [number, number];
  /** The whole interval below zero: better beyond the noise of these photos. */
  better: boolean;
  /** The whole interval above zero. */
  worse: boolean;
}

const RESAMPLES = 2000;

/** Paired bootstrap of the mean per-photo difference; seeded, so the same photos give the same answer. */
export function judge(before: readonly number[], after: readonly number[], seed = 1): Judgement {
  if (before.length !== after.length || before.length === 0) throw new RangeError('judge needs the same photos before and after');
  const n = before.length;
  const diffs = after.map((a, i) => a - before[i]);
  const rng = new Rng(seed);
  const means = new Float64Array(RESAMPLES);
  for (let r = 0; r < RESAMPLES; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += diffs[Math.floor(rng.next() * n)];
    means[r] = s / n;
  }
  means.sort();
  const ci: [number, number] = [means[Math.floor(0.025 * RESAMPLES)], means[Math.ceil(0.975 * RESAMPLES) - 1]];
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const b = mean(before);
  const a = mean(after);
  return { before: b, after: a, relative: a / b - 1, ci, better: ci[1] < 0, worse: ci[0] > 0 };
}

/** "ΔE00 12.34 → 12.11 (1.9 % better)", or "… (8.2 % worse)"; never a negative "lower". */
export function describeChange(j: Pick<Judgement, 'before' | 'after' | 'relative'>): string {
  const pct = Math.abs(100 * j.relative).toFixed(1);
  const word = j.relative < 0 ? 'better' : j.relative > 0 ? 'worse' : 'the same';
  return `ΔE00 ${j.before.toFixed(2)} → ${j.after.toFixed(2)} (${j.relative === 0 ? word : `${pct} % ${word}`})`;
}

/**
 * Of a run's measured checkpoints, the one to offer: lowest held-out ΔE00 among those better than the
 * start beyond noise; none when no checkpoint is.
 */
export function recommend<T extends { perPhoto: readonly number[] }>(
  start: readonly number[],
  checkpoints: readonly T[],
): { pick: T; judgement: Judgement } | undefined {
  const judged = checkpoints
    .filter((c) => c.perPhoto.length === start.length)
    .map((c) => ({ pick: c, judgement: judge(start, c.perPhoto) }))
    .filter((x) => x.judgement.better);
  return judged.sort((x, y) => x.judgement.after - y.judgement.after)[0];
}

/**
 * How many of an archive's usable photos are held out to measure on: about 15 %, at least 20 (so the
 * judgement means something), never more than half of a small archive, and at most 100 (measuring
 * takes time at every checkpoint).
 */
export function heldOutCount(usable: number): number {
  return Math.max(1, Math.min(Math.floor(usable / 2), 100, Math.max(20, Math.round(0.15 * usable))));
}

/** Re-fitting the decode on fewer held-out photos than this fits their noise, not the archive. */
export const MIN_PHOTOS_FOR_DECODE_FIT = 40;
