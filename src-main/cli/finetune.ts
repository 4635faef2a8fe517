// `heirloom finetune` and `heirloom models`: teach the colorizer the family's colours, then
// list, activate and revert the checkpoints it made.
import { Command, InvalidArgumentError, Option } from 'commander';
import { FinetuneDataError } from '../core/finetune/dataset';
import { describeChange } from '../core/finetune/recommend';
import { FinetuneCancelled, FinetuneProgress } from '../core/finetune/trainer';
import type { MetricsSummary } from '../core/metrics';
import { HeirloomCore } from '../core/service/heirloom-core';

function minutes(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 60) throw new InvalidArgumentError('--minutes must be a number of minutes from 0 to 1440');
  return n;
}

function fmt(m: MetricsSummary | null): string {
  return m
    ? `ΔE00 ${m.deltaE00.toFixed(2)}, PSNR ${m.psnr.toFixed(2)} dB, colourfulness ${m.colourfulnessRatio.toFixed(2)}, AuC ${(100 * m.auc).toFixed(1)} %`
    : '—';
}

/** Relative change, with the sign that means "better" first: ΔE00 down and PSNR up are gains. */
export function gain(base: MetricsSummary, now: MetricsSummary): { deltaE00: number; psnr: number; colourfulnessRatio: number; auc: number } {
  return {
    deltaE00: (base.deltaE00 - now.deltaE00) / base.deltaE00,
    psnr: now.psnr - base.psnr,
    colourfulnessRatio: now.colourfulnessRatio - base.colourfulnessRatio,
    auc: now.auc - base.auc,
  };
}

function progressLine(p: FinetuneProgress): string | null {
  const mins = (s: number): string => `${(s / 60).toFixed(1)} min`;
  switch (p.phase) {
    case 'loading':
    case 'measuring':
      return `${p.run}: ${p.message}…`;
    case 'saved':
      return `${p.run}: checkpoint ${p.checkpointId} saved (step ${p.step}); held-out ${fmt(p.heldOut)}`;
    case 'training':
      if (p.step % 10 !== 0) return null;
      return `${p.run}: step ${p.step}, loss ${p.loss?.toFixed(3)}, ${mins(p.trainSeconds)} of ${mins(p.budgetSeconds)}${p.etaSeconds ? `, ~${mins(p.etaSeconds)} left` : ''}`;
  }
}

export function addFinetuneCommands(program: Command, libraryOption: Option, setExit: (code: number) => void): void {
  program
    .command('finetune')
    .description('fine-tune the colorizer on a folder of your own colour photos (resumes a run of the same name)')
    .argument('<folder>', 'folder of colour photos (searched recursively)')
    .option('--name <name>', 'run name; checkpoints are saved as <name>-s<step>', 'family')
    .option('--minutes <m>', 'training time for the whole run', minutes, 15)
    .option('--from <checkpoint>', 'model to start from (default: the active one)')
    .option('--checkpoint-every <m>', 'training minutes between checkpoints', minutes, 2)
    .addOption(libraryOption)
    .option('--json', 'print the result as JSON')
    .action(async (folder: string, o) => {
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom finetune`' });
      const controller = new AbortController();
      const onSignal = (): void => {
        process.stderr.write('\nstopping after this step; the last checkpoint is kept…\n');
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const r = await core.finetune({
          folder,
          name: o.name,
          minutes: o.minutes,
          from: o.from,
          checkpointMinutes: o.checkpointEvery,
          signal: controller.signal,
          onProgress: (p) => {
            const line = progressLine(p);
            if (line) process.stderr.write(line + '\n');
          },
        });
        const g = r.base && r.heldOut ? gain(r.base, r.heldOut) : null;
        const j = r.judgement;
        const held = r.checkpoint.state.heldOutFiles?.length ?? r.checkpoint.state.data.heldOut;
        if (o.json) {
          process.stdout.write(
            JSON.stringify({ ...r, checkpoint: r.checkpoint.id, recommended: r.recommended?.id ?? null, gain: g }, null, 2) + '\n',
          );
        } else {
          const verdict =
            r.recommended && j
              ? [
                  `  recommended: ${r.recommended.id} — ${describeChange(j)} on ${held} held-out photos (95 % interval of the change ${j.ci[0].toFixed(2)} to ${j.ci[1].toFixed(2)})`,
                  `Use it with: heirloom models activate ${r.recommended.id}`,
                ]
              : [
                  `  This archive did not improve the model${j ? `: ${describeChange(j)} on ${held} held-out photos, within their noise or worse` : ''}.`,
                  `  No checkpoint is recommended; the model in use stays as it is.`,
                ];
          process.stdout.write(
            [
              `${r.run}: finished at step ${r.checkpoint.state.step}; latest checkpoint ${r.checkpoint.id}`,
              `  held-out photos (${held}) before: ${fmt(r.base)}`,
              `  held-out photos (${held}) after:  ${fmt(r.heldOut)}`,
              ...verdict,
              r.gated
                ? `  The fine-tuned model changes only photos like this archive; other photos keep the colours of ${r.checkpoint.state.baseModelId}.`
                : '',
            ]
              .filter(Boolean)
              .join('\n') + '\n',
          );
        }
        setExit(0);
      } catch (e) {
        if (e instanceof FinetuneCancelled) {
          process.stderr.write(`${e.message} (checkpoint ${e.checkpoint.id}; run the same command again to continue)\n`);
          setExit(130);
        } else if (e instanceof FinetuneDataError) {
          process.stderr.write(`heirloom: ${e.message}\n`);
          setExit(2);
        } else {
          throw e;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        core.close();
      }
    });

  const models = program.command('models').description('list, activate and revert colorization models and fine-tuned checkpoints');
  models
    .command('list', { isDefault: true })
    .description('every model the library knows, the active one marked *')
    .addOption(libraryOption)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom finetune`' });
      try {
        const { rows, activeId: active } = await core.listModels();
        if (o.json)
          process.stdout.write(
            JSON.stringify(
              rows.map((r) => ({ ...r, active: r.id === active })),
              null,
              2,
            ) + '\n',
          );
        else {
          for (const r of rows) {
            const m = r.metrics as { heldOut?: MetricsSummary } | null;
            process.stdout.write(
              `${r.id === active ? '*' : ' '} ${r.id.padEnd(28)} ${r.kind.padEnd(9)} parent ${r.parentId ?? '—'}${m?.heldOut ? `  held-out ${fmt(m.heldOut)}` : ''}\n`,
            );
          }
        }
        setExit(0);
      } finally {
        core.close();
      }
    });
  models
    .command('activate')
    .description('colorize with this model from now on')
    .argument('<id>', 'model or checkpoint id')
    .addOption(libraryOption)
    .action(async (id: string, o) => {
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom finetune`' });
      try {
        await core.activateModel(id);
        process.stdout.write(`active model: ${id}\n`);
        setExit(0);
      } finally {
        core.close();
      }
    });
  models
    .command('revert')
    .description("go back to the active checkpoint's parent (in the end, the shipped model)")
    .addOption(libraryOption)
    .action(async (o) => {
      const core = HeirloomCore.open({ library: o.library, holder: '`heirloom finetune`' });
      try {
        process.stdout.write(`active model: ${await core.revertModel()}\n`);
        setExit(0);
      } finally {
        core.close();
      }
    });
}
