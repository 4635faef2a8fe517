// Re-chooses a fine-tuned checkpoint's decode on the run's own held-out photos.
// Fine-tuning changes how confident the network is (on people it coloured more: 0.79 → 0.83), so the
// decode chosen for its parent on the base validation split need not fit it. Each checkpoint tries a
// few settings around the base's decode and keeps the unchanged one unless another does better.
import { DecodeChoice, resolveDecode } from '../engine/predict';
import type { ModelManifest } from '../engine/manifest';
import type { LoadedModel } from '../engine/model-store';
import { evaluateDecodes } from '../eval/evaluate';
import type { MetricsSummary } from '../metrics';

/** The decode a classification manifest asks for, with defaults filled in. */
export function manifestDecode(model: LoadedModel): DecodeChoice {
  return resolveDecode(model);
}

/** The base decode, plus more prior correction and less or more lift (the two knobs that move colour most). */
export function decodeCandidates(base: DecodeChoice): DecodeChoice[] {
  const alphas = [base.priorCorrection, Math.min(1, base.priorCorrection + 0.15)];
  const lifts = base.chromaLift > 0 ? [0.5, 1, 1.5].map((k) => Math.min(40, k * base.chromaLift)) : [0];
  return alphas.flatMap((priorCorrection) => lifts.map((chromaLift) => ({ ...base, priorCorrection, chromaLift })));
}

/** Colourfulness ratio a choice must keep on the held-out photos (the base model's target floor). */
export const MIN_COLOURFULNESS = 0.75;

/**
 * Runs the network once per held-out photo and scores every candidate through the real pipeline.
 * The choice: lowest ΔE00 among candidates keeping colourfulness ≥ 0.75, or ≥ what the unchanged
 * decode gives when that is already less (so the unchanged decode always qualifies).
 */
export async function fitDecode(
  model: LoadedModel,
  files: string[],
  base: DecodeChoice,
): Promise<{ decode: DecodeChoice; metrics: MetricsSummary; perPhoto: number[] }> {
  const candidates = decodeCandidates(base);
  const scored = await evaluateDecodes(files, model, candidates);
  const results = candidates.map((decode, k) => ({ decode, metrics: scored.results[k], perPhoto: scored.perPhotoDeltaE00[k] }));
  const unchanged = results.find((r) => r.decode.priorCorrection === base.priorCorrection && r.decode.chromaLift === base.chromaLift);
  const floor = Math.min(MIN_COLOURFULNESS, unchanged?.metrics.colourfulnessRatio ?? MIN_COLOURFULNESS);
  return (
    results.filter((r) => r.metrics.colourfulnessRatio >= floor).sort((a, b) => a.metrics.deltaE00 - b.metrics.deltaE00)[0] ?? unchanged ?? results[0]
  );
}

/** The manifest with its classification decode replaced (to measure a network under a given decode). */
export function withDecode(manifest: ModelManifest, d: DecodeChoice): ModelManifest {
  if (manifest.output.type !== 'ab-bins') return manifest;
  return {
    ...manifest,
    output: {
      ...manifest.output,
      temperature: d.temperature,
      priorCorrection: d.priorCorrection,
      chromaGain: d.chromaGain,
      chromaLift: d.chromaLift,
    },
  };
}
