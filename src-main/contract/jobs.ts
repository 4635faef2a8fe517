// The jobs part of the API contract: what a job looks like to every face (window, web bridge, CLI).
// A bottom layer: it imports only the problems' shapes, and the core's job queue fills these shapes.
import type { Problem } from './problems';

export interface FileError {
  /** File name (not the full path) so it can be shown. */
  name: string;
  photoId?: number;
  /** The core's English sentence (the command line shows it). */
  error: string;
  /** What went wrong, for the window's words in its language. */
  problem?: Problem;
}

export interface MetricsInfo {
  deltaE00: number;
  psnr: number;
  colourfulnessRatio: number;
  auc: number;
}

/** Live state of a fine-tune job, inside its JobInfo. */
export interface FinetuneInfo {
  run: string;
  phase: 'loading' | 'measuring' | 'training' | 'saved';
  step: number;
  loss: number | null;
  trainSeconds: number;
  budgetSeconds: number;
  /** [step, smoothed loss] pairs for the live curve. */
  lossCurve: Array<[number, number]>;
  base: MetricsInfo | null;
  heldOut: MetricsInfo | null;
  /**
   * The held-out ΔE00 change against the start with the noise of those photos: `ci` is the 95 %
   * interval of the mean per-photo change (ΔE00 units, negative is better); `better` / `worse` when
   * the whole interval is below / above zero, otherwise it is no clear change. Null until measured.
   */
  judgement: { ci: [number, number]; better: boolean; worse: boolean } | null;
  checkpointId: string | null;
  message: string | null;
  /** The photos of the folder: how many train, how many are held out to measure, which were skipped and why. */
  data: FinetuneDataInfo | null;
}

export interface FinetuneDataInfo {
  found: number;
  train: number;
  heldOut: number;
  /** File names only, with why: `kind` for the window's words, `reason` the core's English sentence (the detail of an unreadable file). */
  skipped: Array<{ name: string; kind: 'unreadable' | 'small' | 'grey' | 'toned'; reason: string }>;
}

/** 'interrupted': the app stopped (crash, power cut) while the job ran; resumeJob finishes it. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobInfo {
  id: number;
  /** 'restore': repair and tone (and perhaps colorize) photo by photo, like 'colorize'. */
  kind: 'colorize' | 'restore' | 'export' | 'finetune';
  /** Export jobs: the folder or .zip being made. */
  target?: string | null;
  /** Export jobs: the album's name as the person wrote it (the target's folder name is made safe). */
  albumName?: string;
  /** Export jobs that replaced an earlier export: how many files in it Heirloom did not write (kept where they were). */
  kept?: number;
  /** Colorize and restore jobs: photos whose result was exactly a version they already had (none was added). */
  unchanged?: number;
  /** Fine-tune jobs: step, loss curve, held-out metrics. */
  finetune?: FinetuneInfo | null;
  state: JobState;
  total: number;
  done: number;
  failed: number;
  etaSeconds: number | null;
  /** Photo ids finished successfully so far (the gallery refreshes them). */
  finishedPhotoIds: number[];
  errors: FileError[];
  cancelRequested: boolean;
  createdAt: string;
  finishedAt: string | null;
  /** Short reason when the whole job failed (e.g. the model could not be loaded), in English. */
  message: string | null;
  /** The same reason as a problem, for the window's words. */
  problem?: Problem | null;
}
