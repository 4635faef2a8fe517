// Chooses the learned damage detector's threshold on the sha1 split's TUNE half, by a rule fixed
// before looking: of the thresholds tried, the one with the best mean mask F1 among those whose repair
// of clean photos stays at ≥ 45 dB + margin. The margin is there because the clean-photo figure is a
// mean over photos that mostly score 99 (nothing filled) and a few that score ~30, so it moves by
// 2–3 dB from one set of photos to another (model card). The network runs once per photo; every
// threshold is scored on the same probabilities, exactly as the repair step would use them.
// --views 2|4 averages the detector over mirror views (core/restore/damage-net.ts).
//   node dist/scripts/damage-threshold.js [pool folder] [--detector <folder>] [--limit 200] [--thresholds 0.5,0.6,0.7,0.8,0.9] [--margin 3] [--views 1] [--fill product|harmonic]
import { rgb8ToL } from '../src-main/core/color/lab';
import { initBackend } from '../src-main/core/engine/backend';
import { maskScores, repairPlanes, synthesizeDamage } from '../src-main/core/restore';
import { DETECT_MAX_SIDE, damageProbabilitiesTiled, loadDamageNet, type DetectViews } from '../src-main/core/restore/damage-net';
import { damageProbabilitiesAtPrintScale } from '../src-main/core/restore/detect-scale';
import { flag } from './flags';
import { DEFAULT_POOL, greyPsnr, loadPhotoAtMost, mean, evalPhotos, evalRepairFill } from './eval-photos';

const pool = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : DEFAULT_POOL;
const detectorDir = flag('detector', '');
const limit = Number(flag('limit', '200'));
const thresholds = flag('thresholds', '0.5,0.6,0.7,0.8,0.9').split(',').map(Number);
const margin = Number(flag('margin', '3'));
const views = Number(flag('views', '1')) as DetectViews; // for detectors from before print scale
if (![1, 2, 4].includes(views)) throw new Error('--views is 1, 2 or 4');
const CLEAN_TARGET = 45;
const SIZE = 512; // as scripts/restore-eval.ts

/** What a repair with this mask gives: the repaired L (only masked pixels change). */
function repairedWith(L: Float32Array, w: number, h: number, mask: Uint8Array): Float32Array {
  const out = Float32Array.from(L);
  repairPlanes([out], w, h, { detector: () => mask, ...evalRepairFill() });
  return out;
}

async function main(): Promise<void> {
  await initBackend();
  const net = detectorDir ? loadDamageNet(detectorDir) : loadDamageNet();
  const rows = thresholds.map((t) => ({ t, f1: [] as number[], gain: [] as number[], clean: [] as number[] }));
  for (const { name, seed } of evalPhotos(pool, 'tune', limit, 1)) {
    const { rgb, width: w, height: h } = await loadPhotoAtMost(pool, name, SIZE);
    // At ≤ 512 px the whole-photo detector (detectDamageWhole) is exactly these tiled probabilities, thresholded.
    if (Math.max(w, h) > DETECT_MAX_SIDE) throw new Error(`${name}: larger than the detector's working side`);
    const L = rgb8ToL(rgb, 3);
    const dmg = synthesizeDamage(L, w, h, seed, { fade: false });
    // A print-scale detector looks as the repair step does (detect-scale.ts), with its own views.
    const probabilities = (plane: Float32Array): Float32Array =>
      net.manifest.workingSide === undefined ? damageProbabilitiesTiled(net, plane, w, h, views) : damageProbabilitiesAtPrintScale(net, plane, w, h);
    const pDamaged = probabilities(dmg.L),
      pClean = probabilities(L);
    const before = greyPsnr(dmg.L, L);
    for (const r of rows) {
      const md = Uint8Array.from(pDamaged, (p) => (p >= r.t ? 1 : 0)),
        mc = Uint8Array.from(pClean, (p) => (p >= r.t ? 1 : 0));
      r.f1.push(maskScores(md, dmg.mask).f1);
      r.gain.push(greyPsnr(repairedWith(dmg.L, w, h, md), L) - before);
      r.clean.push(greyPsnr(repairedWith(L, w, h, mc), L));
    }
  }
  const shownViews = net.manifest.workingSide === undefined ? views : (net.manifest.views ?? 1);
  console.log(
    `${net.manifest.id} (${shownViews} view${shownViews > 1 ? 's' : ''}, fill ${evalRepairFill().fill}), ${rows[0]!.f1.length} photos of the tune half (≤ ${SIZE} px); rule: best F1 with clean ≥ ${CLEAN_TARGET + margin} dB`,
  );
  console.log('threshold | mask F1 | repair gain dB | clean photos dB (min)');
  for (const r of rows)
    console.log(
      `${r.t.toFixed(2).padStart(9)} | ${mean(r.f1).toFixed(3)} | ${mean(r.gain).toFixed(2).padStart(14)} | ${mean(r.clean).toFixed(2)} (${Math.min(...r.clean).toFixed(1)})`,
    );
  const ok = rows.filter((r) => mean(r.clean) >= CLEAN_TARGET + margin);
  const best = ok.sort((a, b) => mean(b.f1) - mean(a.f1))[0];
  console.log(best ? `chosen: ${best.t}` : 'chosen: none (no threshold keeps clean photos above the bar)');
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
