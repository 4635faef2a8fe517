// Messages between CoreApi (the thread that serves the window) and the jobs worker thread.
import type { Problem } from '../../contract/problems';
import type { InstallPaths } from '../app-paths';
import type { FinetuneProgress } from '../finetune/trainer';
import type { BatchProgress } from '../service/heirloom-core';

/** What the jobs worker is started with: the library and where this installation's files are. */
export interface WorkerInit {
  library: string;
  install: InstallPaths;
}

export type WorkerRequest = { type: 'run'; jobId: number } | { type: 'cancel'; jobId: number } | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; progress: BatchProgress }
  | { type: 'finetune-progress'; jobId: number; progress: FinetuneProgress }
  | { type: 'end'; jobId: number; status: 'done' | 'failed' | 'cancelled'; message: string | null; problem?: Problem | null };
