// A fine-tune job as the window sees it: from the trainer's live progress, or, after a restart or
// once it has ended, from the run's last checkpoint (its loss curve, metrics and judgement are saved
// there), so a finished run keeps its curve and numbers after a reload.
import * as path from 'node:path';
import type { FinetuneInfo, MetricsInfo } from '../../contract/jobs';
import { listRunCheckpoints, runSlug } from '../finetune/checkpoints';
import { judge, type Judgement } from '../finetune/recommend';
import type { FinetuneProgress } from '../finetune/trainer';

/** Only the four numbers the window shows, whatever else a stored summary holds. */
export function pickMetrics(m: MetricsInfo | null | undefined): MetricsInfo | null {
  return m ? { deltaE00: m.deltaE00, psnr: m.psnr, colourfulnessRatio: m.colourfulnessRatio, auc: m.auc } : null;
}

export function pickJudgement(j: Judgement | null | undefined): FinetuneInfo['judgement'] {
  return j ? { ci: [j.ci[0], j.ci[1]], better: j.better, worse: j.worse } : null;
}

/** Curves longer than this are thinned (every other point) before they go to the window. */
const CURVE_POINTS = 400;
const thin = (curve: Array<[number, number]>): Array<[number, number]> => (curve.length > CURVE_POINTS ? curve.filter((_, i) => i % 2 === 0) : curve);

/** The live state after one progress report; `prev` is the state before it (its curve is extended in place). */
export function finetuneInfoFromProgress(prev: FinetuneInfo | null | undefined, p: FinetuneProgress): FinetuneInfo {
  const curve = prev?.lossCurve ?? [];
  // Every other step while training, and the step of each saved checkpoint (whose own curve ends there).
  const last = curve.at(-1)?.[0];
  const wanted = p.phase === 'training' ? last === undefined || p.step - last >= 2 : p.phase === 'saved' && last !== p.step;
  if (wanted && p.loss !== null && (last === undefined || p.step > last)) curve.push([p.step, Number(p.loss.toFixed(4))]);
  return {
    run: p.run,
    phase: p.phase,
    step: p.step,
    loss: p.loss,
    trainSeconds: p.trainSeconds,
    budgetSeconds: p.budgetSeconds,
    lossCurve: thin(curve),
    base: pickMetrics(p.base),
    heldOut: pickMetrics(p.heldOut),
    judgement: p.judgement === undefined ? (prev?.judgement ?? null) : pickJudgement(p.judgement),
    checkpointId: p.checkpointId ?? prev?.checkpointId ?? null,
    message: p.message ?? null,
    data: p.data
      ? {
          found: p.data.found,
          train: p.data.train,
          heldOut: p.data.heldOut,
          skipped: p.data.skipped.map((s) => ({ name: path.basename(s.file), kind: s.kind, reason: s.reason })),
        }
      : (prev?.data ?? null),
  };
}

/** The run's state as its last saved checkpoint has it, or null when it saved none (or the folder is gone). */
export function finetuneInfoFromCheckpoint(modelsDir: string, runName: string): FinetuneInfo | null {
  let last;
  try {
    last = listRunCheckpoints(modelsDir, runSlug(runName)).at(-1);
  } catch {
    return null; // an unreadable models folder: the job is still listed, without its numbers
  }
  if (!last) return null;
  const s = last.state;
  const measured = s.basePerPhoto && s.heldOutPerPhoto && s.basePerPhoto.length === s.heldOutPerPhoto.length;
  return {
    run: s.run,
    phase: 'saved',
    step: s.step,
    loss: s.loss,
    trainSeconds: s.trainSeconds,
    budgetSeconds: s.budgetSeconds,
    lossCurve: thin(s.lossCurve ?? []),
    base: pickMetrics(s.base),
    heldOut: pickMetrics(s.heldOut),
    judgement: measured ? pickJudgement(judge(s.basePerPhoto!, s.heldOutPerPhoto!)) : null,
    checkpointId: last.id,
    message: null,
    data: s.data
      ? {
          found: s.data.found,
          train: s.data.train,
          heldOut: s.data.heldOut,
          skipped: s.data.skipped.map((k) => ({ name: path.basename(k.file), kind: k.kind, reason: k.reason })),
        }
      : null,
  };
}
