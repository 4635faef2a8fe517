// The damage mask the repair step would fill, for the photo view's overlay: the same detector on the
// same lightness, at full size. (A colour print restored with "faded colour" is detected after its
// colour is stretched; the overlay shows the mask of its pixels as they are, which differs little.)
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { rgb8ToL } from '../color/lab';
import type { DecodedPhoto } from '../imaging/decode';
import { defaultDetector } from './restore-step';

export function detectedDamage(photo: DecodedPhoto): { mask: Uint8Array; detector: string } {
  const detector = defaultDetector();
  const L = rgb8ToL(photo.rgb, 3);
  return { mask: detector.detect(L, photo.width, photo.height), detector: detector.id };
}

/** A photo's damage as the window shows it: the mask at display size, one bit a pixel, row by row. */
export interface FoundDamage {
  width: number;
  height: number;
  bits: Uint8Array;
  /** Share of the full-size photo's pixels found damaged. */
  fraction: number;
  detector: string;
}

/** Decodes the photo file and finds its damage in a worker thread (damage-worker.ts), so the caller's thread stays free. */
export function findDamageOffThread(file: string, maxSize: number): Promise<FoundDamage> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'damage-worker.js'), { workerData: { file, maxSize } });
    let settled = false;
    w.once('message', (m: { found?: FoundDamage; error?: string }) => {
      settled = true;
      if (m.found) resolve(m.found);
      else reject(new Error(m.error ?? 'the damage could not be found'));
      void w.terminate();
    });
    w.once('error', (e) => {
      settled = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`finding the damage stopped unexpectedly (exit code ${code})`));
    });
  });
}
