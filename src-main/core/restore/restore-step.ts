// The restore step of a restore job (HeirloomCore): a decoded photo in, a restored decoded photo out,
// and what to record with the output so the result can be made again (steps, detector, counts).
import type { DecodedPhoto } from '../imaging/decode';
import type { RestoreSteps } from '../jobs/job-params';
import { detectDamage } from './detect';
import { detectDamageWhole, shippedDamageNet } from './damage-net';
import { restorePixels } from './restore';

export interface RestoredDecoded {
  photo: DecodedPhoto;
  /** The photo is black and white (only then does a restore job colorize it). */
  grey: boolean;
  repairedPixels: number;
  /** Which damage detector ran: the shipped network's id, or 'classical' when none is installed. */
  detector: string | null;
}

/** The damage detector a repair uses: the shipped learned one when present (at its tuned threshold, or `threshold`), else the classical one. */
export function defaultDetector(threshold?: number): { id: string; detect: (L: Float32Array, w: number, h: number) => Uint8Array } {
  const net = shippedDamageNet();
  return net
    ? { id: net.manifest.id, detect: (L, w, h) => detectDamageWhole(net, L, w, h, threshold ?? net.manifest.threshold) }
    : { id: 'classical', detect: (L, w, h) => detectDamage(L, w, h) };
}

export function restoreDecoded(photo: DecodedPhoto, steps: RestoreSteps): RestoredDecoded {
  const detector = steps.repair ? defaultDetector() : undefined;
  const r = restorePixels(photo.rgb, photo.width, photo.height, {
    repair: steps.repair,
    detector: detector?.detect,
    tone: steps.tone ? {} : false,
    recolor: steps.recolorFaded ? {} : false,
  });
  return { photo: { ...photo, rgb: r.rgb }, grey: r.grey, repairedPixels: r.repairedPixels, detector: detector?.id ?? null };
}

/** What goes into the output's recorded parameters besides the colorize settings. */
export function restoreProvenance(steps: RestoreSteps, r: RestoredDecoded, colorized: boolean): Record<string, unknown> {
  return { steps, colorized, grey: r.grey, detector: r.detector, repairedPixels: r.repairedPixels };
}
