// The restore chain for one photo, at full resolution: decode → L (colour photos: levels and
// chroma first, keeping their own colour) → repair (detect + inpaint) → tone → RGB. Repair runs in
// overlapping tiles so a 24 MP photo needs only its L plane (three Lab planes for colour) plus
// tile-sized scratch memory; detection and inpainting see a margin around each tile so damage
// crossing a tile edge is found and filled from both sides, and only the tile's core is written.
import { labToRgb8, rgb8ToL, rgb8ToLab } from '../color/lab';
import { decodePhoto, DecodeOptions, PhotoMeta } from '../imaging/decode';
import { judgeMonochrome } from '../imaging/monochrome';
import { detectDamage, DetectOptions } from './detect';
import { fillLearned, type FillNet } from './fill-net';
import { relaxHarmonic } from './harmonic';
import { inpaintInPlace, InpaintOptions } from './inpaint';
import { lToGreyRgb } from './planes';
import { recolorFaded, RecolorOptions, restoreTone, ToneOptions } from './tone';

/** How the masked pixels are filled; recorded with each output so it can be made again. */
export type RepairFill = 'learned' | 'harmonic' | 'telea';
export const DEFAULT_REPAIR_FILL: RepairFill = 'harmonic';

export interface RepairOptions {
  /** Options of the classical detector (used when no `detector` is given). */
  detect?: DetectOptions;
  /**
   * A damage detector run once on the whole L plane (0..100) → 0/1 mask (the learned one tiles and
   * scales itself); default: the classical one (detect.ts), run tile by tile.
   */
  detector?: (L: Float32Array, width: number, height: number) => Uint8Array;
  inpaint?: InpaintOptions;
  /**
   * 'harmonic' (default): Telea's fill relaxed to a harmonic one (harmonic.ts says why); 'telea':
   * Telea's alone; 'learned': the harmonic fill, then `fillNet`'s correction on L (fill-net.ts).
   */
  fill?: RepairFill;
  /** The learned fill, needed for fill 'learned'. */
  fillNet?: FillNet;
  /** Tile core side in pixels; default 1024. */
  tile?: number;
  /** Context around each tile, px; default 32 (must exceed the detector's windows and the damage width). */
  margin?: number;
}

export interface RestoreOptions extends RepairOptions {
  /** Detect and fill scratches, dust and creases; default true. */
  repair?: boolean;
  /** Tone restoration of grey photos (false: off); default on. */
  tone?: ToneOptions | false;
  /** Faded-colour restoration of colour photos (false: keep their colour as is); default on. */
  recolor?: RecolorOptions | false;
  /** 'auto' (default) decides from the pixels; 'grey' makes the result R = G = B from L. */
  mode?: 'auto' | 'grey' | 'colour';
}

export interface RestoredPixels {
  width: number;
  height: number;
  /** Interleaved 8-bit sRGB, 3 channels, the input's size. */
  rgb: Buffer;
  grey: boolean;
  /** Pixels found damaged and filled. */
  repairedPixels: number;
}

/**
 * Detects damage on planes[0] (L) tile by tile and fills it in every plane, in place. Returns the
 * number of pixels filled. Pixels outside the detected mask are never written.
 */
export function repairPlanes(planes: Float32Array[], width: number, height: number, opts: RepairOptions = {}): number {
  const tile = opts.tile ?? 1024,
    m = opts.margin ?? 32;
  const whole = opts.detector?.(planes[0]!, width, height);
  const fill = opts.fill ?? DEFAULT_REPAIR_FILL;
  if (fill === 'learned' && !opts.fillNet) throw new Error('the learned fill needs its network (fillNet)');
  // The learned fill looks at the whole photo's mask at once: the tiles only collect it.
  const fullMask = fill === 'learned' ? (whole ?? new Uint8Array(width * height)) : null;
  let filled = 0;
  for (let ty = 0; ty < height; ty += tile) {
    for (let tx = 0; tx < width; tx += tile) {
      const cx1 = Math.min(width, tx + tile),
        cy1 = Math.min(height, ty + tile);
      const x0 = Math.max(0, tx - m),
        y0 = Math.max(0, ty - m);
      const x1 = Math.min(width, cx1 + m),
        y1 = Math.min(height, cy1 + m);
      const w = x1 - x0,
        h = y1 - y0;
      const subs = planes.map((p) => {
        const s = new Float32Array(w * h);
        for (let y = 0; y < h; y++) s.set(p.subarray((y0 + y) * width + x0, (y0 + y) * width + x1), y * w);
        return s;
      });
      let mask: Uint8Array;
      if (whole) {
        mask = new Uint8Array(w * h);
        for (let y = 0; y < h; y++) mask.set(whole.subarray((y0 + y) * width + x0, (y0 + y) * width + x1), y * w);
      } else {
        mask = detectDamage(subs[0]!, w, h, opts.detect);
      }
      let any = false;
      for (let i = 0; i < mask.length; i++)
        if (mask[i]) {
          any = true;
          break;
        }
      if (!any) continue;
      if (!fullMask) {
        inpaintInPlace(subs, w, h, mask, opts.inpaint);
        if (fill !== 'telea') relaxHarmonic(subs, w, h, mask);
      }
      for (let y = ty; y < cy1; y++) {
        for (let x = tx; x < cx1; x++) {
          const k = (y - y0) * w + (x - x0);
          if (!mask[k]) continue;
          filled++;
          if (fullMask) {
            fullMask[y * width + x] = 1;
            continue;
          }
          for (let c = 0; c < planes.length; c++) planes[c]![y * width + x] = subs[c]![k]!;
        }
      }
    }
  }
  if (fullMask && filled > 0) fillLearned(opts.fillNet!, planes, width, height, fullMask);
  return filled;
}

/** Restores decoded pixels (interleaved 8-bit sRGB, 3 channels). */
export function restorePixels(rgb: Uint8Array, width: number, height: number, opts: RestoreOptions = {}): RestoredPixels {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width}×${height}×3 bytes, got ${rgb.length}`);
  const mode = opts.mode ?? 'auto';
  // Sepia and other toned prints count as black and white: only their L goes on, so the cast goes.
  const grey = mode === 'grey' || (mode === 'auto' && judgeMonochrome(rgb, width, height).monochrome);
  const repair = opts.repair ?? true;
  if (grey) {
    const L = rgb8ToL(rgb, 3);
    const repairedPixels = repair ? repairPlanes([L], width, height, opts) : 0;
    // Tone after repair: bright scratches would otherwise pull the white point.
    if (opts.tone !== false) restoreTone(L, width, height, opts.tone || {});
    const out = Buffer.alloc(width * height * 3);
    lToGreyRgb(L, out);
    return { width, height, rgb: out, grey, repairedPixels };
  }
  const src = opts.recolor === false ? rgb : recolorFaded(rgb, opts.recolor || {});
  const lab = rgb8ToLab(src, 3);
  const repairedPixels = repair ? repairPlanes([lab.L, lab.a, lab.b], width, height, opts) : 0;
  const out = Buffer.alloc(width * height * 3);
  labToRgb8(lab.L, lab.a, lab.b, out);
  return { width, height, rgb: out, grey, repairedPixels };
}

export interface RestoredPhoto extends RestoredPixels {
  file: string;
  meta: PhotoMeta;
}

/** Decodes a photo file (orientation applied) and restores it at full resolution. */
export async function restorePhoto(file: string, opts: RestoreOptions & DecodeOptions = {}): Promise<RestoredPhoto> {
  const photo = await decodePhoto(file, opts);
  const result = restorePixels(photo.rgb, photo.width, photo.height, opts);
  return { ...result, file, meta: photo.meta };
}
