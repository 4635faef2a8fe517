// `heirloom versions <photo>`: a photo's colorized versions with what made each (model, working size,
// strength, hints), which one is in use, and choosing or deleting one — as the window's version list.
import type { Command, Option } from 'commander';
import { HeirloomCore } from '../core/service/heirloom-core';
import { oneLine } from './one-line';

const idArg = (v: string, what: string): number => {
  const n = Number(v.replace(/^#/, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`"${v}" is not a ${what} number`);
  return n;
};

export function addVersionsCommand(program: Command, libraryOption: Option, setExit: (code: number) => void): void {
  program
    .command('versions')
    .description("list a photo's colorized versions; choose the one albums export, or delete one")
    .argument('<photo>', 'photo number (see `heirloom list`)')
    .option('--use <version>', 'make this version the one in use')
    .option('--use-newest', 'go back to using the newest version')
    .option('--delete <version>', 'delete this version (its file too, if it is in the library)')
    .option('--json', 'machine-readable output')
    .addOption(libraryOption)
    .action(async (photo: string, o: { use?: string; useNewest?: boolean; delete?: string; json?: boolean; library?: string }) => {
      const photoId = idArg(photo, 'photo');
      const changes = o.use !== undefined || o.useNewest || o.delete !== undefined;
      const core = HeirloomCore.open({ library: o.library, ...(changes ? { holder: '`heirloom versions`' } : { role: 'reader' as const }) });
      try {
        if (!core.catalogue.getOriginal(photoId)) throw new Error(`No photo #${photoId} in this library.`);
        if (o.delete !== undefined) {
          const v = idArg(o.delete, 'version');
          if (core.catalogue.getOutput(v)?.originalId !== photoId) throw new Error(`Version ${v} is not a version of photo #${photoId}.`);
          const r = core.deleteVersion(v);
          process.stderr.write(`heirloom: version ${v} deleted${r.fileRemoved ? '' : r.file ? ` (its file stays: ${oneLine(r.file)})` : ''}\n`);
        }
        if (o.use !== undefined) core.setCurrentVersion(photoId, idArg(o.use, 'version'));
        if (o.useNewest) core.setCurrentVersion(photoId, null);
        const inUse = core.catalogue.latestOutput(photoId)?.id;
        const versions = core.catalogue.listOutputs(photoId).map((v) => ({ ...v, inUse: v.id === inUse }));
        if (o.json) process.stdout.write(JSON.stringify(versions, null, 2) + '\n');
        else if (versions.length === 0) process.stdout.write(`Photo #${photoId} has no colorized version yet.\n`);
        else {
          for (const v of versions) {
            const p = v.params as { workingSize?: number; saturation?: number; hints?: unknown[] };
            const made = [
              v.checkpointId,
              p.workingSize ? `size ${p.workingSize}` : '',
              p.saturation !== undefined ? `strength ${p.saturation}` : '',
              p.hints?.length ? `${p.hints.length} hints` : '',
            ]
              .filter(Boolean)
              .join(', ');
            process.stdout.write(
              `${v.inUse ? '*' : ' '} ${String(v.id).padStart(5)}  ${v.createdAt.replace('T', ' ').slice(0, 16)}  ${made}  ${oneLine(v.path)}\n`,
            );
          }
          process.stdout.write('(* = the version in use: the gallery shows it and albums export it)\n');
        }
        setExit(0);
      } finally {
        core.close();
      }
    });
}
