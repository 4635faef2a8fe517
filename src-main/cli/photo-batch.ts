// `heirloom colorize` and `heirloom restore`: collect the photos, run them as one resumable job with
// progress and Ctrl-C, print one summary line, and return the exit code.
import * as path from 'node:path';
import { readHintsFile } from '../core/hints/hints-file';
import type { OutputFormat } from '../core/imaging/encode';
import type { RestoreSteps } from '../core/jobs/job-params';
import { collectPhotos } from '../core/photo-files';
import { HeirloomCore } from '../core/service/heirloom-core';
import { oneLine } from './one-line';
import { progressPrinter } from './progress';

export interface PhotoBatchFlags {
  out: string;
  library?: string;
  model?: string;
  size?: number;
  format: string;
  quality: number;
  saturation: number;
  hints?: string;
  resume: boolean;
  repair?: boolean;
  tone?: boolean;
  recolorFaded?: boolean;
  colorize?: boolean;
  upscale?: 2 | 4;
  tornEdges?: 'fill' | 'crop';
}

/** `restore`'s step flags: none given means repair + tone (+ colorize unless --no-colorize); --upscale adds enlarging to either. */
export function restoreSteps(o: PhotoBatchFlags): RestoreSteps {
  const any = Boolean(o.repair || o.tone || o.recolorFaded);
  return {
    repair: any ? Boolean(o.repair) : true,
    tone: any ? Boolean(o.tone) : true,
    recolorFaded: Boolean(o.recolorFaded),
    colorize: o.colorize !== false,
    ...(o.tornEdges === 'crop' ? { tornEdges: 'crop' as const } : {}),
    ...(o.upscale ? { upscale: o.upscale } : {}),
  };
}

export async function runPhotoBatch(inputs: string[], o: PhotoBatchFlags, restore?: RestoreSteps): Promise<number> {
  const verb = restore ? 'restored' : 'colorized';
  const { files, problems } = collectPhotos(inputs);
  for (const p of problems) process.stderr.write(`heirloom: ${oneLine(p.input)}: ${oneLine(p.error)}\n`);
  if (files.length === 0) {
    process.stderr.write('heirloom: no photos found in the given inputs\n');
    return problems.length ? 1 : 2;
  }
  // A bad hints file is one clear error before any work starts.
  const hintsByInput = o.hints ? readHintsFile(path.resolve(o.hints), files) : undefined;
  const core = HeirloomCore.open({ library: o.library, holder: `\`heirloom ${restore ? 'restore' : 'colorize'}\`` });
  const ctrl = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nheirloom: stopping after the current photo…\n');
    ctrl.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const summary = await core.colorizeBatch(files, {
      outDir: path.resolve(o.out),
      format: o.format as OutputFormat,
      quality: o.quality,
      saturation: o.saturation,
      workingSize: o.size,
      model: o.model,
      signal: ctrl.signal,
      resume: o.resume,
      hintsByInput,
      requestedInputs: inputs,
      restore,
      onProgress: progressPrinter(process.stderr),
      onResume: (jobId, done, total) => process.stderr.write(`heirloom: continuing job ${jobId}: ${done} of ${total} photos were already done\n`),
    });
    if (summary.modelWarning) process.stderr.write(`heirloom: warning: ${summary.modelWarning}\n`);
    const ok = summary.results.filter((r) => r.output).length;
    const skipped = summary.results.filter((r) => r.skipped).length;
    const bad = summary.results.length - ok - skipped;
    const earlier = summary.resumed ? `, ${summary.resumed.alreadyDone} done before` : '';
    process.stderr.write(
      `heirloom: ${ok} ${verb}${earlier}${skipped ? `, ${skipped} skipped` : ''}${bad ? `, ${bad} failed` : ''}${summary.status === 'cancelled' ? ', cancelled' : ''} → ${path.resolve(o.out)}\n`,
    );
    return bad > 0 || problems.length > 0 ? 1 : summary.status === 'cancelled' ? 130 : 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
    core.close();
  }
}
