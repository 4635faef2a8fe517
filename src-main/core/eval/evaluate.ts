// `heirloom eval`: turn colour photos grey, colorize them, and score the result against the truth
// with the pinned metrics, next to the grey answer (a = b = 0) that every model must beat.
import * as path from 'node:path';
import { labToRgb8, rgb8ToL } from '../color/lab';
import type { LoadedModel } from '../engine/model-store';
import { DecodeChoice, DecodeOptions, resolveDecode } from '../engine/predict';
import { decodePhoto, DecodedPhoto } from '../imaging/decode';
import { computeMetrics, Metrics, MetricsSummary, summarise } from '../metrics';
import { ColorizeParams, colorizePixels, finishColorize, runNetworkStage } from '../pipeline/colorize';
import { workingDims } from '../pipeline/working-size';
import { truthHints } from './simulated-hints';

export interface EvalOptions extends ColorizeParams {
  /** Simulated true-colour point hints per photo (see simulated-hints.ts); 0 or absent: none. */
  hintCount?: number;
  onPhoto?: (index: number, total: number, file: string) => void;
}

export interface EvalReport {
  photos: number;
  model: string;
  workingSize: number;
  /** Simulated hints per photo. */
  hints: number;
  /** The decode used, for classification models (per-call options over the manifest's). */
  decode?: DecodeChoice;
  grey: MetricsSummary;
  colorized: MetricsSummary;
  /** Each photo's ΔE00, in the order of the files measured (failures left out). */
  perPhotoDeltaE00: number[];
  failures: Array<{ file: string; error: string }>;
}

/** The grey answer of a colour photo: its own L with a = b = 0, as 8-bit sRGB. */
export function greyAnswer(rgb: Uint8Array, width: number, height: number): { rgb: Buffer; L: Float32Array } {
  const L = rgb8ToL(rgb, 3);
  const zeros = new Float32Array(width * height);
  return { rgb: Buffer.from(labToRgb8(L, zeros, zeros).buffer), L };
}

export async function evaluateModel(files: string[], model: LoadedModel, opts: EvalOptions = {}): Promise<EvalReport> {
  const greyMetrics: Metrics[] = [];
  const modelMetrics: Metrics[] = [];
  const failures: EvalReport['failures'] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    opts.onPhoto?.(i, files.length, file);
    let truth: DecodedPhoto;
    try {
      truth = await decodePhoto(file);
    } catch (e) {
      failures.push({ file, error: (e as Error).message });
      continue;
    }
    const grey = greyAnswer(truth.rgb, truth.width, truth.height);
    const input: DecodedPhoto = { ...truth, rgb: grey.rgb };
    let params: ColorizeParams = opts;
    if (opts.hintCount) {
      const work = workingDims(truth.width, truth.height, opts.workingSize ?? model.manifest.workingSize);
      params = { ...opts, hints: await truthHints(truth.rgb, truth.width, truth.height, work.width, work.height, opts.hintCount, file) };
    }
    const out = await colorizePixels(input, model, params);
    greyMetrics.push(computeMetrics(grey.rgb, truth.rgb, grey.L));
    modelMetrics.push(computeMetrics(out.rgb, truth.rgb, grey.L));
  }
  const o = model.manifest.output;
  return {
    photos: modelMetrics.length,
    model: model.manifest.id,
    workingSize: opts.workingSize ?? model.manifest.workingSize,
    hints: opts.hintCount ?? 0,
    decode: o.type === 'ab-bins' ? resolveDecode(model, opts) : undefined,
    grey: summarise(greyMetrics),
    colorized: summarise(modelMetrics),
    perPhotoDeltaE00: modelMetrics.map((m) => m.deltaE00),
    failures,
  };
}

/**
 * Scores several decode settings of one model on the same photos: the network runs once per photo,
 * each setting then decodes its output through the real pipeline. One summary per setting, in order.
 */
export async function evaluateDecodes(
  files: string[],
  model: LoadedModel,
  decodes: DecodeOptions[],
): Promise<{ grey: MetricsSummary; results: MetricsSummary[]; perPhotoDeltaE00: number[][] }> {
  const greyMetrics: Metrics[] = [];
  const scores: Metrics[][] = decodes.map(() => []);
  for (const file of files) {
    const truth = await decodePhoto(file);
    const grey = greyAnswer(truth.rgb, truth.width, truth.height);
    const input: DecodedPhoto = { ...truth, rgb: grey.rgb };
    const stage = await runNetworkStage(input, model);
    greyMetrics.push(computeMetrics(grey.rgb, truth.rgb, grey.L));
    for (let k = 0; k < decodes.length; k++) {
      const out = await finishColorize(input, model, stage, decodes[k]);
      scores[k].push(computeMetrics(out.rgb, truth.rgb, grey.L));
    }
  }
  return { grey: summarise(greyMetrics), results: scores.map(summarise), perPhotoDeltaE00: scores.map((list) => list.map((m) => m.deltaE00)) };
}

export function formatEvalTable(r: EvalReport): string {
  const row = (name: string, s: MetricsSummary): string =>
    `${name.padEnd(22)} ${s.psnr.toFixed(2).padStart(7)} ${s.deltaE00.toFixed(2).padStart(7)} ${(100 * s.auc).toFixed(1).padStart(6)} ${s.colourfulnessRatio.toFixed(3).padStart(7)} ${s.deltaL.toFixed(3).padStart(6)}`;
  return [
    `${r.photos} photos, working size ${r.workingSize}` +
      (r.hints ? `, ${r.hints} simulated hints each` : '') +
      (r.decode
        ? `, T = ${r.decode.temperature}, prior correction ${r.decode.priorCorrection}, gain ${r.decode.chromaGain}, lift ${r.decode.chromaLift}`
        : ''),
    `${'answer'.padEnd(22)} ${'PSNR'.padStart(7)} ${'ΔE00'.padStart(7)} ${'AuC%'.padStart(6)} ${'colour'.padStart(7)} ${'ΔL'.padStart(6)}`,
    row('grey (a=b=0)', r.grey),
    row(path.basename(r.model), r.colorized),
  ].join('\n');
}
