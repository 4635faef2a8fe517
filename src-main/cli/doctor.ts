// `heirloom doctor`: what this installation will run on, and why; whether the catalogue is healthy
// (SQLite's full integrity check) and, with --repair, restoring a damaged one from its backups.
import * as os from 'node:os';
import { appVersion } from '../core/app-paths';
import { CatalogueCorruptError, CatalogueUnreadableError, checkCatalogueFile, listBackups } from '../core/catalogue/catalogue';
import { initBackend, tf } from '../core/engine/backend';
import { ensureLibrary, resolveLibraryDir } from '../core/library';
import { repairCatalogue, RepairReport } from '../core/service/catalogue-repair';
import { HeirloomCore } from '../core/service/heirloom-core';
import { describeCounts } from '../core/service/repair-candidates';

export async function runDoctor(o: { library?: string; json?: boolean; repair?: boolean }): Promise<number> {
  const backend = await initBackend();
  const paths = ensureLibrary(resolveLibraryDir(o.library));
  const repair = o.repair ? repairCatalogue(paths) : undefined;
  // The full check (all indexes cross-checked), read-only: a damaged catalogue is reported, not opened.
  const health = checkCatalogueFile(paths.catalogue, 'full');
  let modelLine: string;
  let modelInfo: Record<string, unknown>;
  let backupError: string | undefined;
  let code = health.ok ? 0 : 1;
  if (health.ok) {
    const core = HeirloomCore.open({ library: o.library, role: 'reader' });
    try {
      backupError = core.catalogue.backup?.error;
      const res = await core.model();
      const m = res.model.manifest;
      modelInfo = { id: m.id, name: m.name, version: m.version, dir: res.model.dir, workingSize: m.workingSize, warning: res.warning };
      modelLine = `${m.name} (${m.id} v${m.version}) from ${res.model.dir}${res.warning ? `\n  warning: ${res.warning}` : ''}`;
    } catch (e) {
      modelInfo = { error: (e as Error).message };
      modelLine = `NOT USABLE: ${(e as Error).message}`;
      code = 1;
    } finally {
      core.close();
    }
  } else {
    modelInfo = { error: 'not checked: the catalogue is damaged' };
    modelLine = 'not checked: the catalogue is damaged';
  }
  const backups = listBackups(paths.backups);
  const damage = health.ok
    ? undefined
    : (health.notADatabase
        ? new CatalogueUnreadableError(paths.catalogue, health.error)
        : new CatalogueCorruptError(paths.catalogue, health.problems, 'open')
      ).message;
  const info = {
    heirloom: appVersion(),
    node: process.versions.node,
    tfjs: tf.version.tfjs,
    platform: `${os.platform()} ${os.arch()}, ${os.cpus().length} CPU cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    backend: { name: backend.name, label: backend.label, gpu: backend.gpu, attempts: backend.attempts },
    library: paths.root,
    model: modelInfo,
    catalogue: {
      file: paths.catalogue,
      ok: health.ok,
      integrityCheck: health.problems,
      ...(damage ? { error: damage } : {}),
      backups: backups.map((b) => ({ file: b.file, takenAt: b.takenAt, seq: b.seq })),
      ...(backupError ? { backupError } : {}),
    },
    ...(repair ? { repair } : {}),
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(info, null, 2) + '\n');
    return code;
  }
  const newest = backups[0] ? `, newest ${utc(backups[0].takenAt)} UTC` : '';
  const lines = [
    `Heirloom ${info.heirloom} (Node ${info.node}, TensorFlow.js ${info.tfjs})`,
    `Machine:  ${info.platform}`,
    `Backend:  ${backend.name} — ${backend.label}`,
    `GPU:      ${backend.gpu ? 'found, in use' : 'none in use'}`,
    ...backend.attempts.map((a) => `  ${a.ok ? 'chosen ' : 'skipped'} ${a.candidate}: ${a.why}`),
    `Library:  ${info.library}`,
    `Model:    ${modelLine}`,
    ...(repair ? repairLines(repair) : []),
    health.ok ? `Catalogue: ok (SQLite's integrity check passed) — ${paths.catalogue}` : `Catalogue: DAMAGED — ${damage}`,
    `Backups:  ${backups.length} in ${paths.backups}${newest}`,
    ...(backupError ? [`  warning: ${backupError}`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return code;
}

function repairLines(r: RepairReport): string[] {
  if (r.action === 'none') return ['Repair:   nothing to repair: the catalogue passed its integrity check.'];
  const lines = [`Repair:   the catalogue failed its integrity check (${r.problems.split('\n').find((l) => !l.startsWith('***')) ?? r.problems}).`];
  for (const f of r.movedAside) lines.push(`  kept the damaged file as ${f}`);
  for (const b of r.badBackups) lines.push(`  skipped the backup ${b.file}: it fails its own check (${b.problems.split('\n')[0]})`);
  // What each candidate keeps, and what taking it instead would have lost.
  for (const k of r.candidates) {
    const what = k.source === 'salvage' ? 'what the damaged catalogue still holds' : `the backup of ${utc(k.takenAt!)} UTC (no. ${k.seq}, ${k.file})`;
    const loses = describeCounts(k.loses);
    const verdict = k.chosen
      ? `taken: it keeps the most${loses === 'nothing' ? '' : ` (though it lacks ${loses} that another has)`}`
      : `not taken: it would lose ${loses}`;
    lines.push(`  candidate: ${what}: ${describeCounts(k.keeps, true)} — ${verdict}`);
  }
  if (r.restoredFrom)
    lines.push(`  restored the backup of ${utc(r.restoredFrom.takenAt)} UTC (${r.restoredFrom.file}); it passes the integrity check`);
  if (r.action === 'rebuilt') {
    const n = (t: string): number => r.salvaged.find((s) => s.table === t)?.recovered ?? 0;
    lines.push(
      r.salvaged.length === 0
        ? '  made a new, empty catalogue: the damaged one could not be read at all'
        : `  made a new catalogue from what the damaged one still holds: ${n('originals')} photo(s), ${n('outputs')} colorized version(s), ${n('albums')} album(s), ${n('jobs')} job(s)`,
    );
    lines.push(
      `  registered ${r.registeredModels.length} fine-tuned model(s) found in the library${r.registeredModels.length ? `: ${r.registeredModels.join(', ')}` : ''}`,
    );
  }
  for (const n of r.notRecovered) lines.push(`  not recovered: ${n}`);
  return lines;
}

function utc(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}
