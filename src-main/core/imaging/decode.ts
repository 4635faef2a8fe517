// Decoding a user's photo with sharp: header checks first (size limits before any pixel is
// decoded), then EXIF orientation applied, colour converted to 8-bit sRGB, alpha flattened.
import * as fs from 'node:fs';
import sharp = require('sharp');
import { explainReadError, PhotoError } from './photo-error';

/** Refuse images above this many pixels before decoding (a 40 MP scan is fine; 30000² is not). */
export const DEFAULT_MAX_PIXELS = 150_000_000;

export interface PhotoMeta {
  format: string;
  /** Pixel size as displayed, i.e. after EXIF orientation. */
  width: number;
  height: number;
  exif?: Buffer;
  icc?: Buffer;
  /** libvips' interpretation of the input, e.g. 'srgb', 'b-w', 'cmyk', 'rgb16', 'grey16'. */
  space?: string;
  bitsPerSample?: number;
  hasAlpha: boolean;
  density?: number;
  pages?: number;
}

export interface DecodedPhoto {
  file: string;
  width: number;
  height: number;
  /** Interleaved 8-bit sRGB, 3 channels, orientation applied. */
  rgb: Buffer;
  meta: PhotoMeta;
}

export interface DecodeOptions {
  maxPixels?: number;
}

function orientedSize(m: sharp.Metadata): { width: number; height: number } {
  const w = m.width ?? 0;
  const h = m.height ?? 0;
  return (m.orientation ?? 1) >= 5 ? { width: h, height: w } : { width: w, height: h };
}

/** Reads only the header: cheap, and enough to refuse absurd sizes. */
export async function readPhotoMeta(file: string, opts: DecodeOptions = {}): Promise<PhotoMeta> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (e) {
    throw explainReadError(file, e);
  }
  if (!stat.isFile()) throw new PhotoError('not-an-image', file, 'not a file', { code: 'photo.notAFile' });
  if (stat.size === 0) throw new PhotoError('empty', file, 'the file is empty (0 bytes)');
  let m: sharp.Metadata;
  try {
    m = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw explainReadError(file, e);
  }
  const { width, height } = orientedSize(m);
  if (!width || !height) throw new PhotoError('not-an-image', file, 'the image has no pixel size');
  const max = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > max) {
    throw new PhotoError(
      'too-large',
      file,
      `the image is too large: ${width}×${height} pixels (${((width * height) / 1e6).toFixed(0)} MP); Heirloom's limit is ${(max / 1e6).toFixed(0)} MP`,
      { code: 'photo.tooLarge', params: { mp: Math.round((width * height) / 1e6), max: Math.round(max / 1e6) } },
    );
  }
  return {
    format: m.format ?? 'unknown',
    width,
    height,
    exif: m.exif,
    icc: m.icc,
    space: m.space,
    bitsPerSample: typeof m.depth === 'string' ? (m.depth.includes('16') || m.depth === 'ushort' ? 16 : 8) : undefined,
    hasAlpha: m.hasAlpha ?? false,
    density: m.density,
    pages: m.pages,
  };
}

/** Full decode to 8-bit sRGB (first frame of animations; CMYK and 16-bit converted). */
export async function decodePhoto(file: string, opts: DecodeOptions = {}): Promise<DecodedPhoto> {
  const meta = await readPhotoMeta(file, opts);
  try {
    let img = sharp(file, { limitInputPixels: false, failOn: 'truncated', pages: 1 }).rotate();
    if (meta.hasAlpha) img = img.flatten({ background: '#ffffff' });
    const { data, info } = await img.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new PhotoError('unsupported', file, `unexpected channel count ${info.channels} after conversion`);
    return { file, width: info.width, height: info.height, rgb: data, meta };
  } catch (e) {
    throw explainReadError(file, e);
  }
}
