// Detection at a scale tied to the print, not to the scan: damage widths grow with the scan's
// resolution, so the learned detector always looks at the photo with its long side brought to
// DETECT_WORKING_SIDE (shrunk by area averaging, or enlarged bilinearly), and the probabilities go
// back to full size bilinearly before the threshold. The same print scanned at 600 px and at 6,000 px
// is then the same picture to the network, and gives the same mask at either size.
import { damageProbabilitiesTiled, detectDamageWhole, detectorViews, type DamageNet } from './damage-net';
import { resizePlane, resizeRows, sizeForLongSide } from './resample';

/** The print's long side, in pixels, as the detector sees it (and as its training tiles were made). */
export const DETECT_WORKING_SIDE = 768;

/** Damage probabilities of an L plane (0..100) at full size, looked at on the detector's working scale. */
export function damageProbabilitiesAtPrintScale(
  net: DamageNet,
  L: Float32Array,
  width: number,
  height: number,
  side = net.manifest.workingSide ?? DETECT_WORKING_SIDE,
): Float32Array {
  const s = sizeForLongSide(width, height, side);
  return resizePlane(workingProbabilities(net, L, width, height, s), s.width, s.height, width, height);
}

/** The probabilities at the working size `s` (the photo brought there first). */
function workingProbabilities(net: DamageNet, L: Float32Array, width: number, height: number, s: { width: number; height: number }): Float32Array {
  const small = resizePlane(L, width, height, s.width, s.height);
  return damageProbabilitiesTiled(net, small, s.width, s.height, detectorViews(net));
}

/**
 * The 0/1 damage mask of a photo of any size, at the detector's tuned threshold unless one is given.
 * A detector from before print-scale training (no workingSide) looks at the pixels as they are.
 */
export function detectDamageAtPrintScale(
  net: DamageNet,
  L: Float32Array,
  width: number,
  height: number,
  threshold = net.manifest.threshold,
): Uint8Array {
  if (net.manifest.workingSide === undefined) return detectDamageWhole(net, L, width, height, threshold);
  const s = sizeForLongSide(width, height, net.manifest.workingSide);
  // Thresholded row by row as the probabilities come back to full size: a 24 MP float map is never held.
  const mask = new Uint8Array(width * height);
  resizeRows(workingProbabilities(net, L, width, height, s), s.width, s.height, width, height, (y, row) => {
    const o = y * width;
    for (let x = 0; x < width; x++) mask[o + x] = row[x]! >= threshold ? 1 : 0;
  });
  return mask;
}
