// The jobs and job_items tables: long-running work (colorize a folder, fine-tune, ...) as a job with
// one item per input, so progress survives a crash and a job can be resumed. The contract of each
// method is documented on Catalogue, which delegates here.
import { storeProblem, type Problem } from '../../contract/problems';
import { toJob, toJobItem, type RawJob, type RawJobItem } from './rows';
import { checkCount, jsonOrNull, type TableContext } from './table-context';
import type { JobItemRow, JobItemStatus, JobRow, JobStatus, JsonObject, ListJobsOptions } from './types';

const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'];

export class JobsTable {
  constructor(private readonly ctx: TableContext) {}

  /**
   * Assumes one Heirloom process per library (the app/CLI must hold a single-instance lock): then a job still
   * 'running' when the catalogue is opened was left behind by a process that died.
   */
  markCrashedJobsInterrupted(): number[] {
    const rows = this.ctx.st("UPDATE jobs SET status = 'interrupted', updated_at = ? WHERE status = 'running' RETURNING id").all(this.ctx.now()) as {
      id: number;
    }[];
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  createJob(kind: string, params: JsonObject | null, inputs: readonly string[]): JobRow {
    return this.ctx.transaction(() => {
      const ts = this.ctx.now();
      const raw = this.ctx
        .st(
          `INSERT INTO jobs (kind, status, params_json, progress_done, progress_total, created_at, updated_at)
         VALUES (?, 'queued', ?, 0, ?, ?, ?) RETURNING *`,
        )
        .get(kind, jsonOrNull(params), inputs.length, ts, ts) as RawJob;
      const addItem = this.ctx.st(`INSERT INTO job_items (job_id, seq, input, status) VALUES (?, ?, ?, 'pending')`);
      inputs.forEach((input, seq) => addItem.run(raw.id, seq, input));
      return toJob(raw);
    });
  }

  getJob(id: number): JobRow | undefined {
    const raw = this.ctx.st('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return raw && toJob(raw);
  }

  updateJobStatus(id: number, status: JobStatus, error: string | null = null, problem?: Problem): JobRow {
    if (!JOB_STATUSES.includes(status)) throw new Error(`Unknown job status "${status}".`);
    const raw = this.ctx
      .st('UPDATE jobs SET status = ?, error = ?, updated_at = ? WHERE id = ? RETURNING *')
      .get(status, error === null ? null : storeProblem(error, problem), this.ctx.now(), id) as RawJob | undefined;
    if (!raw) throw new Error(`No job with id ${id}.`);
    return toJob(raw);
  }

  setJobItem(
    jobId: number,
    seq: number,
    status: JobItemStatus,
    outputId: number | null = null,
    error: string | null = null,
    problem?: Problem,
  ): JobRow {
    return this.ctx.transaction(() => {
      const res = this.ctx
        .st('UPDATE job_items SET status = ?, output_id = ?, error = ? WHERE job_id = ? AND seq = ?')
        .run(status, outputId, error === null ? null : storeProblem(error, problem), jobId, seq);
      if (res.changes === 0) throw new Error(`Job ${jobId} has no item ${seq}.`);
      // Recount rather than increment: setting the same item twice (e.g. after a resume) stays correct.
      const raw = this.ctx
        .st(
          `UPDATE jobs SET updated_at = ?, progress_done =
           (SELECT count(*) FROM job_items WHERE job_id = ? AND status <> 'pending')
         WHERE id = ? RETURNING *`,
        )
        .get(this.ctx.now(), jobId, jobId) as RawJob;
      return toJob(raw);
    });
  }

  listJobs(options: ListJobsOptions = {}): JobRow[] {
    const statuses = options.status === undefined ? JOB_STATUSES : ([] as JobStatus[]).concat(options.status);
    const limit = options.limit === undefined ? -1 : checkCount('limit', options.limit);
    // json_each keeps this one prepared statement for any set of statuses.
    const rows = this.ctx
      .st('SELECT * FROM jobs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?')
      .all(JSON.stringify(statuses), limit) as RawJob[];
    return rows.map(toJob);
  }

  jobItems(jobId: number): JobItemRow[] {
    const rows = this.ctx.st('SELECT * FROM job_items WHERE job_id = ? ORDER BY seq').all(jobId) as RawJobItem[];
    return rows.map(toJobItem);
  }

  addJobItems(jobId: number, inputs: readonly string[]): void {
    this.ctx.transaction(() => {
      const next = (this.ctx.st('SELECT COALESCE(MAX(seq), -1) + 1 AS n FROM job_items WHERE job_id = ?').get(jobId) as { n: number }).n;
      const add = this.ctx.st(`INSERT INTO job_items (job_id, seq, input, status) VALUES (?, ?, ?, 'pending')`);
      inputs.forEach((input, i) => add.run(jobId, next + i, input));
      this.ctx.st('UPDATE jobs SET progress_total = progress_total + ? WHERE id = ?').run(inputs.length, jobId);
    });
  }

  planItemOutput(jobId: number, seq: number, file: string, sha256: string): void {
    this.ctx.st('UPDATE job_items SET planned_output = ?, planned_sha256 = ? WHERE job_id = ? AND seq = ?').run(file, sha256, jobId, seq);
  }

  findResumableJob(kind: string, resumeKey: string): JobRow | undefined {
    const raw = this.ctx
      .st(
        `SELECT * FROM jobs WHERE kind = ? AND json_extract(params_json, '$.resumeKey') = ?
         AND status IN ('queued', 'interrupted', 'cancelled', 'failed')
         AND EXISTS (SELECT 1 FROM job_items WHERE job_id = jobs.id AND status = 'pending')
       ORDER BY id DESC LIMIT 1`,
      )
      .get(kind, resumeKey) as RawJob | undefined;
    return raw && toJob(raw);
  }

  findJobEndedSince(kind: string, resumeKey: string, sinceIso: string): JobRow | undefined {
    const raw = this.ctx
      .st(
        `SELECT * FROM jobs WHERE kind = ? AND json_extract(params_json, '$.resumeKey') = ?
         AND status IN ('done', 'failed') AND updated_at >= ?
       ORDER BY id DESC LIMIT 1`,
      )
      .get(kind, resumeKey, sinceIso) as RawJob | undefined;
    return raw && toJob(raw);
  }

  pendingItems(jobId: number): JobItemRow[] {
    const rows = this.ctx.st("SELECT * FROM job_items WHERE job_id = ? AND status = 'pending' ORDER BY seq").all(jobId) as RawJobItem[];
    return rows.map(toJobItem);
  }
}
