// How a fine-tuned checkpoint compares with the model it started from, on the held-out photos.
import type { MetricsInfo } from '../../src-main/api/types';
import { num } from './i18n.svelte';

/** Relative change of ΔE00 in percent; positive = lower (better). */
export function deltaEGain(base: MetricsInfo, now: MetricsInfo): number {
  return base.deltaE00 > 0 ? ((base.deltaE00 - now.deltaE00) / base.deltaE00) * 100 : 0;
}

/** "+0.12" / "−0.12" (with the window's decimal sign); a change that rounds to nothing has no sign. */
export function signed(v: number, digits: number): string {
  if (Number(v.toFixed(digits)) === 0) return num(0, digits);
  return `${v > 0 ? '+' : '−'}${num(Math.abs(v), digits)}`;
}
