// `heirloom list`: the originals in the catalogue with their outputs.
import * as fs from 'node:fs';
import { HeirloomCore } from '../core/service/heirloom-core';
import type { OriginalFilter } from '../core/catalogue/types';
import { oneLine } from './one-line';

export async function runList(o: { library?: string; filter: OriginalFilter; json?: boolean }): Promise<number> {
  const core = HeirloomCore.open({ library: o.library, role: 'reader' });
  try {
    const rows = core.catalogue.listOriginals({ sort: 'imported', filter: o.filter }).map((r) => ({
      ...r,
      outputs: core.catalogue.listOutputs(r.id),
    }));
    if (o.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(`No photos in the library at ${core.paths.root} yet. Try: heirloom colorize <photos> --out <folder>\n`);
      return 0;
    }
    // Paths go through oneLine: a newline in a file name must not split a photo's line (--json keeps them raw).
    for (const r of rows) {
      const size = r.width && r.height ? `${r.width}×${r.height}` : '?';
      process.stdout.write(
        `#${r.id}  ${oneLine(r.path)}  ${size}${r.takenAt ? `  taken ${r.takenAt}` : ''}${r.missing || !fs.existsSync(r.path) ? '  (MISSING: heirloom locate ' + r.id + ' <file-or-folder>, or heirloom remove ' + r.id + ')' : ''}\n`,
      );
      for (const out of r.outputs) process.stdout.write(`      → ${oneLine(out.path)}  [${out.checkpointId}, ${out.createdAt}]\n`);
    }
    process.stdout.write(`${rows.length} photos, ${rows.reduce((n, r) => n + r.outputs.length, 0)} outputs — library ${core.paths.root}\n`);
    return 0;
  } finally {
    core.close();
  }
}
