// Every argument that crosses a boundary (IPC, HTTP, the child-process host) is checked here first.
import { z } from 'zod';
import { API_METHODS, type ApiMethod } from './types';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

// A path typed or pasted by a person on the web bridge: bounded, no NUL bytes.
const freePath = z
  .string()
  .trim()
  .min(1, 'empty path')
  .max(4096, 'path too long')
  .refine((s) => !s.includes('\0'), 'path contains a NUL byte');

/** Model and checkpoint ids, as heirloom.json allows them. */
const modelId = z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'not a model id');

const albumName = z.string().trim().min(1, 'an album needs a name').max(200, 'name too long').refine((s) => !s.includes('\0'), 'name contains a NUL byte');
const photoIds = z.array(id).min(1).max(100_000);
const albumPhotos = z.strictObject({ albumId: id, photoIds });
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * The file name of a photo uploaded from a browser window (drag and drop): never a path. Anything that
 * could leave the uploads folder or trip a file system (separators, control characters, `..`, Windows
 * reserved names) is refused outright rather than repaired, so what is stored is what was checked.
 */
export const uploadName = z
  .string()
  .min(1, 'empty file name')
  .max(200, 'file name too long')
  .refine((s) => !/[\u0000-\u001f\u007f/\\:*?"<>|]/.test(s), 'file name contains a character that is not allowed')
  .refine((s) => s.trim() === s && !s.startsWith('.') && !s.endsWith('.'), 'file name starts or ends with a dot or a space')
  .refine((s) => !WINDOWS_RESERVED.test(s), 'file name is reserved on Windows')
  .refine((s) => /\.(jpe?g|png|tiff?|webp|gif|heic|heif|avif|jp2)$/i.test(s), 'not a photo file type Heirloom reads');

/** Desktop drag and drop: real paths the preload got from webUtils.getPathForFile (absolute, bounded). */
export const droppedPaths = z
  .array(freePath.refine((p) => /^([a-zA-Z]:[\\/]|\/|\\\\)/.test(p), 'not an absolute path'))
  .min(1)
  .max(1000);

export const ARG_SCHEMAS = {
  getStatus: z.undefined(),
  listPhotos: z
    .strictObject({
      sort: z.enum(['taken', 'name', 'imported']).optional(),
      filter: z.enum(['all', 'colorized', 'uncolorized']).optional(),
      offset: z.number().int().min(0).max(10_000_000).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    })
    .optional()
    .default({}),
  getPhoto: id,
  importPaths: z.array(freePath).min(1).max(1000),
  importWithDialog: z.strictObject({ kind: z.enum(['files', 'folder']) }),
  colorize: z.strictObject({
    photoIds: z.union([z.literal('all'), z.array(id).min(1).max(100_000)]),
    saturation: z.number().min(0).max(4).optional(),
    modelId: modelId.optional(),
  }),
  cancelJob: id,
  listModels: z.undefined(),
  activateModel: modelId,
  revertModel: z.undefined(),
  startFinetune: z.strictObject({
    folder: freePath,
    name: z.string().trim().min(1, 'a fine-tune needs a name').max(60, 'name too long').regex(/^[\p{L}\p{N} ._-]+$/u, 'use letters, digits, spaces, dots, dashes'),
    minutes: z.number().positive().max(24 * 60),
    from: modelId.optional(),
  }),
  resumeJob: id,
  listJobs: z.undefined(),
  listAlbums: z.undefined(),
  getAlbum: id,
  createAlbum: z.strictObject({ name: albumName }),
  renameAlbum: z.strictObject({ albumId: id, name: albumName }),
  deleteAlbum: id,
  addToAlbum: albumPhotos,
  removeFromAlbum: albumPhotos,
  reorderAlbum: albumPhotos,
  setAlbumCover: z.strictObject({ albumId: id, photoId: id.nullable() }),
  setAlbumCaption: z.strictObject({ albumId: id, photoId: id, caption: z.string().max(2000).nullable() }),
  exportAlbum: z.strictObject({
    albumId: id,
    parentDir: freePath,
    folderName: z.string().trim().min(1).max(200).optional(),
    format: z.enum(['jpg', 'png', 'tiff']).optional(),
    maxSize: z.number().int().min(16).max(65_535).optional(),
    quality: z.number().int().min(1).max(100).optional(),
    names: z.string().min(1).max(200).optional(),
    withOriginals: z.boolean().optional(),
    zip: z.boolean().optional(),
    html: z.boolean().optional(),
    overwrite: z.boolean().optional(),
    locale: z.enum(['en', 'ru']).optional(),
  }),
  listPhotoIds: z
    .strictObject({ sort: z.enum(['taken', 'name', 'imported']).optional(), filter: z.enum(['all', 'colorized', 'uncolorized']).optional() })
    .optional()
    .default({}),
} satisfies Record<ApiMethod, z.ZodType>;

/**
 * exportAlbum as the desktop window sends it: everything but the folder, which the main process asks
 * for with the system dialog. A window that names a folder itself is refused (strict object).
 */
export const desktopExportRequest = ARG_SCHEMAS.exportAlbum.omit({ parentDir: true });

/** The desktop window's fine-tune request: the main process adds the folder the person picks. */
export const desktopFinetuneRequest = ARG_SCHEMAS.startFinetune.omit({ folder: true });

export class ApiArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiArgumentError';
  }
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && (API_METHODS as readonly string[]).includes(m);
}

/** Validates one call; throws ApiArgumentError with a readable message. `null` counts as "no argument". */
export function parseCall(method: unknown, arg: unknown): { method: ApiMethod; arg: unknown } {
  if (!isApiMethod(method)) throw new ApiArgumentError(`unknown method ${JSON.stringify(String(method)).slice(0, 60)}`);
  const r = ARG_SCHEMAS[method].safeParse(arg === null ? undefined : arg);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
    throw new ApiArgumentError(`${method}: invalid argument (${msg})`);
  }
  return { method, arg: r.data };
}
