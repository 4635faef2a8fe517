// Training tiles for the damage detector at its working size: each TRAINING photo of the pool (never
// the sha1 validation halves, never the held-out sources) is brought to a print long side around
// DETECT_WORKING_SIDE (×0.75–1.3: several print scales), aged by damage-aged.ts, and cut into tiles.
//   node dist/scripts/aged-damage-tiles.js <out folder> [--photos 2000] [--tiles 6] [--tile 192] [--seed 17] [--offset 0]
// Writes <out>/tiles-L.u8 (L × 2.55), <out>/tiles-mask.u8 (0/1) and <out>/meta.json, as damage-tiles.ts.
// One photo in six is left undamaged but for grain, fading, stains and tarnish: the detector must stay quiet there.
import { rgb8ToL } from '../src-main/core/color/lab';
import { isHeldOutSourcePhoto, isValidationPhoto } from '../src-main/core/eval/split';
import { synthesizeAgedDamage } from '../src-main/core/restore/damage-aged';
import { DETECT_WORKING_SIDE } from '../src-main/core/restore/detect-scale';
import { resizePlane, sizeForLongSide } from '../src-main/core/restore/resample';
import { Rng } from '../src-main/core/rng';
import { DEFAULT_POOL, loadPhotoAtMost, poolPhotos, seededShuffle } from './eval-photos';
import { flag } from './flags';
import { TileWriter } from './tile-writer';

const out = process.argv[2];
const nPhotos = Number(flag('photos', '2000'));
const perPhoto = Number(flag('tiles', '6'));
const tile = Number(flag('tile', '192'));
const seed = Number(flag('seed', '17'));
const offset = Number(flag('offset', '0'));

async function main(): Promise<void> {
  if (!out) throw new Error('usage: aged-damage-tiles <out folder> [--photos N] [--tiles N] [--tile px] [--seed N]');
  // One fixed order of the photos, so runs with different --offset take different photos.
  const names = seededShuffle(
    poolPhotos(DEFAULT_POOL, (f) => !isValidationPhoto(f) && !isHeldOutSourcePhoto(f)),
    new Rng(17),
  ).slice(offset, offset + nPhotos);
  const rng = new Rng(seed + offset);
  const writer = new TileWriter(out, tile);
  let done = 0;
  for (const name of names) {
    const photo = await loadPhotoAtMost(DEFAULT_POOL, name, 1024);
    const side = Math.round(DETECT_WORKING_SIDE * (0.75 + 0.55 * rng.next()));
    const { width: w, height: h } = sizeForLongSide(photo.width, photo.height, side);
    if (w < tile || h < tile) continue;
    const L = resizePlane(rgb8ToL(photo.rgb, 3), photo.width, photo.height, w, h);
    const clean = rng.next() < 1 / 6;
    const scale = (side / DETECT_WORKING_SIDE) * (0.6 + 0.9 * rng.next());
    const dmg = synthesizeAgedDamage(L, w, h, rng.int(0, 2 ** 31 - 1), {
      scale,
      presence: clean ? 0 : 0.4,
      counts: clean ? { waterStain: rng.int(0, 1), tarnish: rng.int(0, 1) } : undefined,
      classic: clean
        ? { scratches: 0, dust: 0, creases: 0, fade: rng.next() < 0.5 }
        : { scratches: rng.int(0, 8), dust: rng.int(0, 80), creases: rng.int(0, 2), fade: rng.next() < 0.4 },
    });
    for (let t = 0; t < perPhoto; t++) writer.add(dmg.L, dmg.mask, w, rng.int(0, w - tile), rng.int(0, h - tile));
    if (++done % 100 === 0) console.log(`${done} photos, ${writer.tiles} tiles`);
  }
  const meta = writer.close({ seed, photos: done, side: DETECT_WORKING_SIDE });
  console.log(`${meta.tiles} tiles of ${tile}² → ${out} (damaged pixels ${(100 * meta.damagedShare).toFixed(2)} %)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
