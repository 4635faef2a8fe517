// A fine-tune job: its row holds the request; the trainer resumes the run from its last checkpoint.
// Shared by the jobs worker (window) and `heirloom jobs resume` (command line).
import { problemOf, type Problem } from '../../contract/problems';
import { FinetuneCancelled, FinetuneProgress } from '../finetune/trainer';
import type { HeirloomCore } from '../service/heirloom-core';
import { describeChange } from '../finetune/recommend';
import { jobParams } from './job-params';
import { markEnded, markRunning } from './job-state';

export interface JobEnd {
  status: 'done' | 'failed' | 'cancelled';
  message: string | null;
  problem?: Problem | null;
}

export async function runFinetuneJob(
  core: HeirloomCore,
  jobId: number,
  signal: AbortSignal,
  onProgress?: (p: FinetuneProgress) => void,
): Promise<JobEnd> {
  const row = core.catalogue.getJob(jobId);
  if (!row) throw new Error(`No job with id ${jobId}.`);
  const p = jobParams(row, 'finetune');
  markRunning(core.catalogue, jobId);
  let end: JobEnd;
  try {
    const r = await core.finetune({ ...p, signal, onProgress });
    end = {
      status: 'done',
      message:
        r.recommended && r.judgement
          ? `recommended: ${r.recommended.id} (${describeChange(r.judgement)})`
          : `the archive did not improve the model${r.judgement ? ` (${describeChange(r.judgement)})` : ''}; nothing is recommended`,
    };
  } catch (e) {
    end =
      e instanceof FinetuneCancelled
        ? { status: 'cancelled', message: `checkpoint ${e.checkpoint.id} kept` }
        : { status: 'failed', message: (e as Error).message, problem: problemOf(e) };
  }
  markEnded(core.catalogue, jobId, end.status, end.message, end.problem);
  return end;
}
