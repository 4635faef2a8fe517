// The outputs table: every colorized (or restored) version of a photo, and which one is in use
// (originals.current_output_id, pinned by the family or kept by version-choice.ts, else the newest). The contract of each method
// is documented on Catalogue, which delegates here.
import { CodedError } from '../../contract/problems';
import { toOutput, type RawOutput } from './rows';
import { toStoredPath } from './stored-paths';
import type { TableContext } from './table-context';
import type { OutputInput, OutputRow } from './types';
import { versionToKeep } from './version-choice';

export class OutputsTable {
  constructor(private readonly ctx: TableContext) {}

  addOutput(input: OutputInput): OutputRow {
    const pinned = this.ctx.st('SELECT current_output_id AS id FROM originals WHERE id = ?').get(input.originalId) as
      { id: number | null } | undefined;
    const keep = versionToKeep(pinned?.id ?? null, this.latestOutput(input.originalId), input.params);
    this.ctx.st('UPDATE originals SET current_output_id = ? WHERE id = ?').run(keep, input.originalId);
    const raw = this.ctx
      .st(
        `INSERT INTO outputs (original_id, checkpoint_id, params_json, path, width, height, created_at, sha256)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        input.originalId,
        input.checkpointId,
        JSON.stringify(input.params),
        toStoredPath(this.ctx.libraryRoot, input.path),
        input.width ?? null,
        input.height ?? null,
        this.ctx.now(),
        input.sha256 ?? null,
      ) as RawOutput;
    return toOutput(this.ctx.libraryRoot, raw);
  }

  getOutput(id: number): OutputRow | undefined {
    const raw = this.ctx.st('SELECT * FROM outputs WHERE id = ?').get(id) as RawOutput | undefined;
    return raw && toOutput(this.ctx.libraryRoot, raw);
  }

  listOutputs(originalId: number): OutputRow[] {
    const rows = this.ctx.st('SELECT * FROM outputs WHERE original_id = ? ORDER BY created_at DESC, id DESC').all(originalId) as RawOutput[];
    return rows.map((r) => toOutput(this.ctx.libraryRoot, r));
  }

  latestOutput(originalId: number): OutputRow | undefined {
    const raw = this.ctx
      .st(
        `SELECT x.* FROM outputs x JOIN originals o ON o.id = x.original_id WHERE x.original_id = ?
       ORDER BY (x.id = o.current_output_id) DESC, x.created_at DESC, x.id DESC LIMIT 1`,
      )
      .get(originalId) as RawOutput | undefined;
    return raw && toOutput(this.ctx.libraryRoot, raw);
  }

  setCurrentOutput(originalId: number, outputId: number | null): void {
    if (outputId !== null && this.getOutput(outputId)?.originalId !== originalId) {
      throw new CodedError('version.notOfPhoto', {}, `Version ${outputId} is not a version of photo ${originalId}.`);
    }
    const res = this.ctx.st('UPDATE originals SET current_output_id = ? WHERE id = ?').run(outputId, originalId);
    if (res.changes === 0) throw new CodedError('photo.notInLibrary', { id: originalId }, `No photo with id ${originalId}.`);
  }

  deleteOutput(outputId: number): OutputRow | undefined {
    const row = this.getOutput(outputId);
    if (row) this.ctx.st('DELETE FROM outputs WHERE id = ?').run(outputId);
    return row;
  }

  findOutputBySha(sha256: string): OutputRow | undefined {
    const raw = this.ctx.st('SELECT * FROM outputs WHERE sha256 = ? LIMIT 1').get(sha256) as RawOutput | undefined;
    return raw && toOutput(this.ctx.libraryRoot, raw);
  }
}
