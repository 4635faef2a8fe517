// Export failures carry a stable code so a face can react (e.g. turn 'target-exists' into a question),
// and a problem (contract/problems.ts) for the window's words.
import type { Problem, ProblemCode, ProblemParams } from '../../contract/problems';

export type ExportErrorCode =
  | 'album-not-found'
  | 'album-empty'
  | 'not-colorized'
  | 'bad-option'
  | 'bad-target'
  | 'target-exists'
  | 'not-an-export'
  | 'user-files-in-the-way'
  | 'unsafe-target'
  | 'place-warning'
  | 'file-missing'
  | 'cancelled';

/**
 * Why a place can never take an export (code 'unsafe-target'), or why the person is asked first (code
 * 'place-warning': the new folder would land in a drive's top folder, the home folder itself, or a folder
 * of originals); see target-safety.ts.
 */
export type UnsafeReason = 'root' | 'home' | 'library' | 'originals';

const PROBLEM: Record<ExportErrorCode, ProblemCode> = {
  'album-not-found': 'album.notFound',
  'album-empty': 'export.albumEmpty',
  'not-colorized': 'export.notColorized',
  'bad-option': 'export.badOption',
  'bad-target': 'export.badTarget',
  'target-exists': 'export.targetExists',
  'not-an-export': 'export.notAnExport',
  'user-files-in-the-way': 'export.userFilesInTheWay',
  'unsafe-target': 'export.unsafeTarget',
  'place-warning': 'export.placeWarning',
  'file-missing': 'export.fileMissing',
  cancelled: 'unexpected',
};

export class ExportError extends Error {
  /** For the window's words: the code's problem, with `params` (a 'bad-…' or 'file-missing' one: the message as its detail). */
  readonly problem: Problem;
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly reason?: UnsafeReason,
    params: ProblemParams = {},
  ) {
    super(message);
    this.name = 'ExportError';
    this.problem = { code: PROBLEM[code], params: { detail: message, ...(reason ? { reason } : {}), ...params } };
  }
}
