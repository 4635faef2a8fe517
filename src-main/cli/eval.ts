// `heirloom eval`: the pinned quality metrics of a model on a folder of colour photos.
import { initBackend } from '../core/engine/backend';
import { resolveModel } from '../core/engine/model-registry';
import { evaluateModel, formatEvalTable } from '../core/eval/evaluate';
import { EvalSplit, inSplit } from '../core/eval/split';
import { collectPhotos } from '../core/photo-files';

interface EvalCliOptions {
  model?: string;
  size?: number;
  temperature?: number;
  priorCorrection?: number;
  chromaLift?: number;
  saturation?: number;
  split: EvalSplit;
  hints?: number;
  limit?: number;
  json?: boolean;
}

/** Every k-th file, so a limited run still spreads over the whole (sorted) folder. */
function spread<T>(items: T[], limit?: number): T[] {
  if (!limit || items.length <= limit) return items;
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]);
}

export async function runEval(folder: string, o: EvalCliOptions): Promise<number> {
  const backend = await initBackend();
  const { files: all, problems } = collectPhotos([folder]);
  if (problems.length) {
    process.stderr.write(`heirloom: ${problems.map((p) => `${p.input}: ${p.error}`).join('; ')}\n`);
    return 1;
  }
  const files = spread(
    all.filter((f) => inSplit(f, o.split)),
    o.limit,
  );
  if (files.length === 0) {
    process.stderr.write(`heirloom: no photos to evaluate in ${folder}\n`);
    return 2;
  }
  const { model, warning } = await resolveModel(o.model);
  if (warning) process.stderr.write(`heirloom: warning: ${warning}\n`);
  if (o.hints && model.manifest.input.channels !== 4) throw new Error(`--hints: ${model.manifest.id} takes no colour hints`);
  if ((o.temperature ?? o.priorCorrection ?? o.chromaLift) !== undefined && model.manifest.output.type !== 'ab-bins') {
    throw new Error('--temperature, --prior-correction and --chroma-lift apply only to classification models');
  }
  const t0 = Date.now();
  const report = await evaluateModel(files, model, {
    workingSize: o.size,
    saturation: o.saturation,
    temperature: o.temperature,
    priorCorrection: o.priorCorrection,
    chromaLift: o.chromaLift,
    hintCount: o.hints,
    onPhoto: (i, n) => {
      if (!o.json && (i % 25 === 0 || i === n - 1)) process.stderr.write(`eval ${i + 1}/${n}\r`);
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  if (o.json) {
    process.stdout.write(JSON.stringify({ ...report, backend: backend.name, seconds, saturation: o.saturation ?? 1 }, null, 2) + '\n');
  } else {
    process.stdout.write(`\n${formatEvalTable(report)}\n(${backend.name} backend, ${seconds.toFixed(0)} s)\n`);
    for (const f of report.failures) process.stdout.write(`failed: ${f.file}: ${f.error}\n`);
  }
  return report.failures.length ? 1 : 0;
}
