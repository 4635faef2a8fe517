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
        `(${cause instanceof Error ? cause.message : String(cause)}). It has not been changed.`,
    );
  }
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
