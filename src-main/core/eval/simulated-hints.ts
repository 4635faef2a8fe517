// `heirloom eval --hints N`: N true-colour point hints per photo, simulated from the truth as a user
// would give them (3–9 px patches of the true mean colour, anywhere in the photo), at working size.
// Seeded by the file name, so every model and every run sees the same hints on the same photo.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import sharp = require('sharp');
import { rgb8ToLab } from '../color/lab';
import { emptyHints, revealPatch } from '../engine/hints';
import type { Hints } from '../engine/predict';
import { Rng } from '../rng';

export async function truthHints(
  rgb: Buffer,
  width: number,
  height: number,
  workWidth: number,
  workHeight: number,
  count: number,
  file: string,
): Promise<Hints> {
  const small = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(workWidth, workHeight, { fit: 'fill' })
    .raw()
    .toBuffer();
  const lab = rgb8ToLab(small, 3);
  const hints = emptyHints(workWidth, workHeight);
  const rng = new Rng(
    parseInt(
      createHash('sha1')
        .update(`hints:${path.basename(file)}`)
        .digest('hex')
        .slice(0, 8),
      16,
    ),
  );
  for (let k = 0; k < count; k++) {
    const s = rng.int(3, 9);
    revealPatch(lab.a, lab.b, workWidth, hints, rng.int(0, workWidth - s), rng.int(0, workHeight - s), s);
  }
  return hints;
}
