// What went wrong, in the window's language: the core sends a problem (a code and its parameters,
// src-main/contract/problems.ts) with every error; the words for each code are in locales/*.json
// ("problem.<code>"). Only an 'unexpected' problem shows the core's own (English) detail.
import type { FileError, Problem } from '../../src-main/api/types';
import { problemOf } from '../../src-main/contract/problems';
import { t } from './i18n.svelte';

/** A problem in words; 'unexpected' gives its detail as it is (the caller's sentence says it went wrong). */
export function problemText(p: Problem | null | undefined, fallback = ''): string {
  if (!p) return fallback;
  if (p.code === 'unexpected') return String(p.params.detail ?? fallback);
  return t(`problem.${p.code}`, p.params);
}

/** A refused call or a failure, as a sentence of its own: an unexpected one is "Something went wrong: …". */
export function errorText(e: unknown): string {
  const p = problemOf(e);
  return p.code === 'unexpected' ? t('error.generic', { message: String(p.params.detail) }) : problemText(p);
}

/** For a sentence that already says what failed ("Could not preview: …"): the problem's words, or the bare detail. */
export function errorDetail(e: unknown): string {
  return problemText(problemOf(e));
}

/**
 * One file's problem in a list that names the file first ("broken.jpg — not an image…"): the code's
 * words without the name ("problem.<code>.file") where it has them, else its usual words, else the core's sentence.
 */
export function fileErrorText(fe: FileError): string {
  const p = fe.problem;
  if (!p || p.code === 'unexpected') return fe.error;
  const short = t(`problem.${p.code}.file`, p.params);
  return short === `problem.${p.code}.file` ? problemText(p) : short;
}

/** A job's reason for failing as a whole. */
export function jobMessage(job: { message: string | null; problem?: Problem | null }): string {
  return job.problem && job.problem.code !== 'unexpected' ? problemText(job.problem) : (job.message ?? '');
}
