// One error type for everything that can be wrong with a user's photo file, with a message a
// person can act on. Batches catch it per file and carry on with the others. Each carries a problem
// (contract/problems.ts) so the window says it in its own language.
import * as path from 'node:path';
import { NOT_AN_IMAGE, type Problem, type ProblemCode, type ProblemParams } from '../../contract/problems';

export type PhotoErrorCode = 'not-found' | 'empty' | 'not-an-image' | 'damaged' | 'too-large' | 'unsupported' | 'write-failed' | 'disk-full';

const PROBLEM: Record<PhotoErrorCode, ProblemCode> = {
  'not-found': 'photo.notFound',
  empty: 'photo.empty',
  'not-an-image': 'photo.notAnImage',
  damaged: 'photo.damaged',
  'too-large': 'photo.tooLarge',
  unsupported: 'photo.unsupported',
  'write-failed': 'photo.writeFailed',
  'disk-full': 'photo.diskFull',
};

export class PhotoError extends Error {
  readonly problem: Problem;
  constructor(
    public readonly code: PhotoErrorCode,
    public readonly file: string,
    message: string,
    /** A more precise problem than the code's own (its file's name is added). */
    problem?: { code: ProblemCode; params?: ProblemParams },
  ) {
    super(message);
    this.name = 'PhotoError';
    this.problem = { code: problem?.code ?? PROBLEM[code], params: { name: path.basename(file), ...problem?.params } };
  }
}

/** Maps libvips / Node errors onto a PhotoError a user can understand. */
export function explainReadError(file: string, e: unknown): PhotoError {
  if (e instanceof PhotoError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT') return new PhotoError('not-found', file, 'file not found (was it moved or deleted?)');
  if (code === 'EACCES' || code === 'EPERM')
    return new PhotoError('not-found', file, 'no permission to read this file', { code: 'photo.noPermission' });
  if (/unsupported image format|Input file contains unsupported|not a known file format|bad seek/i.test(msg)) {
    return new PhotoError('not-an-image', file, NOT_AN_IMAGE);
  }
  if (/premature end|truncat|corrupt|bad huffman|invalid|unexpected end|read error|extraneous|crc/i.test(msg)) {
    return new PhotoError('damaged', file, 'the image file is damaged or incomplete (truncated)');
  }
  if (/pixel limit/i.test(msg)) return new PhotoError('too-large', file, 'the image is too large to process');
  const detail = msg.split('\n')[0];
  return new PhotoError('damaged', file, `the image could not be decoded (${detail})`, { code: 'photo.undecodable', params: { detail } });
}

export function explainWriteError(file: string, e: unknown): PhotoError {
  if (e instanceof PhotoError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new PhotoError('disk-full', file, 'the disk is full: the result could not be saved (nothing was overwritten)');
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (/no space left/i.test(msg))
    return new PhotoError('disk-full', file, 'the disk is full: the result could not be saved (nothing was overwritten)');
  return new PhotoError('write-failed', file, `the result could not be saved (${msg})`, { code: 'photo.writeFailed', params: { detail: msg } });
}
