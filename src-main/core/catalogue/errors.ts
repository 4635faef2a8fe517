// Errors the UI and CLI show to people as they are, so the messages say what happened and what to do.

/** The catalogue was written by a newer Heirloom; it is left exactly as it was. */
export class CatalogueTooNewError extends Error {
  override readonly name = 'CatalogueTooNewError';
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `This library was written by a newer version of Heirloom (schema ${fileVersion}, ` +
        `this version knows ${knownVersion}). Update Heirloom to open it.`,
    );
  }
}

/** The file is not an SQLite database at all (or its header is damaged); it is left as it was. */
export class CatalogueUnreadableError extends Error {
  override readonly name = 'CatalogueUnreadableError';
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(
      `The catalogue ${file} cannot be read: it is not a Heirloom catalogue or it is damaged ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). It has not been changed. ` +
        `If it is your catalogue, run \`heirloom doctor --repair\` to set it aside and restore the newest backup.`,
    );
  }
}

/**
 * SQLite found the catalogue damaged: on opening (its quick check failed; the file was left untouched)
 * or later, during work (a "malformed" error; Heirloom stops instead of writing more to it).
 */
export class CatalogueCorruptError extends Error {
  override readonly name = 'CatalogueCorruptError';
  constructor(
    readonly file: string,
    /** What SQLite reported, e.g. its integrity check's first problems or "database disk image is malformed". */
    readonly problems: string,
    readonly when: 'open' | 'work',
  ) {
    super(
      `The catalogue ${file} is damaged (SQLite reports: ${firstLines(problems)}). ` +
        (when === 'open' ? 'Heirloom has left it untouched. ' : 'Heirloom stopped before writing anything more to it. ') +
        'Run `heirloom doctor --repair` to set the damaged file aside and restore the newest good backup.',
    );
  }
}

/** The catalogue file vanished (or was replaced) while in use: nothing more is written to it. */
export class LibraryVanishedError extends Error {
  override readonly name = 'LibraryVanishedError';
  constructor(
    readonly libraryRoot: string,
    readonly file: string,
  ) {
    super(
      `The library folder ${libraryRoot} disappeared while working (its catalogue ${file} was removed or replaced); ` +
        'nothing more was written. Put the folder back, or choose another library, and run the command again.',
    );
  }
}

/** SQLITE_CORRUPT (any extended code), SQLITE_NOTADB, or SQLite's "malformed" message. */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) return true;
  return err instanceof Error && /database disk image is malformed|file is not a database/i.test(err.message);
}

function firstLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('*** in database'));
  const shown = lines.slice(0, 2).join('; ');
  return lines.length > 2 ? `${shown}; and ${lines.length - 2} more` : shown || 'unknown problem';
}

/** A forward migration failed; its transaction was rolled back, so the catalogue is still at `fromVersion`. */
export class CatalogueMigrationError extends Error {
  override readonly name = 'CatalogueMigrationError';
  constructor(
    readonly file: string,
    readonly fromVersion: number,
    readonly toVersion: number,
    override readonly cause: unknown,
  ) {
    super(
      `Could not update the catalogue ${file} from schema ${fromVersion} to ${toVersion}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Nothing was changed.`,
    );
  }
}
