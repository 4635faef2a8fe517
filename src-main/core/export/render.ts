// Pixels for one exported photo: the colorized output at the chosen size and format, re-encoded with
// the original's EXIF and colour profile and a note saying it was colorized; plus small web JPEGs.
import * as fs from 'node:fs';
import sharp = require('sharp');
import { decodePhoto, readPhotoMeta, type PhotoMeta } from '../imaging/decode';
import { encodeColorized } from '../imaging/encode';
import { ExportError } from './errors';
import type { PlannedPhoto, ResolvedOptions } from './plan';

/** Long side of the images in the web album: sharp on a phone or a laptop, light enough to share. */
export const WEB_MAX_SIZE = 1600;
const WEB_QUALITY = 82;

export interface Provenance {
  /** EXIF Software, e.g. "Heirloom 0.1.0 (colorized with heirloom-base-v3)". */
  software: string;
  /** EXIF UserComment: which model made the colours, and when. */
  note: string;
}

/** What the exported photo is made from, in an error: the colorized version, or the original exported as it is. */
const sourceName = (p: PlannedPhoto): string =>
  p.outputId === null ? `the original of photo #${p.originalId}` : `the colorized version of photo #${p.originalId}`;

function requireFile(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new ExportError('file-missing', `${what} is missing: ${file}`);
}

/** The original carries the authoritative metadata; if it has moved, the output holds a copy of it. */
async function metadataSource(p: PlannedPhoto): Promise<PhotoMeta> {
  return readPhotoMeta(fs.existsSync(p.originalPath) ? p.originalPath : p.outputPath);
}

export async function renderPhoto(p: PlannedPhoto, o: ResolvedOptions, prov: Provenance): Promise<Buffer> {
  requireFile(p.outputPath, sourceName(p));
  const decoded = await decodePhoto(p.outputPath);
  let { rgb, width, height } = decoded;
  if (o.maxSize !== null && Math.max(width, height) > o.maxSize) {
    const r = await sharp(rgb, { raw: { width, height, channels: 3 } })
      .resize(o.maxSize, o.maxSize, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    ({
      data: rgb,
      info: { width, height },
    } = r);
  }
  const meta = await metadataSource(p);
  return encodeColorized(rgb, width, height, meta, { format: o.format, quality: o.quality, software: prov.software, note: prov.note });
}

/**
 * The pair a before/after slider needs: both sRGB JPEGs of exactly the same pixel size (the slider
 * lays one over the other). Without the original, the colorized photo in grey stands in for it.
 */
export async function renderWebPair(p: PlannedPhoto): Promise<{ after: Buffer; before: Buffer; width: number; height: number }> {
  requireFile(p.outputPath, sourceName(p));
  const { data: after, info } = await sharp(p.outputPath, { failOn: 'none' })
    .rotate()
    .resize(WEB_MAX_SIZE, WEB_MAX_SIZE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .jpeg({ quality: WEB_QUALITY, progressive: true })
    .toBuffer({ resolveWithObject: true });
  const haveOriginal = fs.existsSync(p.originalPath);
  let before = sharp(haveOriginal ? p.originalPath : p.outputPath, { failOn: 'none', pages: 1 }).rotate();
  if (!haveOriginal) before = before.greyscale();
  const beforeBuf = await before
    .resize(info.width, info.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg({ quality: WEB_QUALITY, progressive: true })
    .toBuffer();
  return { after, before: beforeBuf, width: info.width, height: info.height };
}
