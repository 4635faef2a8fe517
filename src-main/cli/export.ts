// `heirloom export <album> --to <folder>`: the album's colorized photos as a folder, ZIP and/or web album.
import { ExportError, type ExportOptions } from '../core/export';
import { HeirloomCore } from '../core/service/heirloom-core';

export interface ExportCliOptions extends ExportOptions {
  library?: string;
  to: string;
  confirmPlace?: boolean;
}

export async function runExportCli(ref: string, o: ExportCliOptions): Promise<number> {
  const core = HeirloomCore.open({ library: o.library, holder: '`heirloom export`' });
  const ctrl = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nheirloom: stopping after the current file…\n');
    ctrl.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const album = core.albums.resolve(ref);
    const res = await core.albums.export(album.id, o.to, {
      format: o.format,
      maxSize: o.maxSize,
      quality: o.quality,
      names: o.names,
      withOriginals: o.withOriginals,
      originalsForUncolorized: o.originalsForUncolorized,
      zip: o.zip,
      html: o.html,
      overwrite: o.overwrite,
      placeConfirmed: o.confirmPlace,
      signal: ctrl.signal,
      onProgress: (p) => {
        if (p.phase === 'photos' && p.photo) process.stderr.write(`[${p.done}/${p.total}] ${p.photo.name}\n`);
        else if (p.phase === 'zip') process.stderr.write('writing the ZIP archive…\n');
      },
    });
    const reused = res.reused ? ` (${res.reused} file(s) reused from the interrupted run)` : '';
    process.stderr.write(`heirloom: exported ${res.photos} photo(s) of "${album.name}"${reused} → ${res.target}\n`);
    if (res.kept)
      process.stderr.write(`heirloom: kept ${res.kept} ${res.kept === 1 ? 'file' : 'files'} that Heirloom did not write (in ${res.target})\n`);
    if (res.html) process.stderr.write(`heirloom: web album: ${res.html}\n`);
    process.stdout.write(res.target + '\n');
    return 0;
  } catch (e) {
    if (e instanceof ExportError && e.code === 'target-exists') {
      process.stderr.write(`heirloom: ${e.message.split(';')[0]}; nothing was changed. Add --overwrite to replace it.\n`);
      return 1;
    }
    if (e instanceof ExportError && e.code === 'place-warning') {
      process.stderr.write(`heirloom: ${e.message.split(';')[0]}; nothing was written. Add --confirm-place to export there anyway.\n`);
      return 1;
    }
    if (e instanceof ExportError && (e.code === 'not-an-export' || e.code === 'unsafe-target' || e.code === 'user-files-in-the-way')) {
      process.stderr.write(`heirloom: ${e.message}.\n`);
      if (o.overwrite && e.code === 'not-an-export')
        process.stderr.write('heirloom: --overwrite replaces only a folder or .zip that an earlier Heirloom export made.\n');
      return 1;
    }
    if (e instanceof ExportError && e.code === 'not-colorized') {
      process.stderr.write(`heirloom: ${e.message}.\n`);
      process.stderr.write('heirloom: colorize them (heirloom colorize), or add --originals-for-uncolorized to export their originals instead.\n');
      return 1;
    }
    if (e instanceof ExportError && e.code === 'cancelled') {
      process.stderr.write(`heirloom: ${e.message}\n`);
      return 130;
    }
    process.stderr.write(`heirloom: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    core.close();
  }
}
