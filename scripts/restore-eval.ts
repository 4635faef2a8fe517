// Measures core/restore on a fixed synthetic set made from held-out photos (the sha1 split's report
// half by default: sha1(name) mod 20 == 10), so nothing here was tuned on the photos it reports.
//   node dist/scripts/restore-eval.js [pool folder] [--half report|tune] [--limit 100] [--seed 1] [--size 512] [--detector learned|classical|<detector folder>] [--threshold p]
// Prints: mask F1 (detector vs the generator's truth); PSNR gain of repair on damaged photos; PSNR of
// repair run on clean photos (false alarms cost here); tone |ΔL| ratio; recolor ΔE00 ratio.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rgb8ToL, rgb8ToLab } from '../src-main/core/color/lab';
import type { ValidationHalf } from '../src-main/core/eval/split';
import { meanDeltaE00 } from '../src-main/core/metrics';
import { initBackend } from '../src-main/core/engine/backend';
import {
  defaultDetector,
  detectDamage,
  fadeColour,
  fadeGrey,
  maskScores,
  recolorFaded,
  repairPlanes,
  restoreTone,
  synthesizeDamage,
} from '../src-main/core/restore';
import { percentiles } from '../src-main/core/restore/planes';
import { DAMAGE_MANIFEST, loadDamageNet } from '../src-main/core/restore/damage-net';
import { flag } from './flags';
import { DEFAULT_POOL, greyPsnr, loadPhotoAtMost, mean, evalPhotos } from './eval-photos';

const pool = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : DEFAULT_POOL;
const half = flag('half', 'report') as ValidationHalf;
const limit = Number(flag('limit', '100'));
const seed = Number(flag('seed', '1'));
const size = Number(flag('size', '512'));
// 'learned' (the shipped detector; the default when it is installed), 'classical', or a candidate's folder.
const detectorFlag = flag('detector', 'default');
// Overrides the learned detector's threshold (to choose it on the tune half).
const threshold = flag('threshold', '') === '' ? undefined : Number(flag('threshold', ''));

const meanAbs = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

async function main(): Promise<void> {
  await initBackend();
  const candidate = fs.existsSync(path.join(detectorFlag, DAMAGE_MANIFEST)) ? loadDamageNet(detectorFlag) : undefined;
  const chosen: ReturnType<typeof defaultDetector> =
    detectorFlag === 'classical'
      ? { id: 'classical', detect: (L: Float32Array, w: number, h: number) => detectDamage(L, w, h) }
      : defaultDetector(threshold, candidate);
  if (detectorFlag === 'learned' && chosen.id === 'classical') throw new Error('no learned damage detector is installed (models/damage-detector)');
  const files = evalPhotos(pool, half, limit, seed);
  const rows = {
    f1: [] as number[],
    prec: [] as number[],
    rec: [] as number[],
    oracleGain: [] as number[],
    dmgPsnr: [] as number[],
    repPsnr: [] as number[],
    cleanPsnr: [] as number[],
    cleanFrac: [] as number[],
    faded: [] as number[],
    toned: [] as number[],
    toneRatio: [] as number[],
    deFaded: [] as number[],
    deRec: [] as number[],
    deRatio: [] as number[],
    p005: [] as number[],
    p995: [] as number[],
    chroma: [] as number[],
  };
  for (const { name, seed: s } of files) {
    const { rgb, width: w, height: h } = await loadPhotoAtMost(pool, name, size);
    const L = rgb8ToL(rgb, 3);
    const [p0, p1] = percentiles(L, [0.005, 0.995]) as [number, number];
    rows.p005.push(p0);
    rows.p995.push(p1);
    const lab = rgb8ToLab(rgb, 3);
    let c = 0;
    for (let i = 0; i < L.length; i++) c += Math.hypot(lab.a[i]!, lab.b[i]!);
    rows.chroma.push(c / L.length);

    // Repair: damage without fading (tone is measured on its own below), grain included.
    const dmg = synthesizeDamage(L, w, h, s, { fade: false });
    const det = chosen.detect(dmg.L, w, h);
    const sc = maskScores(det, dmg.mask);
    rows.f1.push(sc.f1);
    rows.prec.push(sc.precision);
    rows.rec.push(sc.recall);
    const repaired = Float32Array.from(dmg.L);
    repairPlanes([repaired], w, h, { detector: chosen.detect });
    rows.dmgPsnr.push(greyPsnr(dmg.L, L));
    rows.repPsnr.push(greyPsnr(repaired, L));
    // The true mask filled as the repair fills (Telea, then relaxed): what a perfect detector would give.
    const oracle = Float32Array.from(dmg.L);
    repairPlanes([oracle], w, h, { detector: () => dmg.mask });
    rows.oracleGain.push(greyPsnr(oracle, L) - greyPsnr(dmg.L, L));

    // Repair on a clean photo: should change (almost) nothing.
    const clean = Float32Array.from(L);
    const filled = repairPlanes([clean], w, h, { detector: chosen.detect });
    rows.cleanPsnr.push(greyPsnr(clean, L));
    rows.cleanFrac.push(filled / L.length);

    // Tone on a faded copy.
    const faded = fadeGrey(L, s);
    const toned = Float32Array.from(faded);
    restoreTone(toned, w, h);
    const a = meanAbs(faded, L),
      b = meanAbs(toned, L);
    rows.faded.push(a);
    rows.toned.push(b);
    rows.toneRatio.push(b / a);

    // Recolor on a faded colour copy.
    const fc = fadeColour(rgb, s);
    const rc = recolorFaded(fc);
    const labT = rgb8ToLab(rgb, 3);
    const d0 = meanDeltaE00(rgb8ToLab(fc, 3), labT),
      d1 = meanDeltaE00(rgb8ToLab(rc, 3), labT);
    rows.deFaded.push(d0);
    rows.deRec.push(d1);
    rows.deRatio.push(d1 / d0);
  }
  const f = (v: number, d = 3): string => v.toFixed(d);
  const gain = mean(rows.repPsnr) - mean(rows.dmgPsnr);
  const settings = chosen.settings ? ` (p ≥ ${chosen.settings.threshold}, ${chosen.settings.views} view(s))` : '';
  console.log(
    `restore-eval: ${files.length} photos (${half} half of ${path.basename(pool)}, seed ${seed}, ≤ ${size} px), detector ${chosen.id}${settings}`,
  );
  console.log(`mask F1 (detector vs truth):        ${f(mean(rows.f1))}  (precision ${f(mean(rows.prec))}, recall ${f(mean(rows.rec))})`);
  console.log(
    `repair PSNR gain:                   ${f(gain, 2)} dB  (damaged ${f(mean(rows.dmgPsnr), 2)} → repaired ${f(mean(rows.repPsnr), 2)}; truth-mask inpaint gain ${f(mean(rows.oracleGain), 2)} dB)   target ≥ 6`,
  );
  console.log(
    `repair on clean photos, PSNR:       ${f(mean(rows.cleanPsnr), 2)} dB  (min ${f(Math.min(...rows.cleanPsnr), 2)}; ${f(100 * mean(rows.cleanFrac), 3)} % of pixels filled)   target ≥ 45`,
  );
  console.log(
    `tone |ΔL| ratio:                    ${f(mean(rows.toned) / mean(rows.faded))}  (faded ${f(mean(rows.faded), 2)} → toned ${f(mean(rows.toned), 2)}; mean of per-photo ratios ${f(mean(rows.toneRatio))})   target ≤ 0.5`,
  );
  console.log(
    `recolor ΔE00 ratio:                 ${f(mean(rows.deRec) / mean(rows.deFaded))}  (faded ${f(mean(rows.deFaded), 2)} → restored ${f(mean(rows.deRec), 2)}; mean of per-photo ratios ${f(mean(rows.deRatio))})   target ≤ 0.6`,
  );
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`(clean photos: median L 0.5 % ${f(med(rows.p005), 1)}, 99.5 % ${f(med(rows.p995), 1)}, median mean chroma ${f(med(rows.chroma), 1)})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
