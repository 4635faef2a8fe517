// How much colour a restore puts on, against a plain colorize of the same faded print: held-out pool
// photos (the sha1 split), made grey and faded (damage.ts fadeGrey), then colorized as they are
// (plain), after tone restoration without the chroma match, and as `heirloom restore` does now (tone,
// then colorize-restored.ts). Prints mean chroma (√(a² + b²)) and the mean ab distance from the
// photo's own colour (lightness left out: tone changes it by design).
//   node dist/scripts/restore-colour-eval.js [pool folder] [--half report|tune] [--limit 40] [--size 512]
import { rgb8ToL, rgb8ToLab } from '../src-main/core/color/lab';
import { initBackend } from '../src-main/core/engine/backend';
import { resolveModel } from '../src-main/core/engine/model-registry';
import type { ValidationHalf } from '../src-main/core/eval/split';
import type { DecodedPhoto } from '../src-main/core/imaging/decode';
import { colorizePixels } from '../src-main/core/pipeline/colorize';
import { colorizeRestored } from '../src-main/core/pipeline/colorize-restored';
import { fadeGrey, restoreTone } from '../src-main/core/restore';
import { lToGreyRgb } from '../src-main/core/restore/planes';
import { DEFAULT_POOL, evalPhotos, loadPhotoAtMost, mean } from './eval-photos';
import { flag } from './flags';

const pool = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : DEFAULT_POOL;
const half = flag('half', 'report') as ValidationHalf;
const limit = Number(flag('limit', '40'));
const size = Number(flag('size', '512'));

type Variant = 'plain' | 'toned' | 'restore';

function scores(rgb: Uint8Array, truth: Uint8Array): { chroma: number; abError: number } {
  const o = rgb8ToLab(rgb, 3),
    t = rgb8ToLab(truth, 3);
  let c = 0,
    e = 0;
  for (let i = 0; i < o.a.length; i++) {
    c += Math.hypot(o.a[i]!, o.b[i]!);
    e += Math.hypot(o.a[i]! - t.a[i]!, o.b[i]! - t.b[i]!);
  }
  return { chroma: c / o.a.length, abError: e / o.a.length };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const { model } = await resolveModel(undefined);
  const rows: Array<Record<Variant, { chroma: number; abError: number }> & { truth: number; match: number }> = [];
  for (const { name, seed } of evalPhotos(pool, half, limit, 1)) {
    const photo = await loadPhotoAtMost(pool, name, size);
    const { width, height } = photo;
    const asPhoto = (L: Float32Array): DecodedPhoto => ({
      file: name,
      width,
      height,
      rgb: Buffer.from(lToGreyRgb(L)),
      meta: { format: 'raw', width, height, hasAlpha: false },
    });
    const faded = fadeGrey(rgb8ToL(photo.rgb, 3), seed);
    const toned = Float32Array.from(faded);
    restoreTone(toned, width, height, {});
    const plain = (await colorizePixels(asPhoto(faded), model)).rgb;
    const tonedOnly = (await colorizePixels(asPhoto(toned), model)).rgb;
    const restore = await colorizeRestored(asPhoto(faded), asPhoto(toned), model);
    const row = {
      truth: scores(photo.rgb, photo.rgb).chroma,
      plain: scores(plain, photo.rgb),
      toned: scores(tonedOnly, photo.rgb),
      restore: scores(restore.pixels.rgb, photo.rgb),
      match: restore.chromaMatch,
    };
    rows.push(row);
    process.stdout.write(
      `${name.padEnd(40)} chroma truth ${row.truth.toFixed(1)} plain ${row.plain.chroma.toFixed(1)} toned ${row.toned.chroma.toFixed(1)} restore ${row.restore.chroma.toFixed(1)} (×${row.match})\n`,
    );
  }
  const m = (v: Variant, k: 'chroma' | 'abError'): string => mean(rows.map((r) => r[v][k])).toFixed(2);
  process.stdout.write(
    `\n${model.manifest.id}, ${backend.name}, ${rows.length} faded ${half}-half photos at ${size} px (the photos' own mean chroma ${mean(rows.map((r) => r.truth)).toFixed(2)})\n` +
      `| | mean chroma | ab error |\n|---|---:|---:|\n` +
      `| plain colorize of the faded print | ${m('plain', 'chroma')} | ${m('plain', 'abError')} |\n` +
      `| tone, then colorize (restore before) | ${m('toned', 'chroma')} | ${m('toned', 'abError')} |\n` +
      `| restore now (tone, colour matched to the print as scanned) | ${m('restore', 'chroma')} | ${m('restore', 'abError')} |\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
