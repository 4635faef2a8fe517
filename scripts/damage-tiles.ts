// Training data for the learned damage detector: tiles of damaged grey photos and their true damage
// masks, made by the same seeded generator (core/restore/damage.ts) that restore-eval measures with,
// from TRAINING photos only (never the sha1 validation halves, never the held-out sources).
//   node dist/scripts/damage-tiles.js <out folder> [--photos 2400] [--tiles 4] [--tile 128] [--size 512] [--seed 7]
// Writes <out>/tiles-L.u8 (L × 2.55, one byte per pixel), <out>/tiles-mask.u8 (0/1) and <out>/meta.json.
// A quarter of the tiles come from undamaged photos (grain only), so the detector learns to stay quiet.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rgb8ToL } from '../src-main/core/color/lab';
import { isHeldOutSourcePhoto, isValidationPhoto } from '../src-main/core/eval/split';
import { synthesizeDamage } from '../src-main/core/restore';
import { Rng } from '../src-main/core/rng';
import { DEFAULT_POOL, loadPhotoAtMost, poolPhotos, seededShuffle } from './eval-photos';
import { flag } from './flags';

const out = process.argv[2];
const pool = DEFAULT_POOL;
const nPhotos = Number(flag('photos', '2400'));
const perPhoto = Number(flag('tiles', '4'));
const tile = Number(flag('tile', '128'));
const size = Number(flag('size', '512'));
const seed = Number(flag('seed', '7'));

async function main(): Promise<void> {
  if (!out) throw new Error('usage: damage-tiles <out folder> [--photos N] [--tiles N] [--tile px] [--size px] [--seed N]');
  fs.mkdirSync(out, { recursive: true });
  const rng = new Rng(seed);
  const names = seededShuffle(
    poolPhotos(pool, (f) => !isValidationPhoto(f) && !isHeldOutSourcePhoto(f)),
    rng,
  );
  const lFile = fs.openSync(path.join(out, 'tiles-L.u8'), 'w');
  const mFile = fs.openSync(path.join(out, 'tiles-mask.u8'), 'w');
  let tiles = 0,
    damagedPixels = 0;
  for (const name of names.slice(0, nPhotos)) {
    const { rgb, width: w, height: h } = await loadPhotoAtMost(pool, name, size);
    if (w < tile || h < tile) continue;
    const clean = rng.next() < 0.25;
    const dmg = synthesizeDamage(
      rgb8ToL(rgb, 3),
      w,
      h,
      rng.int(0, 2 ** 31 - 1),
      clean ? { scratches: 0, dust: 0, creases: 0, fade: false } : { fade: rng.next() < 0.3 },
    );
    for (let t = 0; t < perPhoto; t++) {
      const x0 = rng.int(0, w - tile),
        y0 = rng.int(0, h - tile);
      const lb = Buffer.alloc(tile * tile),
        mb = Buffer.alloc(tile * tile);
      for (let y = 0; y < tile; y++) {
        for (let x = 0; x < tile; x++) {
          const k = (y0 + y) * w + x0 + x;
          lb[y * tile + x] = Math.round(Math.min(100, Math.max(0, dmg.L[k]!)) * 2.55);
          mb[y * tile + x] = dmg.mask[k]!;
          damagedPixels += dmg.mask[k]!;
        }
      }
      fs.writeSync(lFile, lb);
      fs.writeSync(mFile, mb);
      tiles++;
    }
  }
  fs.closeSync(lFile);
  fs.closeSync(mFile);
  fs.writeFileSync(
    path.join(out, 'meta.json'),
    JSON.stringify(
      { tiles, tile, size, seed, photos: Math.min(nPhotos, names.length), damagedShare: damagedPixels / (tiles * tile * tile) },
      null,
      2,
    ),
  );
  console.log(`${tiles} tiles of ${tile}² → ${out} (damaged pixels ${((100 * damagedPixels) / (tiles * tile * tile)).toFixed(2)} %)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
