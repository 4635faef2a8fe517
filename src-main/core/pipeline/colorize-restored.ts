// Colorizing a restored print. The network gives a faded print more colour than the same print with
// its blacks and whites brought back (issue 30: on 30 faded held-out photos, 13.2 mean chroma as
// scanned against 11.8 after tone), so a restore came out paler than a plain colorize of the same
// file. The restored photo is colorized as usual, with its colour brought up to the chroma the network
// gave the print as it came in (never down, at most RESTORED_CHROMA_MAX times); the factor is
// recorded with the output so it can be made again.
import type { LoadedModel } from '../engine/model-store';
import { decodeAb, type RawPrediction } from '../engine/predict';
import type { DecodedPhoto } from '../imaging/decode';
import { finishColorize, runNetworkStage, type ColorizedPixels, type ColorizeParams } from './colorize';

/** The largest lift of the restored photo's colour. */
export const RESTORED_CHROMA_MAX = 1.5;

function meanChroma(model: LoadedModel, raw: RawPrediction, params: ColorizeParams): number {
  const ab = decodeAb(model, raw, params);
  let s = 0;
  for (let i = 0; i < ab.a.length; i++) s += Math.hypot(ab.a[i]!, ab.b[i]!);
  return s / Math.max(1, ab.a.length);
}

/**
 * `restored` colorized with its chroma matched to what the network makes of `asScanned` (the photo
 * before restoration; any size: only its mean chroma is used). Returns the pixels and the factor.
 */
export async function colorizeRestored(
  asScanned: DecodedPhoto,
  restored: DecodedPhoto,
  model: LoadedModel,
  params: ColorizeParams = {},
): Promise<{ pixels: ColorizedPixels; chromaMatch: number }> {
  const stage = await runNetworkStage(restored, model, params);
  // Hints already at one working size belong to one photo's grid: then the colour is the person's, as given.
  let chromaMatch = 1;
  if (!params.hints) {
    const before = await runNetworkStage(asScanned, model, params);
    const ratio = meanChroma(model, before.raw, params) / Math.max(1e-6, meanChroma(model, stage.raw, params));
    // Rounded before use: the recorded factor makes exactly this output again.
    chromaMatch = Math.round(Math.min(RESTORED_CHROMA_MAX, Math.max(1, ratio)) * 1e4) / 1e4;
  }
  const pixels = await finishColorize(restored, model, stage, { ...params, saturation: (params.saturation ?? 1) * chromaMatch });
  return { pixels, chromaMatch };
}
