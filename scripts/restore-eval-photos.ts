// The fixed photo set restoration is measured on (scripts/restore-eval.ts, scripts/damage-threshold.ts):
// one half of the sha1 split, in a seeded shuffle so --limit takes the same varied sample every run,
// each photo brought to at most `size` px and its own seed for the damage generator.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { validationHalf, type ValidationHalf } from '../src-main/core/eval/split';
import { psnr } from '../src-main/core/metrics';
import { lToGreyRgb } from '../src-main/core/restore';
import { Rng } from '../src-main/core/rng';

export const DEFAULT_POOL = path.resolve(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos');

export interface EvalPhoto {
  name: string;
  /** The damage generator's seed for this photo. */
  seed: number;
}

export function restoreEvalPhotos(pool: string, half: ValidationHalf, limit: number, seed: number): EvalPhoto[] {
  const names = fs
    .readdirSync(pool)
    .filter((f) => /\.(jpe?g|png)$/i.test(f) && validationHalf(f) === half)
    .sort();
  const rng = new Rng(seed);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  return names.slice(0, limit).map((name, k) => ({ name, seed: seed * 100_003 + k }));
}

/** The photo's 8-bit sRGB pixels at most `size` px on its long side. */
export async function loadEvalPhoto(pool: string, name: string, size: number): Promise<{ rgb: Uint8Array; width: number; height: number }> {
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
