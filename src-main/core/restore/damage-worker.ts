// Finds one photo's damage on a thread of its own (damage-mask.ts findDamageOffThread): the learned
// detector takes seconds on a large scan, and the thread that answers the window must not wait.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../engine/backend';
import { decodePhoto } from '../imaging/decode';
import { detectedDamage, FoundDamage } from './damage-mask';
import { maskForDisplay } from './mask-edit';

async function main(): Promise<FoundDamage> {
  const { file, maxSize } = workerData as { file: string; maxSize: number };
  await initBackend();
  const photo = await decodePhoto(file);
  const { mask, detector } = detectedDamage(photo);
  let damaged = 0;
  for (let i = 0; i < mask.length; i++) damaged += mask[i]!;
  const shown = maskForDisplay(mask, photo.width, photo.height, maxSize);
  return { width: shown.width, height: shown.height, bits: shown.bits, fraction: damaged / mask.length, detector };
}

main().then(
  (found) => parentPort!.postMessage({ found }, [found.bits.buffer as ArrayBuffer]),
  (e: Error) => parentPort!.postMessage({ error: e.message }),
);
