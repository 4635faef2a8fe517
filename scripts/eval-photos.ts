// The fixed photo sets the maintenance scripts measure on (restore-eval, damage-threshold, upscale-eval):
// one half of the sha1 split, in a seeded shuffle so --limit takes the same varied sample every run,
// each photo with its own seed (for the damage generator or the scan degradation).
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { validationHalf, type ValidationHalf } from '../src-main/core/eval/split';
import { psnr } from '../src-main/core/metrics';
import { lToGreyRgb } from '../src-main/core/restore';
import { shippedFillNet } from '../src-main/core/restore/fill-net';
import type { RepairOptions } from '../src-main/core/restore/restore';
import { flag } from './flags';
import { Rng } from '../src-main/core/rng';

export const DEFAULT_POOL = path.resolve(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos');

export interface EvalPhoto {
  name: string;
  /** The damage generator's seed for this photo. */
  seed: number;
}

/** The pool's photo files that `keep` accepts, sorted by name. */
export function poolPhotos(pool: string, keep: (name: string) => boolean): string[] {
  return fs
    .readdirSync(pool)
    .filter((f) => /\.(jpe?g|png)$/i.test(f) && keep(f))
    .sort();
}

/** Shuffles `items` in place (Fisher–Yates with `rng`) and returns them. */
export function seededShuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function evalPhotos(pool: string, half: ValidationHalf, limit: number, seed: number): EvalPhoto[] {
  const names = seededShuffle(
    poolPhotos(pool, (f) => validationHalf(f) === half),
    new Rng(seed),
  );
  return names.slice(0, limit).map((name, k) => ({ name, seed: seed * 100_003 + k }));
}

/** The photo's 8-bit sRGB pixels at most `size` px on its long side. */
export async function loadPhotoAtMost(pool: string, name: string, size: number): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path.join(pool, name))
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

/** PSNR of two L planes as the grey photos they make (capped at 99 dB: an unchanged photo scores 99). */
export const greyPsnr = (a: Float32Array, b: Float32Array): number => Math.min(99, psnr(lToGreyRgb(a), lToGreyRgb(b)));

export const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);

/**
 * The fill an evaluation repairs with: the product's (the learned fill when it is installed, as
 * restore-step.ts chooses), or `--fill harmonic` for the fill of before.
 */
export function evalRepairFill(): Pick<RepairOptions, 'fill' | 'fillNet'> {
  const net = flag('fill', 'product') === 'harmonic' ? null : shippedFillNet();
  return net ? { fill: 'learned', fillNet: net } : { fill: 'harmonic' };
}
