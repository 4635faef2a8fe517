// `heirloom colorize … --hints <file.json>`: a JSON array of hints for a single input, or an object
// keyed by input file name (or path) for several. Every problem is reported with the file and the
// entry it is in, so a family member can fix it by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PointHint, PointHintSchema, MAX_HINTS } from './point-hints';

export class HintsFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'HintsFileError';
  }
}

function parseList(file: string, where: string, value: unknown): PointHint[] {
  if (!Array.isArray(value)) throw new HintsFileError(file, `${where} must be a list of hints like [{ "x": 0.42, "y": 0.31, "color": "#3a5fa0" }]`);
  if (value.length > MAX_HINTS) throw new HintsFileError(file, `${where} has ${value.length} hints; at most ${MAX_HINTS} are allowed`);
  return value.map((entry, i) => {
    const r = PointHintSchema.safeParse(entry);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const field = issue.path.length ? `"${issue.path.join('.')}"` : 'the entry';
    const what = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : `${field}: ${issue.message}`;
    throw new HintsFileError(file, `${where}, hint ${i + 1}: ${what}`);
  });
}

/**
 * Reads a hints file for the given inputs: input path → its hints. A plain list needs exactly one
 * input; an object's keys must each name one of the inputs (by file name or path).
 */
export function readHintsFile(file: string, inputs: readonly string[]): Map<string, PointHint[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HintsFileError(
      file,
      code === 'ENOENT' ? 'no such file' : code ? `cannot be read (${code})` : `is not valid JSON (${(e as Error).message})`,
    );
  }
  const out = new Map<string, PointHint[]>();
  if (Array.isArray(raw)) {
    if (inputs.length !== 1)
      throw new HintsFileError(file, `a plain list of hints fits one photo, but ${inputs.length} were given; key the hints by file name instead`);
    out.set(path.resolve(inputs[0]), parseList(file, 'the list', raw));
    return out;
  }
  if (!raw || typeof raw !== 'object') throw new HintsFileError(file, 'must be a list of hints, or an object keyed by photo file name');
  for (const [key, value] of Object.entries(raw)) {
    const matches = inputs.filter((f) => path.resolve(f) === path.resolve(key) || path.basename(f) === key);
    if (matches.length === 0) throw new HintsFileError(file, `"${key}" is not one of the photos being colorized`);
    if (matches.length > 1) throw new HintsFileError(file, `"${key}" names ${matches.length} photos; use its path instead`);
    out.set(path.resolve(matches[0]), parseList(file, `"${key}"`, value));
  }
  return out;
}
