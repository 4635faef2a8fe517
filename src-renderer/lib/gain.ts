// How a fine-tuned checkpoint compares with the model it started from, on the held-out photos.
import type { MetricsInfo } from '../../src-main/api/types';

/** Relative change of ΔE00 in percent; positive = lower (better). */
export function deltaEGain(base: MetricsInfo, now: MetricsInfo): number {
  return base.deltaE00 > 0 ? ((base.deltaE00 - now.deltaE00) / base.deltaE00) * 100 : 0;
}

export function signed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return v > 0 ? `+${s}` : `−${s.slice(1)}`;
}
