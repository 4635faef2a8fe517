// The colour pipeline for one photo (ARCHITECTURE.md): L at full resolution; the network predicts
// ab at working size; ab is upsampled edge-aware in two guided steps; recombined with the
// original L (lightness never altered), converted back to sRGB.
import sharp = require('sharp');
import { rgb8ToL } from '../color/lab';
import type { LoadedModel } from '../engine/model-store';
import { AbMap, decodeAb, DecodeOptions, Hints, RawPrediction, runNetwork } from '../engine/predict';
import type { DecodedPhoto } from '../imaging/decode';
import { fitGuidedCoefficients, guidedUpsample } from '../imaging/guided-upsample';
import { renderFullResolution } from './render-pool';
import { workingDims } from './working-size';
import { PointHint, rasteriseHints } from '../hints/point-hints';

export interface ColorizeParams extends DecodeOptions {
  /** Short side, in pixels, the network sees; defaults to the model's own. */
  workingSize?: number;
  /** Multiplies the predicted colour (1 = as predicted). */
  saturation?: number;
  /** Colour hints already at working size (simulated ones, say). */
  hints?: Hints;
  /** A user's point hints; rasterised at the working size this photo gets (ignored when `hints` is given). */
  pointHints?: readonly PointHint[];
}

export interface ColorizedPixels {
  width: number;
  height: number;
  rgb: Buffer;
  workingWidth: number;
  workingHeight: number;
  millis: { prepare: number; predict: number; upsample: number };
}

// Guided filter settings: radius in samples of the lower level, eps in L² units (L is 0..100).
const GUIDE_RADIUS = 2;
const GUIDE_EPS = 25;

async function resizedL(rgb: Buffer, width: number, height: number, w: number, h: number): Promise<Float32Array> {
  const small = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer();
  return rgb8ToL(small, 3);
}

/** The photo's lightness at the working size: what the network (and a fine-tune's archive gate) sees. */
export async function workingLightness(photo: DecodedPhoto, workingSize: number): Promise<{ L: Float32Array; width: number; height: number }> {
  const work = workingDims(photo.width, photo.height, workingSize);
  return { ...work, L: await resizedL(photo.rgb, photo.width, photo.height, work.width, work.height) };
}

/** Mean of each output pixel's footprint (w × h → ow × oh, any ratio; exact block means when it divides). */
export function boxDownsample(src: Float32Array, w: number, h: number, ow: number, oh: number): Float32Array {
  const out = new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    const y0 = Math.floor((y * h) / oh);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / oh));
    for (let x = 0; x < ow; x++) {
      const x0 = Math.floor((x * w) / ow);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / ow));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += src[yy * w + xx];
      out[y * ow + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

function scaleAb(ab: AbMap, factor: number): void {
  if (factor === 1) return;
  for (let i = 0; i < ab.a.length; i++) {
    ab.a[i] *= factor;
    ab.b[i] *= factor;
  }
}

/** What the network made of one photo, before decoding: kept apart so decode settings can be re-tried cheaply. */
export interface NetworkStage {
  workWidth: number;
  workHeight: number;
  workL: Float32Array;
  raw: RawPrediction;
  millis: { prepare: number; predict: number };
}

export async function runNetworkStage(photo: DecodedPhoto, model: LoadedModel, params: ColorizeParams = {}): Promise<NetworkStage> {
  const t0 = Date.now();
  const work = await workingLightness(photo, params.workingSize ?? model.manifest.workingSize);
  const workL = work.L;
  const t1 = Date.now();
  const hints = params.hints ?? (params.pointHints?.length ? rasteriseHints(params.pointHints, work.width, work.height) : undefined);
  const raw = runNetwork(model, workL, work.width, work.height, hints);
  return { workWidth: work.width, workHeight: work.height, workL, raw, millis: { prepare: t1 - t0, predict: Date.now() - t1 } };
}

/** Decode → guided upsampling → recombination with the photo's own full-resolution L. */
export async function finishColorize(
  photo: DecodedPhoto,
  model: LoadedModel,
  stage: NetworkStage,
  params: ColorizeParams = {},
): Promise<ColorizedPixels> {
  const t2 = Date.now();
  const { width, height, rgb } = photo;
  let ab = decodeAb(model, stage.raw, params);
  if (ab.width !== stage.workWidth) {
    // Step 1: network resolution → working resolution, guided by the working-size L.
    // The guide at the network's resolution, averaged from the working L (not a second pass over the full-resolution photo).
    const lowL = boxDownsample(stage.workL, stage.workWidth, stage.workHeight, ab.width, ab.height);
    ab = guidedUpsample(lowL, ab, stage.workL, stage.workWidth, stage.workHeight, GUIDE_RADIUS, GUIDE_EPS);
  }
  scaleAb(ab, params.saturation ?? 1);
  // Step 2: working resolution → full resolution, row by row straight into sRGB, on all cores.
  const coeffs = fitGuidedCoefficients(stage.workL, ab, GUIDE_RADIUS, GUIDE_EPS);
  const out = await renderFullResolution(rgb, width, height, coeffs);
  return {
    width,
    height,
    rgb: out,
    workingWidth: stage.workWidth,
    workingHeight: stage.workHeight,
    millis: { ...stage.millis, upsample: Date.now() - t2 },
  };
}

export async function colorizePixels(photo: DecodedPhoto, model: LoadedModel, params: ColorizeParams = {}): Promise<ColorizedPixels> {
  return finishColorize(photo, model, await runNetworkStage(photo, model, params), params);
}
