// Typed rows returned by the Catalogue (camelCase; JSON columns parsed; library-internal paths made absolute).
import type { Problem } from '../../contract/problems';

export type JsonObject = { [key: string]: unknown };

export interface OriginalRow {
  readonly id: number;
  /** Absolute path where the user keeps the file (never inside the app's control). */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number | null;
  readonly width: number | null;
  readonly height: number | null;
  /** ISO date/time from EXIF, if any. */
  readonly takenAt: string | null;
  readonly camera: string | null;
  readonly importedAt: string;
  readonly thumbPath: string | null;
  readonly missing: boolean;
  /** The version the person chose to keep in use (null: the newest is used). */
  readonly currentOutputId: number | null;
}

/** A gallery row: the original plus its newest colorized output, if any. */
export interface OriginalListRow extends OriginalRow {
  readonly hasOutput: boolean;
  readonly latestOutputId: number | null;
  readonly latestOutputPath: string | null;
}

export interface OriginalInput {
  readonly path: string;
  readonly sha256: string;
  readonly bytes?: number | null;
  readonly width?: number | null;
  readonly height?: number | null;
  readonly takenAt?: string | null;
  readonly camera?: string | null;
}

/** 'taken': oldest first, undated last. 'name': file name A→Z. 'imported': newest import first. */
export type OriginalSort = 'taken' | 'name' | 'imported';
export type OriginalFilter = 'all' | 'colorized' | 'uncolorized';

export interface ListOriginalsOptions {
  readonly sort?: OriginalSort;
  readonly filter?: OriginalFilter;
  readonly limit?: number;
  readonly offset?: number;
}

export type CheckpointKind = 'shipped' | 'finetuned';

export interface CheckpointRow {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly path: string;
  readonly kind: CheckpointKind;
  readonly createdAt: string;
  readonly metrics: JsonObject | null;
  readonly dataSummary: JsonObject | null;
  readonly active: boolean;
}

export interface CheckpointInput {
  readonly id: string;
  readonly name: string;
  readonly parentId?: string | null;
  readonly path: string;
  readonly kind: CheckpointKind;
  readonly createdAt?: string;
  readonly metrics?: JsonObject | null;
  readonly dataSummary?: JsonObject | null;
}

export interface OutputRow {
  readonly id: number;
  readonly originalId: number;
  readonly checkpointId: string;
  readonly params: JsonObject;
  readonly path: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly createdAt: string;
  /** sha256 of the file as written (null for outputs made before v3). */
  readonly sha256: string | null;
}

export interface OutputInput {
  readonly originalId: number;
  readonly checkpointId: string;
  readonly params: JsonObject;
  readonly sha256?: string;
  /** Must already be renamed into place: a row may only point at a complete file. */
  readonly path: string;
  readonly width?: number | null;
  readonly height?: number | null;
}

export interface AlbumRow {
  readonly id: number;
  readonly name: string;
  readonly coverOriginalId: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AlbumSummary extends AlbumRow {
  readonly itemCount: number;
  /** The chosen cover, else the first photo in the album, else null. */
  readonly effectiveCoverId: number | null;
}

export interface AlbumItemRow {
  readonly albumId: number;
  readonly originalId: number;
  readonly position: number;
  /** The output chosen for this album, if any (else use original.latestOutputId). */
  readonly outputId: number | null;
  /** Caption for this album (null: show the photo's name). */
  readonly caption: string | null;
  readonly original: OriginalListRow;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export type JobItemStatus = 'pending' | 'done' | 'failed' | 'skipped';

export interface JobRow {
  readonly id: number;
  readonly kind: string;
  readonly status: JobStatus;
  readonly params: JsonObject | null;
  readonly progressDone: number;
  readonly progressTotal: number;
  readonly error: string | null;
  /** The error's problem (contract/problems.ts), when one was recorded with it; 'unexpected' for older rows. */
  readonly problem: Problem | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface JobItemRow {
  readonly jobId: number;
  readonly seq: number;
  readonly input: string;
  readonly status: JobItemStatus;
  readonly outputId: number | null;
  readonly error: string | null;
  readonly problem: Problem | null;
  /** The output file this item writes, chosen before writing so a resumed job reuses it. */
  readonly plannedOutput: string | null;
  /** The sha256 of the bytes this item was about to write at plannedOutput (null: planned before v6, unknown). */
  readonly plannedSha256: string | null;
}

export interface ListJobsOptions {
  readonly status?: JobStatus | readonly JobStatus[];
  readonly limit?: number;
}
