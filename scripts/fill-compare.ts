// Compares ways of filling the damage mask, on the tune half only (the report half is for the
// chosen method): Telea's fast marching at several radii, Telea's fill relaxed to a harmonic
// (Laplace) one, and to a biharmonic one (which carries gradients across the hole).
//   node dist/scripts/fill-compare.js [--limit 60] [--seed 1] [--size 512]
// For each method: PSNR gain over the damaged photo with the generator's true mask and with the
// shipped detector's mask (what a user gets), and PSNR of clean photos filled where the detector marks them.
import { rgb8ToL } from '../src-main/core/color/lab';
import { initBackend } from '../src-main/core/engine/backend';
import { defaultDetector, inpaint, relaxHarmonic, synthesizeDamage } from '../src-main/core/restore';
import { flag } from './flags';
import { DEFAULT_POOL, evalPhotos, greyPsnr, loadPhotoAtMost, mean } from './eval-photos';

const limit = Number(flag('limit', '60'));
const seed = Number(flag('seed', '1'));
const size = Number(flag('size', '512'));

/** Telea's fill relaxed to a harmonic one: what the repair ships (core/restore/harmonic.ts). */
function harmonicFill(L: Float32Array, w: number, h: number, mask: Uint8Array): Float32Array {
  const out = inpaint(L, w, h, mask);
  relaxHarmonic([out], w, h, mask);
  return out;
}

/** The same for ∇⁴u = 0 (13-point stencil), which carries gradients across the hole; harmonic within 2 px of the border. */
function biharmonicFill(L: Float32Array, w: number, h: number, mask: Uint8Array): Float32Array {
  const out = harmonicFill(L, w, h, mask);
  const holes: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    const x = i % w,
      y = (i - x) / w;
    if (mask[i] && x >= 2 && y >= 2 && x < w - 2 && y < h - 2) holes.push(i);
  }
  for (let sweep = 0; sweep < 500; sweep++) {
    let moved = 0;
    for (const i of holes) {
      const o = out;
      const v =
        (8 * (o[i - 1]! + o[i + 1]! + o[i - w]! + o[i + w]!) -
          2 * (o[i - w - 1]! + o[i - w + 1]! + o[i + w - 1]! + o[i + w + 1]!) -
          (o[i - 2]! + o[i + 2]! + o[i - 2 * w]! + o[i + 2 * w]!)) /
        20;
      moved = Math.max(moved, Math.abs(v - o[i]!));
      o[i] = v;
    }
    if (moved < 0.01) break;
  }
  return out;
}

/** The mask grown by one pixel (4-neighbours): catches the faint edges of a scratch, and grows false marks too. */
function grow(m: Uint8Array, w: number): Uint8Array {
  const g = Uint8Array.from(m);
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    const x = i % w;
    if (x > 0) g[i - 1] = 1;
    if (x < w - 1) g[i + 1] = 1;
    if (i >= w) g[i - w] = 1;
    if (i + w < m.length) g[i + w] = 1;
  }
  return g;
}

const methods: [string, (L: Float32Array, w: number, h: number, m: Uint8Array) => Float32Array][] = [
  ['telea r5', (L, w, h, m) => inpaint(L, w, h, m, { radius: 5 })],
  ['telea r12', (L, w, h, m) => inpaint(L, w, h, m, { radius: 12 })],
  ['harmonic (shipped)', harmonicFill],
  ['biharmonic', biharmonicFill],
  ['harmonic, mask grown 1 px', (L, w, h, m) => harmonicFill(L, w, h, grow(m, w))],
];

async function main(): Promise<void> {
  await initBackend();
  const detector = defaultDetector();
  const files = evalPhotos(DEFAULT_POOL, 'tune', limit, seed);
  const gains = methods.map(() => ({ truth: [] as number[], detected: [] as number[], clean: [] as number[] }));
  for (const { name, seed: s } of files) {
    const { rgb, width: w, height: h } = await loadPhotoAtMost(DEFAULT_POOL, name, size);
    const L = rgb8ToL(rgb, 3);
    const dmg = synthesizeDamage(L, w, h, s, { fade: false });
    const base = greyPsnr(dmg.L, L);
    const det = detector.detect(dmg.L, w, h);
    const falseMarks = detector.detect(L, w, h);
    methods.forEach(([, fill], k) => {
      gains[k]!.clean.push(greyPsnr(fill(L, w, h, falseMarks), L));
      gains[k]!.truth.push(greyPsnr(fill(dmg.L, w, h, dmg.mask), L) - base);
      gains[k]!.detected.push(greyPsnr(fill(dmg.L, w, h, det), L) - base);
    });
  }
  console.log(`fill-compare: ${files.length} tune photos, ≤ ${size} px, seed ${seed}, detector ${detector.id}`);
  methods.forEach(([label], k) =>
    console.log(
      `${label.padEnd(20)} true mask +${mean(gains[k]!.truth).toFixed(2)} dB   detected mask +${mean(gains[k]!.detected).toFixed(2)} dB   clean photos ${mean(gains[k]!.clean).toFixed(2)} dB`,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
