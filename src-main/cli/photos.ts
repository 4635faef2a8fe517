// `heirloom locate <photo> <file-or-folder>` and `heirloom remove <photo...>`: the window's "Locate…"
// and "Remove from library" for originals that were moved or deleted. Errors carry the same problem
// codes as the window's (printed in brackets), in English.
import type { Command, Option } from 'commander';
import * as path from 'node:path';
import { problemOf } from '../contract/problems';
import { HeirloomCore } from '../core/service/heirloom-core';
import { oneLine } from './one-line';

const photoNumber = (v: string): number => {
  const n = Number(v.replace(/^#/, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`"${v}" is not a photo number (see \`heirloom list\`)`);
  return n;
};

/** "heirloom: <message> [code]": the code is the one the window words. */
const fail = (e: unknown): string => `heirloom: ${(e as Error).message} [${problemOf(e).code}]\n`;

export function addPhotoCommands(program: Command, libraryOption: Option, setExit: (code: number) => void): void {
  program
    .command('locate')
    .description("tell Heirloom where a photo's original is now: the file, or a folder to search for it (by its contents)")
    .argument('<photo>', 'photo number (see `heirloom list`)')
    .argument('<place>', 'the moved file, or a folder to search')
    .addOption(libraryOption)
    .action(async (photo: string, place: string, o: { library?: string }) => {
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom locate`' });
      try {
        const row = await core.locateOriginal(photoNumber(photo), place);
        process.stdout.write(`Photo #${row.id} is at ${oneLine(row.path)}\n`);
        setExit(0);
      } catch (e) {
        process.stderr.write(fail(e));
        setExit(1);
      } finally {
        core.close();
      }
    });
  program
    .command('remove')
    .description('take photos out of the library (and its albums); your own files are never deleted')
    .argument('<photos...>', 'photo numbers (see `heirloom list`)')
    .option('--delete-versions', "also delete the colorized versions Heirloom made of them (files in the library's outputs folder)")
    .addOption(libraryOption)
    .action(async (photos: string[], o: { deleteVersions?: boolean; library?: string }) => {
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom remove`' });
      try {
        const ids = photos.map(photoNumber);
        let code = 0;
        for (const id of ids) {
          const row = core.catalogue.getOriginal(id);
          if (!row) {
            process.stderr.write(`heirloom: no photo #${id} in this library [photo.notInLibrary]\n`);
            code = 1;
            continue;
          }
          const r = core.removePhoto(id, !!o.deleteVersions);
          const kept = r.filesKept.length ? `; ${r.filesKept.length} version file(s) kept: ${r.filesKept.map(oneLine).join(', ')}` : '';
          process.stdout.write(
            `Removed #${id} ${oneLine(path.basename(row.path))} from the library (the file itself was not touched)` +
              `${r.versionsDeleted ? `; ${r.versionsDeleted} version(s) deleted` : ''}${kept}\n`,
          );
        }
        setExit(code);
      } catch (e) {
        process.stderr.write(fail(e));
        setExit(1);
      } finally {
        core.close();
      }
    });
}
