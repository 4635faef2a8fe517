// The restore step of a restore job (HeirloomCore): a decoded photo in, a restored decoded photo out,
// and what to record with the output so the result can be made again (steps, detector, fill, counts).
import type { DecodedPhoto } from '../imaging/decode';
import type { RestoreSteps } from '../jobs/job-params';
import { detectDamage } from './detect';
import { detectorViews, shippedDamageNet, type DamageNet, type DetectViews } from './damage-net';
import { detectDamageAtPrintScale } from './detect-scale';
import { shippedFillNet } from './fill-net';
import { withMaskEdit } from './mask-edit';
import { cropPixels, tornEdgeCrop, type CropRect } from './torn-crop';
import { DEFAULT_REPAIR_FILL, restorePixels, type RepairFill } from './restore';
import { loadUpscaler, upscaleRgb, type UpscaleFactor, type UpscaleOptions } from './upscale';

export interface RestoredDecoded {
  photo: DecodedPhoto;
  /** The photo is black and white (only then does a restore job colorize it). */
  grey: boolean;
  repairedPixels: number;
  /** Which damage detector ran: the shipped network's id, or 'classical' when none is installed. */
  detector: string | null;
  /** The learned detector's threshold and mirror views (absent for the classical one). */
  detection?: DetectionSettings;
  /** How the damage was filled (null when repair was off). */
  fill: RepairFill | null;
  /** The learned fill's id, when it filled. */
  fillModel?: string;
  /** Set when torn edges were cropped away: the part of the photo kept, in its pixels. */
  crop?: CropRect;
  /** Set when the photo was enlarged: by how much, with which network (name@package version). */
  upscale?: { factor: UpscaleFactor; model: string };
}

export interface DetectionSettings {
  threshold: number;
  views: DetectViews;
}

/**
 * The damage detector a repair uses: the learned one (`candidate`, else the shipped one) at its tuned
 * threshold or at `threshold`; the classical one when no learned one is installed.
 */
export function defaultDetector(
  threshold?: number,
  candidate?: DamageNet,
): { id: string; settings?: DetectionSettings; detect: (L: Float32Array, w: number, h: number) => Uint8Array } {
  const net = candidate ?? shippedDamageNet();
  if (!net) return { id: 'classical', detect: (L, w, h) => detectDamage(L, w, h) };
  const settings = { threshold: threshold ?? net.manifest.threshold, views: detectorViews(net) };
  return { id: net.manifest.id, settings, detect: (L, w, h) => detectDamageAtPrintScale(net, L, w, h, settings.threshold) };
}

export function restoreDecoded(photo: DecodedPhoto, steps: RestoreSteps): RestoredDecoded {
  // A person's brush strokes (the photo view) edit the detected mask before it is filled.
  const detector = steps.repair ? withMaskEdit(defaultDetector(), steps.maskEdit) : undefined;
  let mask: Uint8Array | undefined;
  // The learned fill when it is installed (fill-net.ts), else the harmonic one.
  const fillNet = steps.repair ? shippedFillNet() : null;
  const fill: RepairFill = fillNet ? 'learned' : DEFAULT_REPAIR_FILL;
  const r = restorePixels(photo.rgb, photo.width, photo.height, {
    repair: steps.repair,
    fill,
    ...(fillNet ? { fillNet } : {}),
    detector: detector && ((L, w, h) => (mask = detector.detect(L, w, h))),
    tone: steps.tone ? {} : false,
    recolor: steps.recolorFaded ? {} : false,
  });
  const restored: RestoredDecoded = {
    photo: { ...photo, rgb: r.rgb },
    grey: r.grey,
    repairedPixels: r.repairedPixels,
    detector: detector?.id ?? null,
    ...(detector?.settings ? { detection: detector.settings } : {}),
    fill: steps.repair ? fill : null,
    ...(fillNet ? { fillModel: fillNet.manifest.id } : {}),
  };
  const crop = steps.tornEdges === 'crop' && mask ? tornEdgeCrop(mask, photo.width, photo.height) : null;
  return crop ? cropRestored(restored, crop) : restored;
}

/** The restored photo cut to `crop` (its torn edges left out); the size in its metadata follows. */
function cropRestored(r: RestoredDecoded, crop: CropRect): RestoredDecoded {
  const rgb = cropPixels(r.photo.rgb, r.photo.width, 3, crop);
  const meta = { ...r.photo.meta, width: crop.width, height: crop.height };
  return { ...r, photo: { ...r.photo, rgb, width: crop.width, height: crop.height, meta }, crop };
}

/** What goes into the output's recorded parameters besides the colorize settings. */
export function restoreProvenance(steps: RestoreSteps, r: RestoredDecoded, colorized: boolean): Record<string, unknown> {
  return {
    steps,
    colorized,
    grey: r.grey,
    detector: r.detector,
    ...(r.detection ? { detection: r.detection } : {}),
    fill: r.fill,
    ...(r.fillModel ? { fillModel: r.fillModel } : {}),
    repairedPixels: r.repairedPixels,
    ...(r.crop ? { crop: r.crop } : {}),
    ...(r.upscale ? { upscale: r.upscale } : {}),
  };
}

/**
 * The enlarging step (steps.upscale), after repair and tone and before colorizing: the restored photo
 * ×2 or ×4, so colorizing puts its colour on the enlarged lightness. No factor: returned as it is.
 */
export async function upscaleRestored(
  r: RestoredDecoded,
  steps: RestoreSteps,
  opts: Pick<UpscaleOptions, 'onProgress' | 'signal'> = {},
): Promise<RestoredDecoded> {
  if (!steps.upscale) return r;
  const up = await loadUpscaler(steps.upscale);
  const big = await upscaleRgb(up, r.photo.rgb, r.photo.width, r.photo.height, { ...opts, grey: r.grey });
  // The same print size: the enlarged photo has factor × the pixels per inch.
  const m = r.photo.meta;
  const meta = { ...m, width: m.width * up.factor, height: m.height * up.factor, ...(m.density ? { density: m.density * up.factor } : {}) };
  return { ...r, photo: { ...r.photo, rgb: big.rgb, width: big.width, height: big.height, meta }, upscale: { factor: up.factor, model: up.model } };
}
