// Batch progress on stderr: one line per photo (a log a person can read back), with count and ETA.
import * as path from 'node:path';
import type { BatchProgress } from '../core/service/heirloom-core';
import { oneLine } from './one-line';

function eta(s: number | undefined): string {
  if (s === undefined || s <= 0) return '';
  return s >= 90 ? ` ~${Math.round(s / 60)} min left` : ` ~${s} s left`;
}

export function progressPrinter(out: NodeJS.WritableStream): (p: BatchProgress) => void {
  return (p) => {
    // A long step inside one photo (enlarging, tile by tile): a line at each quarter, so a slow photo shows it is moving.
    if (p.step && p.step.done < p.step.total && Math.floor((p.step.done * 4) / p.step.total) > Math.floor(((p.step.done - 1) * 4) / p.step.total)) {
      out.write(`[${p.done + 1}/${p.total}] ${oneLine(path.basename(p.step.input))}: enlarging, ${p.step.done} of ${p.step.total} tiles\n`);
    }
    if (!p.item) return;
    const name = oneLine(path.basename(p.item.input)); // a newline in a name must not break the log
    const what = p.item.skipped
      ? `skipped: ${oneLine(p.item.error ?? '')}`
      : p.item.error
        ? `FAILED: ${oneLine(p.item.error)}`
        : `ok (${(p.item.millis / 1000).toFixed(1)} s)`;
    out.write(`[${p.done}/${p.total}] ${name}: ${what}${p.done < p.total ? eta(p.etaSeconds) : ''}\n`);
  };
}
