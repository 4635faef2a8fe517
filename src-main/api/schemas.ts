// Every argument that crosses a boundary (IPC, HTTP, the child-process host) is checked here first.
// The per-method schemas are in contract.ts; this file adds the checks that are not one method's argument.
import { z } from 'zod';
import { API_CONTRACT, API_METHODS, fullPath, type ApiMethod } from './contract';
import { CodedError, NOT_AN_IMAGE, type Problem, type ProblemCode } from '../contract/problems';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * The file name of a photo uploaded from a browser window (drag and drop): never a path. Anything that
 * could leave the uploads folder or trip a file system (separators, control characters, `..`, Windows
 * reserved names) is refused outright rather than repaired, so what is stored is what was checked.
 */
export const uploadName = z
  .string()
  .min(1, 'empty file name')
  .max(200, 'file name too long')
  .refine((s) => !/[\u0000-\u001f\u007f/\\:*?"<>|]/.test(s), 'file name contains a character that is not allowed')
  .refine((s) => s.trim() === s && !s.startsWith('.') && !s.endsWith('.'), 'file name starts or ends with a dot or a space')
  .refine((s) => !WINDOWS_RESERVED.test(s), 'file name is reserved on Windows')
  .refine((s) => /\.(jpe?g|png|tiff?|webp|gif|heic|heif|avif|jp2)$/i.test(s), NOT_AN_IMAGE);

/** Desktop drag and drop: real paths the preload got from webUtils.getPathForFile (absolute, bounded). */
export const droppedPaths = z.array(fullPath).min(1).max(1000);

/**
 * exportAlbum as the desktop window sends it: everything but the folder, which the main process asks
 * for with the system dialog. A window that names a folder itself is refused (strict object).
 */
export const desktopExportRequest = API_CONTRACT.exportAlbum.arg.omit({ parentDir: true });

/** The desktop window's fine-tune request: the main process adds the folder the person picks. */
export const desktopFinetuneRequest = API_CONTRACT.startFinetune.arg.omit({ folder: true });

/**
 * The argument rules' own messages (contract.ts, above) as problems the window words; any other issue
 * (a wrong type: the window never sends one) is 'request.invalid'.
 */
const ISSUE_CODES: Record<string, ProblemCode> = {
  'empty path': 'path.empty',
  'path too long': 'path.tooLong',
  'path contains a NUL byte': 'path.nul',
  'not an absolute path': 'path.notAbsolute',
  'an album needs a name': 'album.nameEmpty',
  'a fine-tune needs a name': 'name.empty',
  'name too long': 'name.tooLong',
  'name contains a NUL byte': 'name.nul',
  'use letters, digits, spaces, dots, dashes': 'name.chars',
  'not a model id': 'model.badId',
  'a mask edit is for one photo, with repair on': 'restore.maskEdit',
  'empty file name': 'upload.nameEmpty',
  'file name too long': 'upload.nameTooLong',
  'file name contains a character that is not allowed': 'upload.nameChars',
  'file name starts or ends with a dot or a space': 'upload.nameDots',
  'file name is reserved on Windows': 'upload.nameReserved',
  [NOT_AN_IMAGE]: 'photo.notAnImage',
};

/** The problem of a refused argument: its first issue, as a code (its English words stay in the message). */
export function issueProblem(issues: readonly { message: string }[]): Problem {
  const first = issues[0]?.message ?? '';
  const code = ISSUE_CODES[first];
  return code ? { code, params: {} } : { code: 'request.invalid', params: { detail: first } };
}

/** A refused argument: "invalid argument: path too long" (no method or field names: a person may read it). */
export class ApiArgumentError extends CodedError {
  constructor(message: string, problem: Problem = { code: 'request.invalid', params: { detail: message } }) {
    super(problem.code, problem.params, message);
    this.name = 'ApiArgumentError';
  }
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m);
}

/** Validates one call; throws ApiArgumentError with a readable message. `null` counts as "no argument". */
export function parseCall(method: unknown, arg: unknown): { method: ApiMethod; arg: unknown } {
  if (!isApiMethod(method)) throw new ApiArgumentError(`unknown method ${JSON.stringify(String(method)).slice(0, 60)}`);
  const r = API_CONTRACT[method].arg.safeParse(arg === null ? undefined : arg);
  if (!r.success) throw argumentError(r.error.issues);
  return { method, arg: r.data };
}

/**
 * The error for a refused argument: a rule a person can break (a path too long) in its own words only;
 * any other issue (one the window never sends) with the field it is about, for whoever reads the log.
 */
export function argumentError(issues: readonly { message: string; path?: readonly PropertyKey[] }[]): ApiArgumentError {
  const said = (i: (typeof issues)[number]): string =>
    ISSUE_CODES[i.message] || !i.path?.length ? i.message : `${i.path.map(String).join('.')}: ${i.message}`;
  const words = [...new Set(issues.map(said))].join('; ');
  return new ApiArgumentError(`invalid argument: ${words}`, issueProblem(issues));
}
