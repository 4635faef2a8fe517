// Chooses a classification model's decode settings (temperature T, prior correction α, chroma gain,
// chroma lift) on the 'tune' half of the validation split only; the model card then reports the other half.
// The network runs once per photo; each setting re-decodes its output through the real pipeline (evaluateDecodes).
//   node dist/scripts/tune-decode.js <model dir> [pool folder] [--limit 322] [--beat <model dir>]
//     [--T 0.25,0.3] [--alpha 0.4,0.55] [--sat 1,1.2] [--lift 8,12,16] [--write]
// The choice is the setting whose worst margin over the targets is largest (see margin()), so that
// the targets are most likely to hold on photos it was not chosen on. --beat adds the comparison
// network's ΔE00 on the same photos as one more bound. --write stores the choice in heirloom.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { loadModel } from '../src-main/core/engine/model-store';
import type { DecodeChoice } from '../src-main/core/engine/predict';
import { evaluateDecodes, evaluateModel } from '../src-main/core/eval/evaluate';
import { validationHalf } from '../src-main/core/eval/split';
import type { MetricsSummary } from '../src-main/core/metrics';
import { collectPhotos } from '../src-main/core/photo-files';
import { flag } from './flags';

/**
 * The smallest margin by which a result clears the targets, in ΔE00 units (negative: a miss).
 * Exchange rates from the measured trade-off on the tune half: as decoding adds colour, +0.1
 * colourfulness ratio costs ≈ 0.4 ΔE00 and ≈ 0.5 dB PSNR; so a colour margin counts 4×, dB 1×.
 */
export function margin(s: MetricsSummary, grey: MetricsSummary, rivalDeltaE00 = Infinity): number {
  return Math.min(
    4 * (s.colourfulnessRatio - 0.75),
    4 * (1.25 - s.colourfulnessRatio),
    grey.deltaE00 - s.deltaE00,
    rivalDeltaE00 - s.deltaE00,
    s.psnr - grey.psnr,
  );
}

const list = (name: string, fallback: string): number[] => flag(name, fallback).split(',').map(Number);

async function main(): Promise<void> {
  const [modelDir, pool = path.join(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos')] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const limit = Number(flag('limit', '322'));
  const rivalDir = flag('beat', '');
  const backend = await initBackend();
  const model = await loadModel(modelDir);
  const tune = collectPhotos([pool]).files.filter((f) => validationHalf(f) === 'tune');
  const files = tune.filter((_, i) => i % Math.max(1, Math.floor(tune.length / limit)) === 0).slice(0, limit);
  console.error(`${backend.name} backend; ${files.length} of ${tune.length} tune-half photos`);

  const grid: DecodeChoice[] = [];
  for (const temperature of list('T', '0.3,0.38,0.5,0.7'))
    for (const priorCorrection of list('alpha', '0,0.5,0.75,1'))
      for (const chromaGain of list('sat', '1')) for (const chromaLift of list('lift', '0')) grid.push({ temperature, priorCorrection, chromaGain, chromaLift });
  const scored = await evaluateDecodes(files, model, grid);
  const r = rivalDir ? (await evaluateModel(files, await loadModel(rivalDir))).colorized : undefined;

  const show = (s: MetricsSummary): string =>
    `PSNR ${s.psnr.toFixed(3)}\tdE00 ${s.deltaE00.toFixed(3)}\tAuC ${(100 * s.auc).toFixed(2)}\tcolour ${s.colourfulnessRatio.toFixed(3)}`;
  const g = scored.grey;
  console.log(`grey\t\t\t\t${show(g)}`);
  if (r) console.log(`${path.basename(rivalDir)}\t\t\t\t${show(r)}`);
  const results = grid.map((d, k) => ({ ...d, s: scored.results[k], m: margin(scored.results[k], g, r?.deltaE00) }));
  for (const x of results) {
    console.log(`T ${x.temperature}\tα ${x.priorCorrection}\tsat ${x.chromaGain}\tlift ${x.chromaLift}\t${show(x.s)}\tmargin ${x.m.toFixed(3)}${x.m >= 0 ? '\tMEETS' : ''}`);
  }
  const best = [...results].sort((x, y) => y.m - x.m)[0];
  const choice = { temperature: best.temperature, priorCorrection: best.priorCorrection, chromaGain: best.chromaGain, chromaLift: best.chromaLift };
  console.log(`chosen: ${JSON.stringify(choice)}`);
  if (process.argv.includes('--write')) {
    const file = path.join(modelDir, 'heirloom.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    Object.assign(manifest.output, choice);
    manifest.training = { ...manifest.training, decodeTunedOn: `validation tune half, ${files.length} photos, worst target margin ${best.m.toFixed(3)}` };
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
