// Measures damage detection and repair on REAL damaged photos against their hand masks
// (training/real-masks/), per source and pooled, for one part of the split by source.
//   node dist/scripts/real-damage-eval.js [--part tune|report] [--detector <folder>] [--legacy] [--thresholds 0.5] [--fill product|harmonic]
// Mask F1 counts a predicted pixel right when a hand-marked one lies within 2 px (and a hand-marked
// one found when a predicted one does). After repair with the chosen threshold: how much of the
// damage the detector still finds when run again, and what share of hand-marked pixels changed.
// --legacy runs the detector as before print-scale detection (damage-net.ts detectDamageWhole).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { repairPlanes } from '../src-main/core/restore';
import { DAMAGE_MANIFEST, detectDamageWhole, loadDamageNet, type DamageNet } from '../src-main/core/restore/damage-net';
import { damageProbabilitiesAtPrintScale } from '../src-main/core/restore/detect-scale';
import { dilateDisc, f1Of, toleranceScores } from '../src-main/core/restore/mask-scores';
import { flag } from './flags';
import { evalRepairFill, mean } from './eval-photos';
import { loadRealPhoto, realPart, type RealPart } from './real-masks';

const part = flag('part', 'tune') as RealPart;
const detectorDir = flag('detector', '');
const legacy = process.argv.includes('--legacy');
const thresholdsFlag = flag('thresholds', '');
// Grow the found mask by this many working-scale pixels before scoring and repair (an experiment:
// the crack's soft edge is left behind when the mask stops at its core).
const dilateWorking = Number(flag('dilate', '0'));

function probabilities(net: DamageNet, L: Float32Array, w: number, h: number): Float32Array {
  if (!legacy) return damageProbabilitiesAtPrintScale(net, L, w, h);
  // The old path thresholds inside; give it 0/1 "probabilities" at its own threshold.
  return Float32Array.from(detectDamageWhole(net, L, w, h));
}

let grow = 0;
const threshold = (p: Float32Array, t: number, w = 0, h = 0): Uint8Array => {
  const m = Uint8Array.from(p, (v) => (v >= t ? 1 : 0));
  return grow > 0 && w > 0 ? dilateDisc(m, w, h, grow) : m;
};
const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

async function main(): Promise<void> {
  await initBackend();
  const net = detectorDir && fs.existsSync(path.join(detectorDir, DAMAGE_MANIFEST)) ? loadDamageNet(detectorDir) : loadDamageNet();
  const thresholds = legacy ? [0.5] : thresholdsFlag ? thresholdsFlag.split(',').map(Number) : [net.manifest.threshold];
  const files = realPart(part);
  type Row = { source: string; f1: number[]; p: number[]; r: number[]; left: number[]; changed: number[]; share: number[]; counts: number[] };
  const rows = new Map<string, Row>();
  const byT = thresholds.map(() => new Map<string, Row>());
  for (const file of files) {
    const photo = await loadRealPhoto(file);
    const { L, width: w, height: h } = photo;
    const p = probabilities(net, L, w, h);
    grow = Math.round((dilateWorking * Math.max(w, h)) / (net.manifest.workingSide ?? 768));
    thresholds.forEach((t, i) => {
      const m = threshold(p, t, w, h);
      const s = toleranceScores(m, photo.mask, w, h, 2);
      const row = byT[i]!.get(photo.source) ?? { source: photo.source, f1: [], p: [], r: [], left: [], changed: [], share: [], counts: [0, 0, 0, 0] };
      row.f1.push(s.f1);
      row.p.push(s.precision);
      row.r.push(s.recall);
      row.share.push(count(m) / m.length);
      [s.predictedNearTruth, s.predicted, s.truthNearPredicted, s.truth].forEach((v, j) => (row.counts[j]! += v));
      byT[i]!.set(photo.source, row);
    });
    // Repair with the first threshold, then look again.
    const mask = threshold(p, thresholds[0]!, w, h);
    const repaired = Float32Array.from(L);
    repairPlanes([repaired], w, h, { detector: () => mask, ...evalRepairFill() });
    const again = threshold(probabilities(net, repaired, w, h), thresholds[0]!, w, h);
    const before = count(mask);
    let hand = 0,
      changed = 0;
    for (let i = 0; i < L.length; i++) {
      if (!photo.mask[i]) continue;
      hand++;
      if (Math.abs(repaired[i]! - L[i]!) > 0.5) changed++;
    }
    const row = byT[0]!.get(photo.source)!;
    row.left.push(before ? count(again) / before : 0);
    row.changed.push(hand ? changed / hand : 1);
    console.log(
      `${file.padEnd(36)} ${w}×${h}  F1 ${row.f1.at(-1)!.toFixed(3)} (p ${row.p.at(-1)!.toFixed(2)} r ${row.r.at(-1)!.toFixed(2)})  found ${(100 * row.share.at(-1)!).toFixed(2)} %  after repair ${(100 * row.left.at(-1)!).toFixed(1)} % left  hand pixels changed ${(100 * row.changed.at(-1)!).toFixed(1)} %`,
    );
  }
  for (const [k, r] of byT[0]!) rows.set(k, r);
  const label = legacy ? `${net.manifest.id} (legacy whole-photo detection)` : `${net.manifest.id} at print scale, fill ${evalRepairFill().fill}`;
  console.log(`\n${label}, ${part} part, ${files.length} photos${dilateWorking ? `, mask grown by ${dilateWorking} working px` : ''}`);
  thresholds.forEach((t, i) => {
    const all = [...byT[i]!.values()];
    const pooled = (f: (r: Row) => number[]): number => mean(all.flatMap(f));
    const sum = [0, 1, 2, 3].map((j) => all.reduce((a, r) => a + r.counts[j]!, 0)) as [number, number, number, number];
    const px = f1Of(...sum);
    console.log(
      `threshold ${t}: mask F1 ${pooled((r) => r.f1).toFixed(3)} mean over photos (precision ${pooled((r) => r.p).toFixed(3)}, recall ${pooled((r) => r.r).toFixed(3)}); pooled over pixels ${px.f1.toFixed(3)} (precision ${px.precision.toFixed(3)}, recall ${px.recall.toFixed(3)})`,
    );
    if (i === 0) {
      console.log('source | photos | F1 (mean over photos) | precision | recall | F1 pooled over pixels | found after repair | hand pixels changed');
      for (const r of all)
        console.log(
          `${r.source} | ${r.f1.length} | ${mean(r.f1).toFixed(3)} | ${mean(r.p).toFixed(3)} | ${mean(r.r).toFixed(3)} | ${f1Of(...(r.counts as [number, number, number, number])).f1.toFixed(3)} | ${(100 * mean(r.left)).toFixed(1)} % | ${(100 * mean(r.changed)).toFixed(1)} %`,
        );
      console.log(
        `all | ${all.reduce((s, r) => s + r.f1.length, 0)} | ${pooled((r) => r.f1).toFixed(3)} | ${pooled((r) => r.p).toFixed(3)} | ${pooled((r) => r.r).toFixed(3)} | ${px.f1.toFixed(3)} | ${(100 * pooled((r) => r.left)).toFixed(1)} % | ${(100 * pooled((r) => r.changed)).toFixed(1)} %`,
      );
    }
  });
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
