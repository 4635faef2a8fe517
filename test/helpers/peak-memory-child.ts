// Runs in a fresh process (so its peak RSS belongs to this photo alone): decode, colorize and
// encode one photo as `heirloom colorize` does, then print what memory it took.
//   node dist/test/helpers/peak-memory-child.js <photo>
import { resolveModel } from '../../src-main/core/engine/model-registry';
import { initBackend } from '../../src-main/core/engine/backend';
import { decodePhoto } from '../../src-main/core/imaging/decode';
import { encodeColorized } from '../../src-main/core/imaging/encode';
import { colorizePixels } from '../../src-main/core/pipeline/colorize';

const peakMB = (): number => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  await initBackend();
  const { model } = await resolveModel(undefined);
  // Warm-up on a 2 MP grey frame: the render threads and the backend's buffers exist before the baseline.
  const [w, h] = [1600, 1250];
  await colorizePixels(
    { file: 'warm-up', width: w, height: h, rgb: Buffer.alloc(w * h * 3, 128), meta: { format: 'raw', width: w, height: h, hasAlpha: false } },
    model,
  );
  const baselineMB = peakMB();
  const photo = await decodePhoto(process.argv[2]);
  const imageMB = photo.rgb.length / 2 ** 20;
  const px = await colorizePixels(photo, model);
  const encoded = await encodeColorized(px.rgb, px.width, px.height, photo.meta, { format: 'jpg', quality: 92, software: 'test' });
  process.stdout.write(JSON.stringify({ baselineMB, peakMB: peakMB(), imageMB, encodedBytes: encoded.length }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
