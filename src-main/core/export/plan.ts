// What an album export will contain: which colorized version of each photo, under which file names.
// Pure catalogue reads; nothing is written here.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalogue } from '../catalogue/catalogue';
import type { OutputFormat } from '../imaging/encode';
import { ExportError } from './errors';
import { safeSegment, UniqueNames } from './safe-names';
import { exportWords, type ExportLocale } from './words';

export const DEFAULT_NAME_TEMPLATE = '{n}-{name}';
export const NAME_TOKENS = ['n', 'date', 'name', 'album', 'id'] as const;

export interface ExportOptions {
  format?: OutputFormat;
  /** Longest side in pixels; smaller photos are never enlarged. */
  maxSize?: number;
  /** JPEG quality 1–100. */
  quality?: number;
  /** File name template, e.g. "{n}-{date}-{name}". */
  names?: string;
  /** Also copy each original, byte for byte, into originals/. */
  withOriginals?: boolean;
  /**
   * A photo of the album that is not colorized yet goes in as its original (at the chosen size and
   * format) instead of refusing the export. Off: such an album is refused, naming those photos.
   */
  originalsForUncolorized?: boolean;
  /** Deliver a .zip of the export instead of a folder. */
  zip?: boolean;
  /** Add an offline web page (index.html) with a before/after slider per photo. */
  html?: boolean;
  /** Replace an existing export at the target (the UI asks first). */
  overwrite?: boolean;
  /** Language of the web album's words and of "undated" in file names (default English). */
  locale?: ExportLocale;
}

export type ResolvedOptions = Required<Omit<ExportOptions, 'maxSize'>> & { maxSize: number | null };

export interface PlannedPhoto {
  /** 1-based position in the album. */
  n: number;
  originalId: number;
  /** The version exported; null for a photo not colorized yet, exported as its original (originalsForUncolorized). */
  outputId: number | null;
  /** The image the exported photo is made from: the version's file, or the original's when outputId is null. */
  outputPath: string;
  originalPath: string;
  /** The model that made the colours; null for an original exported as it is. */
  checkpointId: string | null;
  /** False for a version that was only restored (a colour photo, or colorizing not asked), or an original: no model made its colours. */
  colorized: boolean;
  takenAt: string | null;
  caption: string;
  /** Unique, safe file name without extension. */
  base: string;
  /** Relative paths (forward slashes) inside the export folder. */
  files: { photo: string; original?: string; webAfter?: string; webBefore?: string };
}

export interface ExportPlan {
  albumId: number;
  albumName: string;
  coverOriginalId: number | null;
  options: ResolvedOptions;
  photos: PlannedPhoto[];
  /** Changes when anything that shapes the files changes; a resumed export must match it. */
  fingerprint: string;
}

export function resolveOptions(o: ExportOptions): ResolvedOptions {
  const quality = o.quality ?? 90;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new ExportError('bad-option', 'quality must be a whole number from 1 to 100');
  const maxSize = o.maxSize ?? null;
  if (maxSize !== null && (!Number.isInteger(maxSize) || maxSize < 16 || maxSize > 65_535)) {
    throw new ExportError('bad-option', 'max size must be a whole number of pixels from 16 to 65535');
  }
  const names = o.names ?? DEFAULT_NAME_TEMPLATE;
  checkTemplate(names);
  return {
    format: o.format ?? 'jpg',
    maxSize,
    quality,
    names,
    withOriginals: o.withOriginals ?? false,
    originalsForUncolorized: o.originalsForUncolorized ?? false,
    zip: o.zip ?? false,
    html: o.html ?? false,
    overwrite: o.overwrite ?? false,
    locale: o.locale === 'ru' ? 'ru' : 'en',
  };
}

function checkTemplate(t: string): void {
  if (t.trim() === '' || t.length > 200) throw new ExportError('bad-option', 'the name template must be 1 to 200 characters');
  for (const m of t.matchAll(/\{([^{}]*)\}/g)) {
    if (!(NAME_TOKENS as readonly string[]).includes(m[1]!)) {
      throw new ExportError('bad-option', `unknown token {${m[1]}} in the name template (use ${NAME_TOKENS.map((k) => `{${k}}`).join(', ')})`);
    }
  }
}

/** "1958-07-14" from an ISO date/time, or "undated" ("без даты" in Russian). */
export function dateToken(takenAt: string | null, locale?: ExportLocale): string {
  const m = takenAt ? /^(\d{4}-\d{2}-\d{2})/.exec(takenAt) : null;
  return m ? m[1]! : exportWords(locale).undated;
}

export function renderTemplate(t: string, v: { n: number; count: number; date: string; name: string; album: string; id: number }): string {
  const width = Math.max(2, String(v.count).length);
  const values: Record<string, string> = {
    n: String(v.n).padStart(width, '0'),
    date: v.date,
    name: v.name,
    album: v.album,
    id: String(v.id),
  };
  // Token values may hold "/" or ".."; the whole result is made safe afterwards, as one segment.
  return t.replace(/\{([a-z]+)\}/g, (_, k: string) => values[k] ?? '');
}

const EXT: Record<OutputFormat, string> = { jpg: 'jpg', png: 'png', tiff: 'tif' };

export function buildPlan(catalogue: Catalogue, albumId: number, opts: ExportOptions): ExportPlan {
  const options = resolveOptions(opts);
  const album = catalogue.getAlbum(albumId);
  if (!album) throw new ExportError('album-not-found', `there is no album with id ${albumId}`, undefined, { id: albumId });
  const items = catalogue.albumItems(albumId);
  if (items.length === 0) throw new ExportError('album-empty', `the album "${album.name}" has no photos yet`, undefined, { album: album.name });

  const notColorized = items.filter((i) => (i.outputId ?? i.original.latestOutputId) === null);
  if (notColorized.length > 0 && !options.originalsForUncolorized) {
    const names = notColorized
      .slice(0, 5)
      .map((i) => `#${i.originalId} ${path.basename(i.original.path)}`)
      .join(', ');
    throw new ExportError(
      'not-colorized',
      `${notColorized.length} photo(s) in "${album.name}" are not colorized yet (${names}${notColorized.length > 5 ? ', …' : ''}); colorize them first`,
      undefined,
      {
        album: album.name,
        n: notColorized.length,
        names: notColorized
          .slice(0, 5)
          .map((i) => path.basename(i.original.path))
          .join(', '),
      },
    );
  }

  const unique = new UniqueNames();
  const photos = items.map((item, i): PlannedPhoto => {
    const outputId = item.outputId ?? item.original.latestOutputId;
    const output = outputId === null ? null : catalogue.getOutput(outputId)!;
    const stem = path.parse(item.original.path).name;
    const raw = renderTemplate(options.names, {
      n: i + 1,
      count: items.length,
      date: dateToken(item.original.takenAt, options.locale),
      name: stem,
      album: album.name,
      id: item.originalId,
    });
    const base = unique.claim(safeSegment(raw, `photo-${i + 1}`));
    const origExt = safeSegment(path.extname(item.original.path).slice(1).toLowerCase(), 'img').slice(0, 8);
    return {
      n: i + 1,
      originalId: item.originalId,
      outputId: output?.id ?? null,
      outputPath: output?.path ?? item.original.path,
      originalPath: item.original.path,
      checkpointId: output?.checkpointId ?? null,
      colorized: output !== null && output.params.colorized !== false,
      takenAt: item.original.takenAt,
      caption: item.caption ?? stem,
      base,
      files: {
        photo: `${base}.${EXT[options.format]}`,
        ...(options.withOriginals ? { original: `originals/${base}.${origExt}` } : {}),
        ...(options.html ? { webAfter: `web/${base}.jpg`, webBefore: `web/${base}-before.jpg` } : {}),
      },
    };
  });

  const fingerprint = crypto
    .createHash('sha256')
    .update(
      JSON.stringify({
        v: 1,
        // English, the default, leaves the fingerprint as it was before exports had a language.
        // So does originalsForUncolorized off: it shapes no file then.
        options: {
          ...options,
          zip: undefined,
          overwrite: undefined,
          locale: options.locale === 'en' ? undefined : options.locale,
          originalsForUncolorized: options.originalsForUncolorized || undefined,
        },
        photos: photos.map((p) => [p.originalId, p.outputId, p.files, fileStamp(p.outputPath)]),
      }),
    )
    .digest('hex');
  return { albumId, albumName: album.name, coverOriginalId: album.effectiveCoverId, options, photos, fingerprint };
}

/** Size and mtime: a re-made output file invalidates what a previous attempt rendered from it. */
function fileStamp(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? `${st.size}:${Math.round(st.mtimeMs)}` : 'missing';
}
