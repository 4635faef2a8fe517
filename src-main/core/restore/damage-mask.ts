// The damage mask the repair step would fill, for the photo view's overlay: the same detector on the
// same lightness, at full size. (A colour print restored with "faded colour" is detected after its
// colour is stretched; the overlay shows the mask of its pixels as they are, which differs little.)
import { rgb8ToL } from '../color/lab';
import type { DecodedPhoto } from '../imaging/decode';
import { defaultDetector } from './restore-step';

export function detectedDamage(photo: DecodedPhoto): { mask: Uint8Array; detector: string } {
  const detector = defaultDetector();
  const L = rgb8ToL(photo.rgb, 3);
  return { mask: detector.detect(L, photo.width, photo.height), detector: detector.id };
}
