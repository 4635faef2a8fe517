// Export failures carry a stable code so a face can react (e.g. turn 'target-exists' into a question).
export type ExportErrorCode =
  | 'album-not-found'
  | 'album-empty'
  | 'not-colorized'
  | 'bad-option'
  | 'bad-target'
  | 'target-exists'
  | 'file-missing'
  | 'cancelled';

export class ExportError extends Error {
  constructor(readonly code: ExportErrorCode, message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
