// The deterministic validation split of the training pool, identical to training/heirloom_train/data.py:
// a photo is held out when sha1(file name) mod 10 == 0 (about 10 %). Nothing in it is ever trained on.
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export function isValidationPhoto(file: string): boolean {
  const hex = createHash('sha1').update(path.basename(file), 'utf8').digest('hex');
  return parseInt(hex.slice(0, 8), 16) % 10 === 0;
}
