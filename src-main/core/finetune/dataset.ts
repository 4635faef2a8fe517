// The user's colour photos as fine-tuning data: which ones can teach colour (not black-and-white,
// not tiny, readable), a deterministic share held out for measuring (see heldOutCount; the same
// photos for the whole run, resumes included), the rest kept in memory as Lab.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import sharp = require('sharp');
import { rgb8ToLab } from '../color/lab';
import { decodePhoto } from '../imaging/decode';
import { judgeMonochrome } from '../imaging/monochrome';
import { collectPhotos } from '../photo-files';
import { heldOutCount } from './recommend';

/** Training photos are stored with this short side; crops are taken from them. */
export const STORE_SIDE = 160;
/** Smaller than this on the short side carries too little to learn from. */
export const MIN_SIDE = 64;

export class FinetuneDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FinetuneDataError';
  }
}

export interface StoredPhoto {
  file: string;
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

export type SkipKind = 'unreadable' | 'small' | 'grey' | 'toned';

export interface DataSummary {
  folder: string;
  found: number;
  train: number;
  heldOut: number;
  /** `kind` says why for a window to word it in its language; `reason` is the English sentence. */
  skipped: Array<{ file: string; kind: SkipKind; reason: string }>;
}

export interface FinetuneData {
  train: StoredPhoto[];
  /** Held-out photos, measured through the full pipeline (never trained on). */
  heldOut: string[];
  summary: DataSummary;
}

/**
 * The photos with the lowest sha1(name) are held out, heldOutCount() of them. A resumed run passes the
 * list it started with: those stay held out (photos added since only train), so its numbers compare.
 */
function splitHeldOut(files: string[], fixed?: readonly string[]): { train: string[]; heldOut: string[] } {
  let held: Set<string>;
  if (fixed) {
    held = new Set(fixed.map((f) => path.resolve(f)).filter((f) => files.includes(f)));
  } else {
    const key = (f: string): number => parseInt(createHash('sha1').update(path.basename(f)).digest('hex').slice(0, 8), 16);
    const ranked = [...files].sort((x, y) => key(x) - key(y));
    held = new Set(ranked.slice(0, heldOutCount(files.length)));
  }
  return { train: files.filter((f) => !held.has(f)), heldOut: files.filter((f) => held.has(f)) };
}

export async function loadFinetuneData(folder: string, signal?: AbortSignal, fixedHeldOut?: readonly string[]): Promise<FinetuneData> {
  const { files, problems } = collectPhotos([folder]);
  if (problems.length) throw new FinetuneDataError(`Cannot read ${folder}: ${problems[0].error}.`);
  if (files.length === 0) throw new FinetuneDataError(`There are no photos in ${folder} (looked for JPEG, PNG, TIFF, WebP, HEIF and others).`);
  const skipped: DataSummary['skipped'] = [];
  const usable: Array<{ file: string; stored: StoredPhoto }> = [];
  for (const file of files) {
    signal?.throwIfAborted();
    let photo;
    try {
      photo = await decodePhoto(file);
    } catch (e) {
      skipped.push({ file, kind: 'unreadable', reason: (e as Error).message });
      continue;
    }
    if (Math.min(photo.width, photo.height) < MIN_SIDE) {
      skipped.push({
        file,
        kind: 'small',
        reason: `too small to learn from (${photo.width}×${photo.height}; at least ${MIN_SIDE} px on the short side)`,
      });
      continue;
    }
    const scale = STORE_SIDE / Math.min(photo.width, photo.height);
    const width = Math.max(STORE_SIDE, Math.round(photo.width * scale));
    const height = Math.max(STORE_SIDE, Math.round(photo.height * scale));
    const small = await sharp(photo.rgb, { raw: { width: photo.width, height: photo.height, channels: 3 } })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
    // Grey, sepia and other toned prints carry one hue that follows the lightness: learning from them
    // would teach the model to paint everything brown (a folder of them made it 13.6 % worse).
    const mono = judgeMonochrome(small, width, height);
    if (mono.monochrome) {
      const grey = mono.colouredShare < 0.02;
      skipped.push({
        file,
        kind: grey ? 'grey' : 'toned',
        reason: grey
          ? 'black and white: fine-tuning learns colour from colour photos'
          : 'sepia or toned (one hue throughout): fine-tuning learns colour from colour photos',
      });
      continue;
    }
    const lab = rgb8ToLab(small, 3);
    usable.push({ file, stored: { file, width, height, ...lab } });
  }
  if (usable.length === 0) {
    throw new FinetuneDataError(
      `None of the ${files.length} photos in ${folder} can teach colour (${skipped.length} skipped: ${skipped[0]?.reason ?? 'unknown'}). Choose a folder of colour photos.`,
    );
  }
  if (usable.length < 2)
    throw new FinetuneDataError(`Only one usable colour photo in ${folder}: at least 2 are needed (one is held out to measure).`);
  const split = splitHeldOut(
    usable.map((u) => path.resolve(u.file)),
    fixedHeldOut,
  );
  const held = new Set(split.heldOut);
  return {
    train: usable.filter((u) => !held.has(path.resolve(u.file))).map((u) => u.stored),
    heldOut: split.heldOut,
    summary: { folder: path.resolve(folder), found: files.length, train: usable.length - held.size, heldOut: held.size, skipped },
  };
}
