// What each part of a restore (repair + tone) of one photo costs, in a fresh process, after a warm-up
// on the same photo: decode, damage detection (the shipped detector as the repair runs it), the fill
// of the detected pixels, tone, and the JPEG. Prints one JSON line (seconds per part, peak RSS).
//   node dist/scripts/bench-restore-parts.js <photo>
import { rgb8ToL } from '../src-main/core/color/lab';
import { shippedFillNet } from '../src-main/core/restore/fill-net';
import { initBackend } from '../src-main/core/engine/backend';
import { decodePhoto } from '../src-main/core/imaging/decode';
import { encodeColorized } from '../src-main/core/imaging/encode';
import { repairPlanes } from '../src-main/core/restore';
import { lToGreyRgb } from '../src-main/core/restore/planes';
import { defaultDetector } from '../src-main/core/restore/restore-step';
import { restoreTone } from '../src-main/core/restore/tone';

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench-restore-parts <photo>');
  const backend = await initBackend();
  const detector = defaultDetector();
  const fillNet = shippedFillNet();
  const once = async (): Promise<Record<string, number>> => {
    let t = process.hrtime.bigint();
    const photo = await decodePhoto(file);
    const L = rgb8ToL(photo.rgb, 3);
    const decode = seconds(t);
    t = process.hrtime.bigint();
    const mask = detector.detect(L, photo.width, photo.height);
    const detect = seconds(t);
    t = process.hrtime.bigint();
    // The fill a restore uses: the learned one when installed (restore-step.ts), else the harmonic one.
    const filled = repairPlanes([L], photo.width, photo.height, { detector: () => mask, ...(fillNet ? { fill: 'learned', fillNet } : {}) });
    const fill = seconds(t);
    t = process.hrtime.bigint();
    restoreTone(L, photo.width, photo.height, {});
    const tone = seconds(t);
    t = process.hrtime.bigint();
    await encodeColorized(Buffer.from(lToGreyRgb(L).buffer), photo.width, photo.height, photo.meta, {
      format: 'jpg',
      quality: 92,
      software: 'bench',
    });
    const encode = seconds(t);
    return { decode, detect, fill, tone, encode, filledShare: filled / L.length };
  };
  await once();
  const parts = await once();
  process.stdout.write(
    JSON.stringify({
      parts,
      detector: detector.id,
      fill: fillNet?.manifest.id ?? 'harmonic',
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      backend: backend.name,
    }) + '\n',
  );
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
