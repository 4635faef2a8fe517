// Export failures carry a stable code so a face can react (e.g. turn 'target-exists' into a question).
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
  | 'file-missing'
  | 'cancelled';

/** Why a place can never take an export (code 'unsafe-target'; see target-safety.ts). */
export type UnsafeReason = 'root' | 'home' | 'library' | 'originals';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly reason?: UnsafeReason,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}
