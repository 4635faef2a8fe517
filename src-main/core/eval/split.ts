// The deterministic validation split of the training pool, identical to training/heirloom_train/data.py:
// a photo is held out when sha1(file name) mod 10 == 0 (about 10 %). Nothing in it is ever trained on.
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export function isValidationPhoto(file: string): boolean {
  const hex = createHash('sha1').update(path.basename(file), 'utf8').digest('hex');
  return parseInt(hex.slice(0, 8), 16) % 10 === 0;
}

function hashMod20(file: string): number {
  return parseInt(createHash('sha1').update(path.basename(file), 'utf8').digest('hex').slice(0, 8), 16) % 20;
}

/**
 * The validation split in two halves: decode settings (temperature, prior correction) are tuned on
 * 'tune' only, and the model card reports 'report', so the reported numbers are not tuned on.
 */
export type ValidationHalf = 'tune' | 'report';
export function validationHalf(file: string): ValidationHalf | null {
  const m = hashMod20(file);
  return m === 0 ? 'tune' : m === 10 ? 'report' : null;
}
