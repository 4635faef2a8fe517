// What went wrong, as a stable code and its parameters: the core says it once, every face words it.
// The window has words for each code in each of its languages (locales/*.json, "problem.<code>"); the
// command line prints the English message the core wrote beside the code. A bottom layer: no imports,
// so the core, the faces and the window all use it (the window at run time too).

/**
 * The words for a file that is not a photo Heirloom reads, the same whether it was given by path,
 * dropped on the window or uploaded, and whether its name or its content gave it away.
 */
export const NOT_AN_IMAGE = 'not an image Heirloom can read (JPEG, PNG, TIFF, WebP, GIF, HEIF, AVIF)';

/** Every code a person may meet. Add one here, then its words to every locale (a unit test checks). */
export const PROBLEM_CODES = [
  /** Nothing more precise is known: `detail` is the English message. */
  'unexpected',
  /** A request the window should never send (its detail is for the log, not for the person). */
  'request.invalid',
  'request.tooLarge',
  'path.empty',
  'path.tooLong',
  'path.nul',
  'path.notAbsolute',
  'name.empty',
  'name.tooLong',
  'name.nul',
  'name.chars',
  'album.nameEmpty',
  'album.nameTaken',
  'album.notFound',
  'album.photoNotIn',
  'album.order',
  'photo.notInLibrary',
  'photo.originalMissing',
  'photo.notFound',
  'photo.noPermission',
  'photo.notAFile',
  'photo.empty',
  'photo.notAnImage',
  'photo.damaged',
  'photo.tooLarge',
  'photo.unsupported',
  'photo.undecodable',
  'photo.diskFull',
  'photo.writeFailed',
  'photo.isResult',
  'photo.wrongFile',
  'locate.notInFolder',
  'import.notFound',
  'import.folderUnreadable',
  'import.brokenLink',
  'import.loopingLink',
  'import.unreadable',
  'import.notAFileOrFolder',
  'import.heirloomExport',
  'import.byDialogOnly',
  'import.dialogDesktopOnly',
  'upload.nameEmpty',
  'upload.nameTooLong',
  'upload.nameChars',
  'upload.nameDots',
  'upload.nameReserved',
  'upload.tooLarge',
  'upload.busy',
  'version.notOfPhoto',
  'library.closing',
  'job.notFound',
  'job.photosFailed',
  'job.notInLibrary',
  'job.workerStopped',
  'model.badId',
  'model.notFound',
  'finetune.noFolder',
  'finetune.folderMissing',
  'finetune.notAFolder',
  'export.noFolder',
  'export.albumEmpty',
  'export.notColorized',
  'export.badOption',
  'export.badTarget',
  'export.targetExists',
  'export.notAnExport',
  'export.userFilesInTheWay',
  'export.unsafeTarget',
  'export.placeWarning',
  'export.fileMissing',
  'restore.maskEdit',
  'window.refused',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];
export type ProblemParams = Record<string, string | number>;

export interface Problem {
  code: ProblemCode;
  params: ProblemParams;
}

const KNOWN = new Set<string>(PROBLEM_CODES);

export function isProblem(p: unknown): p is Problem {
  const o = p as Problem | null;
  return !!o && typeof o === 'object' && typeof o.code === 'string' && KNOWN.has(o.code) && !!o.params && typeof o.params === 'object';
}

/** An error a person may meet: its English message (for the command line and logs) and its problem (for the window's words). */
export class CodedError extends Error {
  readonly problem: Problem;
  constructor(code: ProblemCode, params: ProblemParams, message: string) {
    super(message);
    this.name = 'CodedError';
    this.problem = { code, params };
  }
}

/** The problem an error carries; an error that carries none is 'unexpected', its message the detail. */
export function problemOf(e: unknown): Problem {
  const p = (e as { problem?: unknown } | null)?.problem;
  if (isProblem(p)) return p;
  return { code: 'unexpected', params: { detail: e instanceof Error ? e.message : String(e) } };
}

/** What crosses a boundary in place of a thrown error (IPC, HTTP, the core host): the English message and the problem. */
export interface ErrorReply {
  message: string;
  problem: Problem;
}

export function errorReply(e: unknown): ErrorReply {
  return { message: e instanceof Error ? e.message : String(e), problem: problemOf(e) };
}

/** The other side of errorReply: an Error again, with its problem. */
export function fromErrorReply(r: Partial<ErrorReply> | null | undefined, fallback = 'the request failed'): CodedError {
  const message = typeof r?.message === 'string' ? r.message : fallback;
  const p = isProblem(r?.problem) ? r.problem : { code: 'unexpected' as const, params: { detail: message } };
  return new CodedError(p.code, p.params, message);
}

/**
 * A problem kept in a text column (a job's or a job item's error) next to its English message: old rows
 * hold the message alone, which reads back as an 'unexpected' problem with that detail.
 */
export function storeProblem(message: string, problem?: Problem): string {
  return problem && problem.code !== 'unexpected' ? JSON.stringify({ message, problem }) : message;
}

export function readStoredProblem(text: string): { message: string; problem: Problem } {
  if (text.startsWith('{"message"')) {
    try {
      const r = JSON.parse(text) as Partial<ErrorReply>;
      if (typeof r.message === 'string' && isProblem(r.problem)) return { message: r.message, problem: r.problem };
    } catch {
      // not one of ours: the text as it is
    }
  }
  return { message: text, problem: { code: 'unexpected', params: { detail: text } } };
}
