// `heirloom album …`: albums in the library (HeirloomCore.albums). Albums by id or exact name, photos by id (see `heirloom list`).
import { Command, InvalidArgumentError, Option } from 'commander';
import * as path from 'node:path';
import type { AlbumSummary } from '../core/catalogue/types';
import { HeirloomCore } from '../core/service/heirloom-core';

function photoId(v: string): number {
  const n = Number(v.replace(/^#/, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`"${v}" is not a photo id (see: heirloom list)`);
  return n;
}

/** Opens the library, runs `fn`, closes it; errors become one line on stderr and exit code 1. */
async function withCore(o: { library?: string }, setExit: (c: number) => void, fn: (core: HeirloomCore) => void | Promise<void>): Promise<void> {
  const core = HeirloomCore.open({ library: o.library, holder: '`heirloom album`' });
  try {
    await fn(core);
    setExit(0);
  } catch (e) {
    process.stderr.write(`heirloom: ${(e as Error).message}\n`);
    setExit(1);
  } finally {
    core.close();
  }
}

function line(a: AlbumSummary): string {
  return `#${a.id}  ${a.name}  (${a.itemCount} photo${a.itemCount === 1 ? '' : 's'}${a.effectiveCoverId ? `, cover #${a.effectiveCoverId}` : ''})`;
}

export function addAlbumCommands(program: Command, libraryOption: Option, setExit: (c: number) => void): void {
  const album = program.command('album').description('make albums of photos: create, add, order, cover, list, show');
  const out = (s: string): boolean => process.stdout.write(s + '\n');

  album
    .command('create')
    .description('create an album')
    .argument('<name>')
    .addOption(libraryOption)
    .action((name: string, o) =>
      withCore(o, setExit, (core) => {
        out(line(core.albums.create(name)));
      }),
    );

  album
    .command('rename')
    .description('rename an album')
    .argument('<album>', 'id or exact name')
    .argument('<new-name>')
    .addOption(libraryOption)
    .action((ref: string, name: string, o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        out(line(core.albums.rename(a.id, name)));
      }),
    );

  album
    .command('delete')
    .description('delete an album (its photos stay in the library)')
    .argument('<album>', 'id or exact name')
    .addOption(libraryOption)
    .action((ref: string, o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        core.albums.delete(a.id);
        out(`deleted album #${a.id} "${a.name}"; its ${a.itemCount} photo(s) are still in the library`);
      }),
    );

  album
    .command('add')
    .description('add photos to the end of an album')
    .argument('<album>', 'id or exact name')
    .argument('<photo-ids...>')
    .addOption(libraryOption)
    .action((ref: string, ids: string[], o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        const n = core.albums.addPhotos(a.id, ids.map(photoId));
        out(`added ${n} photo(s) to #${a.id} "${a.name}"${n < ids.length ? ` (${ids.length - n} already there)` : ''}`);
      }),
    );

  album
    .command('remove')
    .description('take photos out of an album (not out of the library)')
    .argument('<album>', 'id or exact name')
    .argument('<photo-ids...>')
    .addOption(libraryOption)
    .action((ref: string, ids: string[], o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        out(`removed ${core.albums.removePhotos(a.id, ids.map(photoId))} photo(s) from #${a.id} "${a.name}"`);
      }),
    );

  album
    .command('move')
    .description('move a photo to a position in the album (1 = first)')
    .argument('<album>', 'id or exact name')
    .argument('<photo-id>')
    .argument('<position>')
    .addOption(libraryOption)
    .action((ref: string, id: string, pos: string, o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        const p = Number(pos);
        if (!Number.isInteger(p) || p < 1) throw new Error(`position must be a whole number from 1, got "${pos}"`);
        out(
          core.albums
            .movePhoto(a.id, photoId(id), p - 1)
            .map((i) => `#${i.originalId}`)
            .join(' '),
        );
      }),
    );

  album
    .command('cover')
    .description('choose the cover photo ("none" = the first photo)')
    .argument('<album>', 'id or exact name')
    .argument('<photo-id|none>')
    .addOption(libraryOption)
    .action((ref: string, id: string, o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        out(line(core.albums.setCover(a.id, id === 'none' ? null : photoId(id))));
      }),
    );

  album
    .command('caption')
    .description("set a photo's caption in this album (omit the text to clear it)")
    .argument('<album>', 'id or exact name')
    .argument('<photo-id>')
    .argument('[text]')
    .addOption(libraryOption)
    .action((ref: string, id: string, text: string | undefined, o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        core.albums.setCaption(a.id, photoId(id), text ?? null);
        out(`caption of #${id} in "${a.name}": ${text?.trim() || "(the photo's name)"}`);
      }),
    );

  album
    .command('list')
    .description('list the albums')
    .addOption(libraryOption)
    .option('--json', 'machine-readable output')
    .action((o) =>
      withCore(o, setExit, (core) => {
        const all = core.albums.list();
        if (o.json) out(JSON.stringify(all, null, 2));
        else if (all.length === 0) out('No albums yet. Try: heirloom album create "Summer 1958"');
        else for (const a of all) out(line(a));
      }),
    );

  album
    .command('show')
    .description("show an album's photos in order")
    .argument('<album>', 'id or exact name')
    .addOption(libraryOption)
    .option('--json', 'machine-readable output')
    .action((ref: string, o) =>
      withCore(o, setExit, (core) => {
        const a = core.albums.resolve(ref);
        const items = core.albums.items(a.id);
        if (o.json) return void out(JSON.stringify({ ...a, items }, null, 2));
        out(line(a));
        items.forEach((i, k) => {
          const colour = i.outputId ?? i.original.latestOutputId;
          const caption = i.caption ? `  "${i.caption}"` : '';
          out(
            `${String(k + 1).padStart(3)}. #${i.originalId}  ${path.basename(i.original.path)}${caption}${i.original.takenAt ? `  taken ${i.original.takenAt.slice(0, 10)}` : ''}${colour ? '' : '  (not colorized yet)'}${a.effectiveCoverId === i.originalId ? '  [cover]' : ''}`,
          );
        });
      }),
    );
}
