// The hand-checked masks of real damaged photos (training/real-masks/, made by training/real_masks.py
// on ../shared/datasets/real-damage/) and their split by source into a tune and a report part.
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp = require('sharp');
import { rgb8ToL } from '../src-main/core/color/lab';
import { decodePhoto } from '../src-main/core/imaging/decode';

export const REAL_DAMAGE = path.resolve(__dirname, '..', '..', '..', 'shared', 'datasets', 'real-damage');
export const REAL_MASKS = path.resolve(__dirname, '..', '..', 'training', 'real-masks');

export type RealPart = 'tune' | 'report';

export interface RealPhoto {
  file: string;
  /** The source: the file name's prefix before the first '_'. */
  source: string;
  L: Float32Array;
  mask: Uint8Array;
  width: number;
  height: number;
}

/** The photo file names of one part of the split (training/real-masks/split.json). */
export function realPart(part: RealPart): string[] {
  const split = JSON.parse(fs.readFileSync(path.join(REAL_MASKS, 'split.json'), 'utf8')) as Record<RealPart, string[]>;
  return split[part].filter((f) => fs.existsSync(maskFile(f)));
}

const maskFile = (file: string): string => path.join(REAL_MASKS, `${path.parse(file).name}.png`);

/** A real damaged photo's lightness and its hand mask, both at the photo's full size. */
export async function loadRealPhoto(file: string): Promise<RealPhoto> {
  const photo = await decodePhoto(path.join(REAL_DAMAGE, file));
  const { data, info } = await sharp(maskFile(file)).greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== photo.width || info.height !== photo.height)
    throw new Error(`${file}: mask is ${info.width}×${info.height}, the photo ${photo.width}×${photo.height}`);
  const mask = new Uint8Array(info.width * info.height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i * info.channels]! >= 128 ? 1 : 0;
  return { file, source: file.split('_')[0]!, L: rgb8ToL(photo.rgb, 3), mask, width: photo.width, height: photo.height };
}

/** A hand mask alone (0/1, at its photo's size): the shape of real damage, without the photo. */
export async function loadRealMask(file: string): Promise<{ source: string; mask: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(maskFile(file)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const mask = new Uint8Array(info.width * info.height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i * info.channels]! >= 128 ? 1 : 0;
  return { source: file.split('_')[0]!, mask, width: info.width, height: info.height };
}
