// Raw SQLite rows (snake_case, 0/1, JSON text, stored paths) → the typed rows in types.ts.
import { readStoredProblem, type Problem } from '../../contract/problems';
import { fromStoredPath } from './stored-paths';
import type {
  AlbumRow,
  AlbumSummary,
  CheckpointKind,
  CheckpointRow,
  JobItemRow,
  JobItemStatus,
  JobRow,
  JobStatus,
  JsonObject,
  OriginalListRow,
  OriginalRow,
  OutputRow,
} from './types';

export interface RawOriginal {
  id: number;
  path: string;
  sha256: string;
  bytes: number | null;
  width: number | null;
  height: number | null;
  taken_at: string | null;
  camera: string | null;
  imported_at: string;
  thumb_path: string | null;
  missing: number;
  /** Absent in rows selected by column list before v5. */
  current_output_id?: number | null;
}
export interface RawOriginalList extends RawOriginal {
  latest_output_id: number | null;
  latest_output_path: string | null;
}
export interface RawCheckpoint {
  id: string;
  name: string;
  parent_id: string | null;
  path: string;
  kind: string;
  created_at: string;
  metrics_json: string | null;
  data_summary_json: string | null;
  active: number;
}
export interface RawOutput {
  id: number;
  original_id: number;
  checkpoint_id: string;
  params_json: string;
  path: string;
  width: number | null;
  height: number | null;
  created_at: string;
  sha256: string | null;
}
export interface RawAlbum {
  id: number;
  name: string;
  cover_original_id: number | null;
  created_at: string;
  updated_at: string;
}
export interface RawAlbumSummary extends RawAlbum {
  item_count: number;
  effective_cover_id: number | null;
}
export interface RawJob {
  id: number;
  kind: string;
  status: string;
  params_json: string | null;
  progress_done: number;
  progress_total: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}
export interface RawJobItem {
  job_id: number;
  seq: number;
  input: string;
  status: string;
  output_id: number | null;
  error: string | null;
  planned_output: string | null;
  planned_sha256: string | null;
}

function parseJson(text: string | null): JsonObject | null {
  return text === null ? null : (JSON.parse(text) as JsonObject);
}

export function toOriginal(root: string, r: RawOriginal): OriginalRow {
  return {
    id: r.id,
    path: r.path,
    sha256: r.sha256,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    takenAt: r.taken_at,
    camera: r.camera,
    importedAt: r.imported_at,
    thumbPath: r.thumb_path === null ? null : fromStoredPath(root, r.thumb_path),
    missing: r.missing !== 0,
    currentOutputId: r.current_output_id ?? null,
  };
}

export function toOriginalList(root: string, r: RawOriginalList): OriginalListRow {
  return {
    ...toOriginal(root, r),
    hasOutput: r.latest_output_id !== null,
    latestOutputId: r.latest_output_id,
    latestOutputPath: r.latest_output_path === null ? null : fromStoredPath(root, r.latest_output_path),
  };
}

export function toCheckpoint(root: string, r: RawCheckpoint): CheckpointRow {
  return {
    id: r.id,
    name: r.name,
    parentId: r.parent_id,
    path: fromStoredPath(root, r.path),
    kind: r.kind as CheckpointKind,
    createdAt: r.created_at,
    metrics: parseJson(r.metrics_json),
    dataSummary: parseJson(r.data_summary_json),
    active: r.active !== 0,
  };
}

export function toOutput(root: string, r: RawOutput): OutputRow {
  return {
    id: r.id,
    originalId: r.original_id,
    checkpointId: r.checkpoint_id,
    params: parseJson(r.params_json) ?? {},
    path: fromStoredPath(root, r.path),
    width: r.width,
    height: r.height,
    createdAt: r.created_at,
    sha256: r.sha256,
  };
}

export function toAlbum(r: RawAlbum): AlbumRow {
  return {
    id: r.id,
    name: r.name,
    coverOriginalId: r.cover_original_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toAlbumSummary(r: RawAlbumSummary): AlbumSummary {
  return { ...toAlbum(r), itemCount: r.item_count, effectiveCoverId: r.effective_cover_id };
}

/** A job's or item's error column: the English message, and its problem when one was stored with it. */
function storedError(text: string | null): { error: string | null; problem: Problem | null } {
  if (text === null) return { error: null, problem: null };
  const r = readStoredProblem(text);
  return { error: r.message, problem: r.problem };
}

export function toJob(r: RawJob): JobRow {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status as JobStatus,
    params: parseJson(r.params_json),
    progressDone: r.progress_done,
    progressTotal: r.progress_total,
    ...storedError(r.error),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toJobItem(r: RawJobItem): JobItemRow {
  return {
    jobId: r.job_id,
    seq: r.seq,
    input: r.input,
    status: r.status as JobItemStatus,
    outputId: r.output_id,
    ...storedError(r.error),
    plannedOutput: r.planned_output,
    plannedSha256: r.planned_sha256,
  };
}
