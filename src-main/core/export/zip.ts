// Writes an album archive with yazl: files are stored, not deflated (photos are already
// compressed), names in UTF-8, ZIP64 records only when an archive needs them. Streams from disk, so
// an album of any size never sits in memory and the event loop stays free while it is written.
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** Name inside the archive, forward slashes. */
  name: string;
  file: string;
}

/**
 * Writes the archive to `outFile` (which must not exist: the caller renames it into place afterwards),
 * and flushes it to disk. `comment`: the archive comment (printable ASCII, at most 65535 bytes), e.g.
 * the mark that Heirloom made it.
 */
export async function writeZip(outFile: string, entries: readonly ZipEntry[], comment = ''): Promise<void> {
  if (comment.length > 0xffff || /[^\x20-\x7e]/.test(comment)) throw new Error('a ZIP comment must be printable ASCII, at most 65535 bytes');
  const zip = new ZipFile();
  for (const e of entries) zip.addFile(e.file, e.name, { compress: false, mode: 0o100644 });
  zip.end({ comment, forceZip64Format: false }); // ZIP64 records are still written when needed
  const out = fs.createWriteStream(outFile, { flags: 'wx', mode: 0o644, flush: true });
  await pipeline(zip.outputStream, out);
}
