// Detector training tiles from the TUNE part of the real damaged photos and their hand masks, at the
// detector's working size and around it (×0.75–1.3, as the synthetic tiles), so the network learns
// what real prints carry (Wan et al. trained on synthetic and real damage together).
//   node dist/scripts/real-damage-tiles.js <out folder> [--tile 192] [--versions 4] [--per-area 3] [--seed 23]
import { DETECT_WORKING_SIDE } from '../src-main/core/restore/detect-scale';
import { resizePlane, sizeForLongSide } from '../src-main/core/restore/resample';
import { Rng } from '../src-main/core/rng';
import { flag } from './flags';
import { loadRealPhoto, realPart } from './real-masks';
import { TileWriter } from './tile-writer';

const out = process.argv[2];
const tile = Number(flag('tile', '192'));
const versions = Number(flag('versions', '4'));
const perArea = Number(flag('per-area', '3'));
const seed = Number(flag('seed', '23'));

async function main(): Promise<void> {
  if (!out) throw new Error('usage: real-damage-tiles <out folder> [--tile px] [--versions N] [--per-area N] [--seed N]');
  const rng = new Rng(seed);
  const writer = new TileWriter(out, tile);
  const files = realPart('tune');
  for (const file of files) {
    const p = await loadRealPhoto(file);
    for (let v = 0; v < versions; v++) {
      const side = Math.round(DETECT_WORKING_SIDE * (0.75 + 0.55 * rng.next()));
      const { width: w, height: h } = sizeForLongSide(p.width, p.height, side);
      if (w < tile || h < tile) continue;
      const L = resizePlane(p.L, p.width, p.height, w, h);
      // A thin crack shrunk several times is a fraction of a pixel wide: keep it where it covers a quarter.
      const m = resizePlane(Float32Array.from(p.mask), p.width, p.height, w, h);
      const mask = new Uint8Array(m.length);
      for (let i = 0; i < m.length; i++) mask[i] = m[i]! >= 0.25 ? 1 : 0;
      const n = Math.max(1, Math.round((perArea * w * h) / (tile * tile)));
      for (let t = 0; t < n; t++) writer.add(L, mask, w, rng.int(0, w - tile), rng.int(0, h - tile));
    }
  }
  const meta = writer.close({ seed, photos: files.length, side: DETECT_WORKING_SIDE, files });
  console.log(`${meta.tiles} tiles of ${tile}² from ${files.length} real photos → ${out} (damaged ${(100 * meta.damagedShare).toFixed(2)} %)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
