// `heirloom jobs`: the library's jobs (from the command line and the window alike), and resuming
// one that a crash, a kill or a cancel left unfinished.
import type { Command, Option } from 'commander';
import type { JobRow } from '../core/catalogue/types';
import { runFinetuneJob } from '../core/jobs/finetune-job';
import { isPhotoJobKind } from '../core/jobs/job-params';
import { libraryOwner } from '../core/library-lock';
import { HeirloomCore } from '../core/service/heirloom-core';
import { oneLine } from './one-line';
import { progressPrinter } from './progress';

const RESUMABLE = new Set<JobRow['status']>(['interrupted', 'cancelled', 'failed', 'queued']);

function describe(core: HeirloomCore, j: JobRow): string {
  const items = isPhotoJobKind(j.kind) ? core.catalogue.jobItems(j.id) : [];
  const progress = isPhotoJobKind(j.kind) ? `  ${items.filter((i) => i.status !== 'pending').length}/${items.length} photos` : '';
  const what =
    j.kind === 'finetune'
      ? `  run "${oneLine(String(j.params?.name ?? ''))}"`
      : j.kind === 'export'
        ? `  → ${oneLine(String(j.params?.target ?? ''))}`
        : '';
  // 'running' with no live owner of the library: the process running it is gone.
  const status = j.status === 'running' && !libraryOwner(core.paths.root) ? 'interrupted' : j.status;
  return `#${j.id}  ${j.kind.padEnd(8)} ${status.padEnd(11)} ${j.createdAt.replace('T', ' ').slice(0, 16)}${progress}${what}${j.error ? `  (${oneLine(j.error)})` : ''}`;
}

/** Runs a recorded job to its end in this process, with progress on stderr and Ctrl-C to stop. */
async function resume(core: HeirloomCore, id: number): Promise<number> {
  const job = core.catalogue.getJob(id);
  if (!job) throw new Error(`No job #${id} in this library (see \`heirloom jobs\`).`);
  if (!RESUMABLE.has(job.status)) throw new Error(`Job #${id} is ${job.status}; only an interrupted, cancelled or failed job can be resumed.`);
  if (job.kind === 'export') throw new Error(`Export job #${id}: run the same \`heirloom export\` again; it continues the folder it was making.`);
  const ctrl = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nheirloom: stopping after the current step…\n');
    ctrl.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    if (job.kind === 'finetune') {
      const end = await runFinetuneJob(core, id, ctrl.signal);
      process.stderr.write(`heirloom: fine-tune job #${id} ${end.status}${end.message ? `: ${end.message}` : ''}\n`);
      return end.status === 'done' ? 0 : end.status === 'cancelled' ? 130 : 1;
    }
    const pending = core.catalogue.pendingItems(id).length;
    if (pending === 0) throw new Error(`Job #${id} has no photos left to do.`);
    process.stderr.write(`heirloom: resuming job #${id}: ${pending} photos to go\n`);
    const s = await core.runColorizeJob(id, { signal: ctrl.signal, onProgress: progressPrinter(process.stderr) });
    const ok = s.results.filter((r) => r.output).length;
    const bad = s.results.filter((r) => r.error && !r.skipped).length;
    process.stderr.write(
      `heirloom: ${ok} ${job.kind === 'restore' ? 'restored' : 'colorized'}${bad ? `, ${bad} failed` : ''}${s.status === 'cancelled' ? ', cancelled' : ''}\n`,
    );
    return bad ? 1 : s.status === 'cancelled' ? 130 : 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export function addJobsCommands(program: Command, libraryOption: Option, setExit: (code: number) => void): void {
  const jobs = program.command('jobs').description("list the library's jobs, or resume an unfinished one");
  jobs
    .command('list', { isDefault: true })
    .description('the newest jobs first')
    .addOption(libraryOption)
    .option('--json', 'machine-readable output')
    .action(async (o: { library?: string; json?: boolean }) => {
      const core = HeirloomCore.open({ library: o.library, role: 'reader' });
      try {
        const rows = core.catalogue.listJobs({ limit: 50 });
        if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else if (rows.length === 0) process.stdout.write('No jobs in this library yet.\n');
        else process.stdout.write(rows.map((j) => describe(core, j)).join('\n') + '\n');
        setExit(0);
      } finally {
        core.close();
      }
    });
  jobs
    .command('resume')
    .description('continue an interrupted, cancelled or failed job where it stopped')
    .argument('<id>', 'job number (see `heirloom jobs`)')
    .addOption(libraryOption)
    .action(async (id: string, o: { library?: string }) => {
      const n = Number(id.replace(/^#/, ''));
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`"${id}" is not a job number`);
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom jobs resume`' });
      try {
        setExit(await resume(core, n));
      } finally {
        core.close();
      }
    });
}
