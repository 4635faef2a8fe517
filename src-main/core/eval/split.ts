// The deterministic held-out splits of the training pool, identical to training/heirloom_train/data.py.
//  - 'validation': a photo is held out when sha1(file name) mod 10 == 0 (about 10 %, every source).
//  - 'sources': whole sources never trained on (v3 on), so the model is also judged on kinds of
//    photo it has never seen: people in a city street, indoor rooms, garments on phone photos.
// Each has a tune half (decode settings are chosen there) and a report half (the model card's numbers).
import { createHash } from 'node:crypto';
import * as path from 'node:path';

/** Source slugs (file-name prefixes) of the out-of-source split. */
export const HELD_OUT_SOURCES = ['pedestrian', 'indoorsample', 'clothing'] as const;

export const EVAL_SPLITS = ['all', 'validation', 'validation-tune', 'validation-report', 'sources', 'sources-tune', 'sources-report'] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

function hash32(file: string): number {
  return parseInt(createHash('sha1').update(path.basename(file), 'utf8').digest('hex').slice(0, 8), 16);
}

export function isValidationPhoto(file: string): boolean {
  return hash32(file) % 10 === 0;
}

export function isHeldOutSourcePhoto(file: string): boolean {
  const name = path.basename(file);
  return HELD_OUT_SOURCES.some((s) => name.startsWith(`${s}_`));
}

export type ValidationHalf = 'tune' | 'report';

/** The sha1 split's halves: sha1 mod 20 == 0 → tune, == 10 → report. */
export function validationHalf(file: string): ValidationHalf | null {
  const m = hash32(file) % 20;
  return m === 0 ? 'tune' : m === 10 ? 'report' : null;
}

/** The out-of-source split's halves: even hash → tune, odd → report. */
export function sourcesHalf(file: string): ValidationHalf | null {
  if (!isHeldOutSourcePhoto(file)) return null;
  return hash32(file) % 2 === 0 ? 'tune' : 'report';
}

export function inSplit(file: string, split: EvalSplit): boolean {
  switch (split) {
    case 'all':
      return true;
    case 'validation':
      return isValidationPhoto(file);
    case 'validation-tune':
      return validationHalf(file) === 'tune';
    case 'validation-report':
      return validationHalf(file) === 'report';
    case 'sources':
      return isHeldOutSourcePhoto(file);
    case 'sources-tune':
      return sourcesHalf(file) === 'tune';
    case 'sources-report':
      return sourcesHalf(file) === 'report';
  }
}
