// The model_checkpoints table: the shipped model and every fine-tune made from the family's photos,
// with which one is active. The contract of each method is documented on Catalogue, which delegates here.
import { toCheckpoint, type RawCheckpoint } from './rows';
import { toStoredPath } from './stored-paths';
import { jsonOrNull, type TableContext } from './table-context';
import type { CheckpointInput, CheckpointRow } from './types';

export class CheckpointsTable {
  constructor(private readonly ctx: TableContext) {}

  registerCheckpoint(input: CheckpointInput): CheckpointRow {
    const raw = this.ctx
      .st(
        `INSERT INTO model_checkpoints (id, name, parent_id, path, kind, created_at, metrics_json, data_summary_json)
       VALUES (@id, @name, @parentId, @path, @kind, @createdAt, @metrics, @dataSummary)
       ON CONFLICT (id) DO UPDATE SET
         name = excluded.name,
         path = excluded.path,
         metrics_json = coalesce(excluded.metrics_json, model_checkpoints.metrics_json),
         data_summary_json = coalesce(excluded.data_summary_json, model_checkpoints.data_summary_json)
       RETURNING *`,
      )
      .get({
        id: input.id,
        name: input.name,
        parentId: input.parentId ?? null,
        path: toStoredPath(this.ctx.libraryRoot, input.path),
        kind: input.kind,
        createdAt: input.createdAt ?? this.ctx.now(),
        metrics: jsonOrNull(input.metrics),
        dataSummary: jsonOrNull(input.dataSummary),
      }) as RawCheckpoint;
    return toCheckpoint(this.ctx.libraryRoot, raw);
  }

  getCheckpoint(id: string): CheckpointRow | undefined {
    const raw = this.ctx.st('SELECT * FROM model_checkpoints WHERE id = ?').get(id) as RawCheckpoint | undefined;
    return raw && toCheckpoint(this.ctx.libraryRoot, raw);
  }

  listCheckpoints(): CheckpointRow[] {
    const rows = this.ctx.st('SELECT * FROM model_checkpoints ORDER BY created_at ASC, id ASC').all() as RawCheckpoint[];
    return rows.map((r) => toCheckpoint(this.ctx.libraryRoot, r));
  }

  setActiveCheckpoint(id: string): CheckpointRow {
    return this.ctx.transaction(() => {
      if (!this.getCheckpoint(id)) throw new Error(`No model checkpoint with id "${id}".`);
      this.ctx.st('UPDATE model_checkpoints SET active = 0 WHERE active = 1 AND id <> ?').run(id);
      this.ctx.st('UPDATE model_checkpoints SET active = 1 WHERE id = ?').run(id);
      return this.getCheckpoint(id)!;
    });
  }

  getActiveCheckpoint(): CheckpointRow | undefined {
    const raw = this.ctx.st('SELECT * FROM model_checkpoints WHERE active = 1').get() as RawCheckpoint | undefined;
    return raw && toCheckpoint(this.ctx.libraryRoot, raw);
  }
}
