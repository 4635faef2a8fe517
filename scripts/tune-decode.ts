// Chooses a classification model's decode settings (temperature T, prior correction α, saturation)
// on the 'tune' half of the validation split only; the model card then reports the other half.
// The network runs once per photo; each setting re-decodes the cached logits through the real pipeline.
//   node dist/scripts/tune-decode.js <model dir> [pool folder] [--limit 120] [--T 0.3,0.38,0.5] [--alpha 0,0.5,1] [--sat 1] [--write]
// (sat = chroma gain). The choice: among settings meeting all three targets on the tune half with a
// margin (colourfulness ratio ≥ 0.80), the lowest ΔE00; else those meeting them at all; else the
// lowest ΔE00 with colourfulness ≥ 0.75. --write stores it in the model's heirloom.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { loadModel } from '../src-main/core/engine/model-store';
import { greyAnswer } from '../src-main/core/eval/evaluate';
import { validationHalf } from '../src-main/core/eval/split';
import { decodePhoto, DecodedPhoto } from '../src-main/core/imaging/decode';
import { computeMetrics, Metrics, summarise } from '../src-main/core/metrics';
import { collectPhotos } from '../src-main/core/photo-files';
import { finishColorize, NetworkStage, runNetworkStage } from '../src-main/core/pipeline/colorize';
import { flag } from './flags';

const list = (name: string, fallback: string): number[] => flag(name, fallback).split(',').map(Number);

async function main(): Promise<void> {
  const [modelDir, pool = path.join(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos')] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const limit = Number(flag('limit', '120'));
  const backend = await initBackend();
  const model = await loadModel(modelDir);
  const tune = collectPhotos([pool]).files.filter((f) => validationHalf(f) === 'tune');
  const files = tune.filter((_, i) => i % Math.max(1, Math.floor(tune.length / limit)) === 0).slice(0, limit);
  console.error(`${backend.name} backend; ${files.length} of ${tune.length} tune-half photos`);

  const cached: Array<{ truth: DecodedPhoto; input: DecodedPhoto; L: Float32Array; stage: NetworkStage; grey: Metrics }> = [];
  for (const file of files) {
    const truth = await decodePhoto(file);
    const grey = greyAnswer(truth.rgb, truth.width, truth.height);
    const input = { ...truth, rgb: grey.rgb };
    cached.push({ truth, input, L: grey.L, stage: await runNetworkStage(input, model), grey: computeMetrics(grey.rgb, truth.rgb, grey.L) });
  }
  const g = summarise(cached.map((c) => c.grey));
  const results: Array<{ temperature: number; priorCorrection: number; chromaGain: number; s: ReturnType<typeof summarise>; ok: boolean }> = [];
  console.log(`grey\t\t\tPSNR ${g.psnr.toFixed(3)}\tdE00 ${g.deltaE00.toFixed(3)}\tAuC ${(100 * g.auc).toFixed(2)}`);
  for (const temperature of list('T', '0.3,0.38,0.5,0.7')) {
    for (const priorCorrection of list('alpha', '0,0.5,0.75,1')) {
      for (const saturation of list('sat', '1')) {
        const metrics: Metrics[] = [];
        for (const c of cached) {
          const out = await finishColorize(c.input, model, c.stage, { temperature, priorCorrection, chromaGain: saturation });
          metrics.push(computeMetrics(out.rgb, c.truth.rgb, c.L));
        }
        const s = summarise(metrics);
        const ok = s.psnr >= g.psnr && s.deltaE00 <= g.deltaE00 && s.colourfulnessRatio >= 0.75 && s.colourfulnessRatio <= 1.25;
        results.push({ temperature, priorCorrection, chromaGain: saturation, s, ok });
        console.log(
          `T ${temperature}\tα ${priorCorrection}\tsat ${saturation}\tPSNR ${s.psnr.toFixed(3)}\tdE00 ${s.deltaE00.toFixed(3)}\tAuC ${(100 * s.auc).toFixed(2)}\tcolour ${s.colourfulnessRatio.toFixed(3)}${ok ? '\tMEETS' : ''}`,
        );
      }
    }
  }
  const byDe = (xs: typeof results) => [...xs].sort((x, y) => x.s.deltaE00 - y.s.deltaE00)[0];
  const best =
    byDe(results.filter((r) => r.ok && r.s.colourfulnessRatio >= 0.8)) ??
    byDe(results.filter((r) => r.ok)) ??
    byDe(results.filter((r) => r.s.colourfulnessRatio >= 0.75)) ??
    byDe(results);
  const choice = { temperature: best.temperature, priorCorrection: best.priorCorrection, chromaGain: best.chromaGain };
  console.log(`chosen: ${JSON.stringify(choice)}`);
  if (process.argv.includes('--write')) {
    const file = path.join(modelDir, 'heirloom.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    Object.assign(manifest.output, choice);
    manifest.training = { ...manifest.training, decodeTunedOn: `validation tune half, ${files.length} photos` };
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
