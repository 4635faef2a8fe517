// Training data for the learned damage detector: tiles of damaged grey photos and their true damage
// masks, made by the same seeded generator (core/restore/damage.ts) that restore-eval measures with,
// from TRAINING photos only (never the sha1 validation halves, never the held-out sources).
//   node dist/scripts/damage-tiles.js <out folder> [--photos 2400] [--tiles 4] [--tile 128] [--size 512] [--seed 7] [--working-side 768] [--clean-share 0.25] [--clean-grain 1]
// Writes <out>/tiles-L.u8 (L × 2.55, one byte per pixel), <out>/tiles-mask.u8 (0/1) and <out>/meta.json (tile-writer.ts).
// A quarter of the tiles come from undamaged photos (grain only), so the detector learns to stay quiet;
// --clean-share 1 makes a set of clean tiles only (hard negatives: floorboards, railings and edges that
// look like scratches; damage_train.py --hard picks the ones the detector still marks). --clean-grain is
// the share of clean tiles that get film grain: without grain-free ones the detector learns that a
// smooth, grain-free picture (a digital photo, an enlarged small scan) is unusual, and marks its edges.
import { rgb8ToL } from '../src-main/core/color/lab';
import { isHeldOutSourcePhoto, isValidationPhoto } from '../src-main/core/eval/split';
import { synthesizeDamage } from '../src-main/core/restore';
import { resizePlane, sizeForLongSide } from '../src-main/core/restore/resample';
import { Rng } from '../src-main/core/rng';
import { DEFAULT_POOL, loadPhotoAtMost, poolPhotos, seededShuffle } from './eval-photos';
import { flag } from './flags';
import { TileWriter } from './tile-writer';

const out = process.argv[2];
const pool = DEFAULT_POOL;
const nPhotos = Number(flag('photos', '2400'));
const perPhoto = Number(flag('tiles', '4'));
const tile = Number(flag('tile', '128'));
const size = Number(flag('size', '512'));
const seed = Number(flag('seed', '7'));
const workingSide = Number(flag('working-side', '0'));
const cleanShare = Number(flag('clean-share', '0.25'));
const cleanGrain = Number(flag('clean-grain', '1'));

async function main(): Promise<void> {
  if (!out)
    throw new Error(
      'usage: damage-tiles <out folder> [--photos N] [--tiles N] [--tile px] [--size px] [--seed N] [--working-side px] [--clean-share 0..1] [--clean-grain 0..1]',
    );
  const rng = new Rng(seed);
  const names = seededShuffle(
    poolPhotos(pool, (f) => !isValidationPhoto(f) && !isHeldOutSourcePhoto(f)),
    rng,
  );
  const writer = new TileWriter(out, tile);
  for (const name of names.slice(0, nPhotos)) {
    const { rgb, width, height } = await loadPhotoAtMost(pool, name, size);
    const clean = rng.next() < cleanShare;
    const dmg = synthesizeDamage(
      rgb8ToL(rgb, 3),
      width,
      height,
      rng.int(0, 2 ** 31 - 1),
      clean ? { scratches: 0, dust: 0, creases: 0, fade: false, ...(rng.next() < cleanGrain ? {} : { grain: 0 }) } : { fade: rng.next() < 0.3 },
    );
    // With --working-side the damaged photo is seen as a print-scale detector sees it (detect-scale.ts):
    // brought to that long side, the mask with it (kept where it covers a quarter of a pixel).
    const { width: w, height: h } = workingSide ? sizeForLongSide(width, height, workingSide) : { width, height };
    if (w < tile || h < tile) continue;
    const L = workingSide ? resizePlane(dmg.L, width, height, w, h) : dmg.L;
    let mask = dmg.mask;
    if (workingSide) {
      const m = resizePlane(Float32Array.from(dmg.mask), width, height, w, h);
      mask = new Uint8Array(m.length);
      for (let i = 0; i < m.length; i++) mask[i] = m[i]! >= 0.25 ? 1 : 0;
    }
    const n = workingSide ? Math.max(1, Math.round((perPhoto * w * h) / (size * size))) : perPhoto;
    for (let t = 0; t < n; t++) writer.add(L, mask, w, rng.int(0, w - tile), rng.int(0, h - tile));
  }
  const meta = writer.close({ size, seed, workingSide: workingSide || null, cleanShare, cleanGrain, photos: Math.min(nPhotos, names.length) });
  console.log(`${meta.tiles} tiles of ${tile}² → ${out} (damaged pixels ${(100 * meta.damagedShare).toFixed(2)} %)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
