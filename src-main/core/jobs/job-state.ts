// The one place that writes a job's state. Every status change of every kind of job (colorize,
// export, fine-tune) goes through these functions, so the rules live here: only an owner of the
// library recovers jobs, a finished job stays finished, and the reason for a failure is kept.
import type { Catalogue } from '../catalogue/catalogue';
import type { JobRow, JobStatus } from '../catalogue/types';
import type { Problem } from '../../contract/problems';

/** States a job can be resumed from (its pending work is done, finished work kept). */
export const RESUMABLE: ReadonlySet<JobStatus> = new Set<JobStatus>(['interrupted', 'cancelled', 'failed']);

export function markQueued(cat: Catalogue, jobId: number): JobRow {
  return cat.updateJobStatus(jobId, 'queued');
}

export function markRunning(cat: Catalogue, jobId: number): JobRow {
  return cat.updateJobStatus(jobId, 'running');
}

/** Records how a job ended; `message` is kept as its error only when it failed. */
export function markEnded(
  cat: Catalogue,
  jobId: number,
  status: 'done' | 'failed' | 'cancelled' | 'interrupted',
  message: string | null = null,
  problem?: Problem | null,
): JobRow {
  return cat.updateJobStatus(jobId, status, status === 'failed' ? message : null, problem ?? undefined);
}

/**
 * Jobs left 'queued' by an owner that is gone (the queue lived in its memory) become 'interrupted',
 * so the window can offer to resume them. Only the library's lock owner calls this.
 */
export function interruptOrphanedQueue(cat: Catalogue): void {
  for (const j of cat.listJobs({ status: 'queued' })) cat.updateJobStatus(j.id, 'interrupted');
}
