// Chooses a classification model's decode settings (temperature T, prior correction α, chroma gain,
// chroma lift) on the tune halves only — of the sha1 validation split AND of the held-out sources —
// so the model card's report halves are never tuned on. The network runs once per photo; each setting
// re-decodes its output through the real pipeline (evaluateDecodes).
//   node dist/scripts/tune-decode.js <model dir> [pool folder] [--limit 400] [--beat <model dir>]
//     [--T 0.25,0.3] [--alpha 0.4,0.55] [--sat 1,1.2] [--lift 8,12,16] [--write]
// The choice is the setting whose worst margin over the targets, on either half, is largest (see
// margin()), so the targets are most likely to hold on photos it was not chosen on. --beat adds the
// comparison network's ΔE00 on the same photos as one more bound. --write stores it in heirloom.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { loadModel } from '../src-main/core/engine/model-store';
import type { DecodeChoice } from '../src-main/core/engine/predict';
import { evaluateDecodes, evaluateModel } from '../src-main/core/eval/evaluate';
import { EvalSplit, inSplit } from '../src-main/core/eval/split';
import type { MetricsSummary } from '../src-main/core/metrics';
import { collectPhotos } from '../src-main/core/photo-files';
import { flag } from './flags';

/**
 * The smallest margin by which a result clears v3's targets, in ΔE00 units (negative: a miss):
 * colourfulness ratio ≥ 0.70 (and not garish, ≤ 1.25), ΔE00 ≤ 0.95 × grey, PSNR ≥ grey + 0.3 dB,
 * ΔE00 below the rival's. Exchange rates from the measured trade-off: as decoding adds colour, +0.1
 * colourfulness ratio costs ≈ 0.4 ΔE00 and ≈ 0.5 dB PSNR; so a colour margin counts 4×, dB 1×.
 */
export function margin(s: MetricsSummary, grey: MetricsSummary, rivalDeltaE00 = Infinity): number {
  return Math.min(
    4 * (s.colourfulnessRatio - 0.7),
    4 * (1.25 - s.colourfulnessRatio),
    0.95 * grey.deltaE00 - s.deltaE00,
    rivalDeltaE00 - s.deltaE00,
    s.psnr - (grey.psnr + 0.3),
  );
}

const TUNE_HALVES: EvalSplit[] = ['validation-tune', 'sources-tune'];

const list = (name: string, fallback: string): number[] => flag(name, fallback).split(',').map(Number);

async function main(): Promise<void> {
  const [modelDir, pool = path.join(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos')] = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const limit = Number(flag('limit', '400'));
  const rivalDir = flag('beat', '');
  const backend = await initBackend();
  const model = await loadModel(modelDir);
  const rival = rivalDir ? await loadModel(rivalDir) : undefined;
  const all = collectPhotos([pool]).files;

  const grid: DecodeChoice[] = [];
  for (const temperature of list('T', '0.3,0.38,0.5,0.7'))
    for (const priorCorrection of list('alpha', '0,0.5,0.75,1'))
      for (const chromaGain of list('sat', '1'))
        for (const chromaLift of list('lift', '0')) grid.push({ temperature, priorCorrection, chromaGain, chromaLift });
  const show = (s: MetricsSummary): string =>
    `PSNR ${s.psnr.toFixed(3)}\tdE00 ${s.deltaE00.toFixed(3)}\tAuC ${(100 * s.auc).toFixed(2)}\tcolour ${s.colourfulnessRatio.toFixed(3)}`;
  // Each setting's margin is its worst over both tune halves.
  const margins = grid.map(() => Infinity);
  const counts: string[] = [];
  for (const half of TUNE_HALVES) {
    const tune = all.filter((f) => inSplit(f, half));
    const files = tune.filter((_, i) => i % Math.max(1, Math.floor(tune.length / limit)) === 0).slice(0, limit);
    counts.push(`${half} ${files.length}`);
    console.error(`${backend.name} backend; ${half}: ${files.length} of ${tune.length} photos`);
    const scored = await evaluateDecodes(files, model, grid);
    const r = rival ? (await evaluateModel(files, rival)).colorized : undefined;
    const g = scored.grey;
    console.log(`== ${half}\ngrey\t\t\t\t${show(g)}`);
    if (r) console.log(`${path.basename(rivalDir)}\t\t\t\t${show(r)}`);
    grid.forEach((d, k) => {
      const m = margin(scored.results[k], g, r?.deltaE00);
      margins[k] = Math.min(margins[k], m);
      console.log(
        `T ${d.temperature}\tα ${d.priorCorrection}\tsat ${d.chromaGain}\tlift ${d.chromaLift}\t${show(scored.results[k])}\tmargin ${m.toFixed(3)}${m >= 0 ? '\tMEETS' : ''}`,
      );
    });
  }
  const results = grid.map((d, k) => ({ ...d, m: margins[k] }));
  const best = [...results].sort((x, y) => y.m - x.m)[0];
  const choice = { temperature: best.temperature, priorCorrection: best.priorCorrection, chromaGain: best.chromaGain, chromaLift: best.chromaLift };
  console.log(`chosen: ${JSON.stringify(choice)}`);
  if (process.argv.includes('--write')) {
    const file = path.join(modelDir, 'heirloom.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    Object.assign(manifest.output, choice);
    manifest.training = {
      ...manifest.training,
      decodeTunedOn: `tune halves (${counts.join(', ')} photos), worst target margin ${best.m.toFixed(3)}`,
    };
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
