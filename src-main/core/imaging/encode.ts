// Encoding a colorized result with the original's metadata: the EXIF fields a family cares about
// (date taken, camera, description, author) and its colour profile where it can describe colour.
import exifReader from 'exif-reader';
import sharp = require('sharp');
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PhotoMeta } from './decode';

export type OutputFormat = 'jpg' | 'png' | 'tiff';
export const OUTPUT_FORMATS: OutputFormat[] = ['jpg', 'png', 'tiff'];

/**
 * Photos up to this size get optimised JPEG Huffman tables; larger scans do not. Optimising keeps
 * every DCT coefficient in memory (2 bytes per sample: 860 MB at 144 MP) and, measured on a 24 MP
 * scan, took 2.09 s against 0.14 s without, for a file only 4 % smaller (scripts/bench-one.ts io).
 */
export const OPTIMISE_CODING_MAX_PIXELS = 8_000_000;

export interface EncodeOptions {
  format: OutputFormat;
  quality?: number;
  /** Written into EXIF Software, so a colorized file says what made it. */
  software: string;
  /** Written into EXIF UserComment, e.g. which model checkpoint made the colours. */
  note?: string;
}

function exifDate(d: unknown): string | undefined {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) return undefined;
  const p = (n: number): string => String(n).padStart(2, '0');
  // exif-reader reads EXIF's zone-less local time as if it were UTC; write it back the same way.
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export interface ExifSummary {
  takenAt?: string;
  camera?: string;
  description?: string;
  ifd0: Record<string, string>;
  exifIfd: Record<string, string>;
}

/** The EXIF fields Heirloom carries over, parsed from the original's raw EXIF block. */
export function readExif(raw?: Buffer): ExifSummary {
  const empty: ExifSummary = { ifd0: {}, exifIfd: {} };
  if (!raw) return empty;
  let e: ReturnType<typeof exifReader>;
  try {
    e = exifReader(raw);
  } catch {
    return empty; // unreadable EXIF is not a reason to fail a photo
  }
  const image = (e.Image ?? {}) as Record<string, unknown>;
  const photo = (e.Photo ?? {}) as Record<string, unknown>;
  const ifd0: Record<string, string> = {};
  for (const k of ['Make', 'Model', 'ImageDescription', 'Artist', 'Copyright']) {
    const v = image[k];
    if (typeof v === 'string' && v.trim()) ifd0[k] = v.replace(/\0+$/, '');
  }
  const dt = exifDate(image.DateTime);
  if (dt) ifd0.DateTime = dt;
  const exifIfd: Record<string, string> = {};
  const taken = exifDate(photo.DateTimeOriginal);
  const digitized = exifDate(photo.DateTimeDigitized);
  if (taken) exifIfd.DateTimeOriginal = taken;
  if (digitized) exifIfd.DateTimeDigitized = digitized;
  const camera = [ifd0.Make, ifd0.Model].filter(Boolean).join(' ') || undefined;
  const takenIso = taken ? taken.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T') : undefined;
  return { takenAt: takenIso, camera, description: ifd0.ImageDescription, ifd0, exifIfd };
}

/**
 * libvips reads EXIF strings as "value (description)" and drops a trailing " (…)" when writing, so
 * "Grandma and Grandpa (1952)" would be saved as "Grandma and Grandpa". An empty " ()" added to such
 * values is what it drops instead.
 */
function protectTails(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v.endsWith(')') ? `${v} ()` : v;
  return out;
}

/** True for ICC profiles that can describe an RGB image (a scanner's grey profile cannot). */
function iccIsRgb(icc: Buffer): boolean {
  return icc.length > 20 && icc.toString('ascii', 16, 20) === 'RGB ';
}

/**
 * Encodes interleaved 8-bit sRGB pixels to a file buffer. An RGB ICC profile of the original is
 * kept (pixels are converted into it); otherwise the output is tagged sRGB.
 */
/** The JPEG settings of every photo Heirloom writes (the benchmark's I/O floor uses them too). */
export function jpegOptions(quality: number, pixels: number): sharp.JpegOptions {
  return { quality, mozjpeg: false, optimiseCoding: pixels <= OPTIMISE_CODING_MAX_PIXELS };
}

export async function encodeColorized(rgb: Buffer, width: number, height: number, meta: PhotoMeta, opts: EncodeOptions): Promise<Buffer> {
  const exif = readExif(meta.exif);
  let img = sharp(rgb, { raw: { width, height, channels: 3 } }).withExif({
    IFD0: protectTails({ ...exif.ifd0, Software: opts.software }),
    IFD2: protectTails(opts.note ? { ...exif.exifIfd, UserComment: opts.note } : exif.exifIfd),
  });
  if (meta.density) img = img.withMetadata({ density: meta.density });
  let iccDir: string | undefined;
  try {
    if (meta.icc && iccIsRgb(meta.icc)) {
      iccDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-icc-'));
      const iccPath = path.join(iccDir, 'original.icc');
      fs.writeFileSync(iccPath, meta.icc);
      img = img.withIccProfile(iccPath);
    } else {
      img = img.withIccProfile('srgb');
    }
    const q = opts.quality ?? 92;
    if (opts.format === 'jpg') img = img.jpeg(jpegOptions(q, width * height));
    else if (opts.format === 'png') img = img.png({ compressionLevel: 6 });
    else img = img.tiff({ compression: 'lzw' });
    return await img.toBuffer();
  } finally {
    if (iccDir) fs.rmSync(iccDir, { recursive: true, force: true });
  }
}
