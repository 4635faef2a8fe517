// The fine-tuning proof (issue 5): simulate a family archive — 150 photos of people from the pool's
// validation split (never trained on by the base model) — hold 30 out, fine-tune on the other 120 for
// a fixed training time, then compare base and fine-tuned on the 30 held-out people photos and on
// general validation photos (not people). Bar: ΔE00 on the people ≥ 5 % lower, general ≤ 2 % worse.
//   node dist/scripts/finetune-proof.js [--minutes 15] [--general 60] [--out models/finetune-proof.json]
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { loadModel } from '../src-main/core/engine/model-store';
import { evaluateModel } from '../src-main/core/eval/evaluate';
import { isValidationPhoto } from '../src-main/core/eval/split';
import { loadFinetuneData } from '../src-main/core/finetune/dataset';
import { fitDecode, manifestDecode } from '../src-main/core/finetune/decode-fit';
import { collectPhotos } from '../src-main/core/photo-files';
import { HeirloomCore } from '../src-main/core/service/heirloom-core';
import { flag } from './flags';

const PEOPLE = /^(celebahq|flickr8k|pedestrian)_/;

const rank = (f: string): string => createHash('sha1').update(`proof:${path.basename(f)}`).digest('hex');

async function main(): Promise<void> {
  const pool = flag('pool', path.join(__dirname, '..', '..', '..', 'shared', 'datasets', 'photos'));
  const minutes = Number(flag('minutes', '15'));
  const generalCount = Number(flag('general', '60'));
  const out = flag('out', path.join(__dirname, '..', '..', 'models', 'finetune-proof.json'));
  const backend = await initBackend();

  const val = collectPhotos([pool]).files.filter(isValidationPhoto);
  const people = val.filter((f) => PEOPLE.test(path.basename(f))).sort((a, b) => rank(a).localeCompare(rank(b))).slice(0, 150);
  if (people.length < 150) throw new Error(`only ${people.length} people photos in the validation split`);
  const heldOut = people.slice(0, 30);
  const archive = people.slice(30);
  const others = val.filter((f) => !PEOPLE.test(path.basename(f))).sort((a, b) => rank(a).localeCompare(rank(b)));
  const general = others.slice(0, generalCount);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-proof-'));
  const archiveDir = path.join(work, 'family-archive');
  fs.mkdirSync(archiveDir);
  for (const f of archive) fs.copyFileSync(f, path.join(archiveDir, path.basename(f)));
  const core = HeirloomCore.open({ library: path.join(work, 'library') });
  try {
    const base = (await core.model()).model;
    console.error(`${backend.name} backend; base ${base.manifest.id}; archive ${archive.length} people photos, held out ${heldOut.length}, general ${general.length}`);
    const t0 = Date.now();
    const r = await core.finetune({
      folder: archiveDir,
      name: 'proof',
      minutes,
      checkpointMinutes: minutes / 3,
      onProgress: (p) => {
        if (p.phase === 'saved' || (p.phase === 'training' && p.step % 25 === 0)) {
          console.error(`${p.phase} step ${p.step} loss ${p.loss?.toFixed(3)} train ${(p.trainSeconds / 60).toFixed(1)} min${p.heldOut ? ` archive-held-out ΔE00 ${p.heldOut.deltaE00.toFixed(2)}` : ''}`);
        }
      },
    });
    const wallMinutes = (Date.now() - t0) / 60000;
    // The checkpoint the run recommends (better than the base beyond noise on the archive's held-out photos), else the last.
    const tuned = await loadModel((r.recommended ?? r.checkpoint).dir);
    // How much is the decode alone: the base network with a decode fitted the same way on the archive's held-out photos.
    const refit = await fitDecode(base, (await loadFinetuneData(archiveDir)).heldOut, manifestDecode(base));
    const score = async (files: string[]) => ({
      base: (await evaluateModel(files, base)).colorized,
      baseRefitDecode: (await evaluateModel(files, base, refit.decode)).colorized,
      tuned: (await evaluateModel(files, tuned)).colorized,
    });
    const themed = await score(heldOut);
    const gen = await score(general);
    const rel = (b: number, t: number): number => (t - b) / b;
    const result = {
      date: new Date().toISOString(),
      backend: backend.name,
      baseModel: base.manifest.id,
      checkpoint: (r.recommended ?? r.checkpoint).id,
      recommended: r.recommended?.id ?? null,
      lastCheckpoint: r.checkpoint.id,
      steps: r.checkpoint.state.step,
      trainMinutes: Number((r.checkpoint.state.trainSeconds / 60).toFixed(2)),
      wallMinutes: Number(wallMinutes.toFixed(2)),
      archivePhotos: archive.length,
      tunedDecode: manifestDecode(tuned),
      baseRefitDecode: refit.decode,
      themedHeldOut: { photos: heldOut.length, ...themed, deltaE00Change: rel(themed.base.deltaE00, themed.tuned.deltaE00) },
      general: { photos: general.length, ...gen, deltaE00Change: rel(gen.base.deltaE00, gen.tuned.deltaE00) },
    };
    const meets = result.themedHeldOut.deltaE00Change <= -0.05 && result.general.deltaE00Change <= 0.02;
    fs.writeFileSync(out, JSON.stringify({ ...result, meetsBar: meets }, null, 2) + '\n');
    const row = (name: string, s: { psnr: number; deltaE00: number; colourfulnessRatio: number; auc: number }): string =>
      `${name.padEnd(30)} ΔE00 ${s.deltaE00.toFixed(3)}  PSNR ${s.psnr.toFixed(2)}  colour ${s.colourfulnessRatio.toFixed(3)}  AuC ${(100 * s.auc).toFixed(2)}`;
    console.log(
      [
        `${result.steps} steps, ${result.trainMinutes} training minutes (${result.wallMinutes} min wall incl. measuring)`,
        row('people held out: base', themed.base),
        row('people held out: base, refit', themed.baseRefitDecode),
        row('people held out: fine-tuned', themed.tuned),
        row('general: base', gen.base),
        row('general: base, refit', gen.baseRefitDecode),
        row('general: fine-tuned', gen.tuned),
        `ΔE00 change: people ${(100 * result.themedHeldOut.deltaE00Change).toFixed(1)} % (bar ≤ −5 %), general ${(100 * result.general.deltaE00Change).toFixed(1)} % (bar ≤ +2 %): ${meets ? 'MEETS' : 'MISSES'} the bar`,
      ].join('\n'),
    );
  } finally {
    core.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
