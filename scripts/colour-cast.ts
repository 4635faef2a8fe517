// How much of a colorizer's error is one overall colour cast per photo (the camera's white balance,
// which the lightness cannot tell), on the tune halves only. For each photo: the grey answer; grey
// with the photo's true mean colour laid over it (all a model could gain from knowing the cast
// alone); the model; the model with its own mean colour error removed (what it would score with the
// cast right); the model with half of its own mean colour taken away (a decode that needs no truth);
// and grey and the model with the training pool's average cast laid on (a fixed cast instead of a guess).
//   node dist/scripts/colour-cast.js [model dir] [pool folder] [--limit 60] [--splits sources-tune,validation-tune]
import * as path from 'node:path';
import { labToRgb8, rgb8ToLab, type LabImage } from '../src-main/core/color/lab';
import { initBackend } from '../src-main/core/engine/backend';
import { loadModel } from '../src-main/core/engine/model-store';
import { greyAnswer } from '../src-main/core/eval/evaluate';
import { EVAL_SPLITS, inSplit, isHeldOutSourcePhoto, isValidationPhoto, type EvalSplit } from '../src-main/core/eval/split';
import { decodePhoto } from '../src-main/core/imaging/decode';
import { meanDeltaE00 } from '../src-main/core/metrics';
import { collectPhotos } from '../src-main/core/photo-files';
import { colorizePixels } from '../src-main/core/pipeline/colorize';
import { flag } from './flags';

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const modelDir = positional[0] ?? path.join(__dirname, '..', '..', 'models', 'heirloom-base-v3');
const pool = positional[1] ?? path.join(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos');
const limit = Number(flag('limit', '60'));
const splits = flag('splits', 'sources-tune,validation-tune').split(',') as EvalSplit[];
for (const s of splits) if (!EVAL_SPLITS.includes(s) || s.endsWith('report')) throw new Error(`--splits: ${s} is not a tune half`);

const ANSWERS = [
  'grey',
  'grey + true cast',
  'model',
  'model, cast made right',
  'model, half its cast removed',
  'grey + pool cast',
  'model, pool cast',
] as const;

const meanAb = (lab: LabImage): [number, number] => {
  let a = 0,
    b = 0;
  for (let i = 0; i < lab.a.length; i++) {
    a += lab.a[i]!;
    b += lab.b[i]!;
  }
  return [a / lab.a.length, b / lab.a.length];
};

/** The image with (da, db) added to every pixel's colour, through 8-bit sRGB as any output is. */
const shifted = (lab: LabImage, da: number, db: number): LabImage =>
  rgb8ToLab(
    labToRgb8(
      lab.L,
      Float32Array.from(lab.a, (v) => v + da),
      Float32Array.from(lab.b, (v) => v + db),
    ),
    3,
  );

/** The mean colour of the photos the model trained on (a sample of `n`, spread over the pool). */
async function poolCast(all: string[], n: number): Promise<[number, number]> {
  const training = spread(
    all.filter((f) => !isValidationPhoto(f) && !isHeldOutSourcePhoto(f)),
    n,
  );
  let a = 0,
    b = 0;
  for (const file of training) {
    const photo = await decodePhoto(file);
    const [pa, pb] = meanAb(rgb8ToLab(photo.rgb, 3));
    a += pa;
    b += pb;
  }
  return [a / training.length, b / training.length];
}

/** Photos of the split spread evenly over its sorted list (so every source of a half is in). */
function spread(files: string[], n: number): string[] {
  const step = Math.max(1, Math.floor(files.length / n));
  return files.filter((_, i) => i % step === 0).slice(0, n);
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const model = await loadModel(modelDir);
  const all = collectPhotos([pool]).files.sort();
  const [pa, pb] = await poolCast(all, 400);
  console.log(`${model.manifest.id}, ${backend.name}; mean ΔE00 per answer (photos of each tune half, spread over its sources)`);
  console.log(`the training pool's mean cast (400 training photos): a* ${pa.toFixed(2)}, b* ${pb.toFixed(2)}`);
  for (const split of splits) {
    const files = spread(
      all.filter((f) => inSplit(f, split)),
      limit,
    );
    const sums = new Map<string, { n: number; dE: number[] }>();
    const add = (key: string, dE: number[]): void => {
      const s = sums.get(key) ?? { n: 0, dE: ANSWERS.map(() => 0) };
      s.n++;
      dE.forEach((v, i) => (s.dE[i]! += v));
      sums.set(key, s);
    };
    for (const file of files) {
      const truth = await decodePhoto(file);
      const grey = greyAnswer(truth.rgb, truth.width, truth.height);
      const out = await colorizePixels({ ...truth, rgb: grey.rgb }, model, {});
      const labTruth = rgb8ToLab(truth.rgb, 3),
        labGrey = rgb8ToLab(grey.rgb, 3),
        labOut = rgb8ToLab(out.rgb, 3);
      const [ta, tb] = meanAb(labTruth),
        [oa, ob] = meanAb(labOut);
      const dE = [
        labGrey,
        shifted(labGrey, ta, tb),
        labOut,
        shifted(labOut, ta - oa, tb - ob),
        shifted(labOut, -oa / 2, -ob / 2),
        shifted(labGrey, pa, pb),
        shifted(labOut, pa - oa, pb - ob),
      ].map((lab) => meanDeltaE00(lab, labTruth));
      add(split, dE);
      add(`  ${path.basename(file).split('_')[0]}`, dE);
    }
    console.log([''.padEnd(22), ...ANSWERS].join(' | '));
    for (const [key, s] of sums)
      console.log([`${key} (${s.n})`.padEnd(22), ...s.dE.map((v, i) => (v / s.n).toFixed(2).padStart(Math.max(6, ANSWERS[i]!.length)))].join(' | '));
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
