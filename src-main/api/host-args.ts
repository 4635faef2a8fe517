// The core host's command line (api/host.ts): what the Electron main tells the process that owns the
// core. Kept apart from host.ts so the main process can build it without loading the core.
import { parseArgs } from 'node:util';
import type { InstallPaths } from '../core/app-paths';

export interface HostOptions {
  /** Default: $HEIRLOOM_LIBRARY, else the per-user library (library.ts). */
  library?: string;
  /** Prefix of every media URL the window is given, e.g. "heirloom-media://media/". */
  mediaBase: string;
  install?: InstallPaths;
}

const DEFAULT_MEDIA_BASE = 'heirloom-media://media/';

/** The host's command line for these options (the Electron main starts it with them). */
export function hostArgs(o: HostOptions): string[] {
  const pairs: Array<[string, string | undefined]> = [
    ['--library', o.library],
    ['--media-base', o.mediaBase],
    ['--app-root', o.install?.appRoot],
    ['--models-dir', o.install?.modelsDir],
    ['--sqlite-binding', o.install?.sqliteBinding],
  ];
  return pairs.flatMap(([flag, v]) => (v === undefined ? [] : [flag, v]));
}

/** The options from the host's command line; flags it does not know are ignored. */
export function parseHostArgs(argv: readonly string[]): HostOptions {
  const { values: v } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    options: {
      library: { type: 'string' },
      'media-base': { type: 'string' },
      'app-root': { type: 'string' },
      'models-dir': { type: 'string' },
      'sqlite-binding': { type: 'string' },
    },
  });
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  return {
    library: str(v.library),
    mediaBase: str(v['media-base']) ?? DEFAULT_MEDIA_BASE,
    install: { appRoot: str(v['app-root']), modelsDir: str(v['models-dir']), sqliteBinding: str(v['sqlite-binding']) },
  };
}
