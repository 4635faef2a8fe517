// Waiting on API job events, shared by the API-level tests.
import type { HeirloomApi, JobInfo } from '../../src-main/api/types';

/** Resolves with the first event of job `id` that satisfies `pred`; every event of that job is pushed to `seen`. */
export function waitForJobEvent(api: Pick<HeirloomApi, 'onJobProgress'>, id: number, pred: (j: JobInfo) => boolean, seen?: JobInfo[]): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = api.onJobProgress((j) => {
      if (j.id !== id) return;
      seen?.push(j);
      if (pred(j)) {
        off();
        resolve(j);
      }
    });
  });
}

export const jobEnded = (j: JobInfo): boolean => j.finishedAt !== null;
