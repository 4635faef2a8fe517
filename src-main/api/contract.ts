// The window↔core API, written once: each request/response method is one entry below (its argument
// schema, its result type, its doc comment). Everything else is derived from this object: the method
// list (API_METHODS), the typed interface the window calls (HeirloomApi), the validation of every call
// (schemas.ts parseCall) and the clients of both faces (client.ts). CoreApi `implements` HeirloomApi, so
// a new entry does not compile until it is implemented there.
// No Node, no runtime import but zod. The window imports only API_METHODS from here at run time, and
// its build replaces this module with that list alone (vite.config.mjs), so zod stays out of the window.
import { z } from 'zod';
import type {
  AlbumDetail,
  AlbumInfo,
  ColourPreview,
  DamageMask,
  ExportStart,
  ImportResult,
  JobInfo,
  ModelInfo,
  PhotoDetail,
  PhotoPage,
  RemovedPhotos,
  Status,
} from './types';
import { PointHintsSchema, type SuggestedColour } from '../contract/hints';
import { MaskEditSchema } from '../contract/mask-edit';
import type { ErrorReply } from '../contract/problems';

/** A type carried by the contract for the compiler only (nothing of it exists at run time). */
interface Phantom<T> {
  readonly __type?: T;
}

/** The result type of a method: `result<PhotoPage>()`. */
const result = <T>(): Phantom<T> => ({});

interface Rpc<S extends z.ZodType, R, W extends z.ZodType> {
  /** Checked on every call that crosses a boundary (IPC, HTTP, the core host process). */
  readonly arg: S;
  readonly result: Phantom<R>;
  /** What the window may send, for its types only: the same as `arg`, but for exportAlbum (see there). */
  readonly windowArg: W;
}

/** One method: what it takes (a zod schema; callers see its input type) and what it resolves to. */
function rpc<S extends z.ZodType, R, W extends z.ZodType = S>(arg: S, res: Phantom<R>, windowArg?: W): Rpc<S, R, W> {
  return { arg, result: res, windowArg: windowArg ?? (arg as unknown as W) };
}

// ── shared argument rules ──

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A path typed or pasted by a person on the web bridge: bounded, no NUL bytes. */
export const freePath = z
  .string()
  .trim()
  .min(1, 'empty path')
  .max(4096, 'path too long')
  .refine((s) => !s.includes('\0'), 'path contains a NUL byte');

/**
 * A path typed or sent by the window: it must be whole ("/home/…", "C:\…", "\\server\…"). A relative one
 * would be taken from whatever folder the app was started in, which the person never sees.
 */
export const fullPath = freePath.refine((p) => /^([a-zA-Z]:[\\/]|\/|\\\\)/.test(p), 'not an absolute path');

/** Model and checkpoint ids, as heirloom.json allows them. */
const modelId = z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'not a model id');

const sort = z.enum(['taken', 'name', 'imported']);
const filter = z.enum(['all', 'colorized', 'uncolorized']);
const albumName = z
  .string()
  .trim()
  .min(1, 'an album needs a name')
  .max(200, 'name too long')
  .refine((s) => !s.includes('\0'), 'name contains a NUL byte');
const photoIds = z.array(id).min(1).max(100_000);
const albumPhotos = z.strictObject({ albumId: id, photoIds });

/** The viewer's colour settings for one photo: its hints, colour strength and "detail of colour". */
const colourSettings = z.strictObject({
  photoId: id,
  hints: PointHintsSchema,
  /** Colour strength, 1 = as predicted. */
  saturation: z.number().min(0).max(4).optional(),
  /** Short side the network sees, a multiple of 8 (DeOldify's render factor); default: the model's. */
  workingSize: z
    .number()
    .int()
    .min(64)
    .max(1024)
    .refine((n) => n % 8 === 0, 'a multiple of 8')
    .optional(),
  /** A model or checkpoint id (to compare checkpoints); default: the active one. */
  modelId: modelId.optional(),
});

const finetuneRequest = z.strictObject({
  /** Folder of colour photos (web bridge); the desktop window leaves it out and its main process asks with the system dialog. */
  folder: fullPath,
  /** Run name; starting a run with an existing name continues it. */
  name: z
    .string()
    .trim()
    .min(1, 'a fine-tune needs a name')
    .max(60, 'name too long')
    .regex(/^[\p{L}\p{N} ._-]+$/u, 'use letters, digits, spaces, dots, dashes'),
  minutes: z
    .number()
    .positive()
    .max(24 * 60),
  /** Model to start from; default: the active one. */
  from: modelId.optional(),
});

const exportRequest = z.strictObject({
  albumId: id,
  /**
   * Folder the export is created in: required by the web bridge and the CLI. The desktop window leaves it
   * out: the main process asks with the system dialog (and refuses a folder named by the window).
   */
  parentDir: fullPath,
  /** Name of the new folder (or .zip); default: the album's name, made safe. */
  folderName: z.string().trim().min(1).max(200).optional(),
  format: z.enum(['jpg', 'png', 'tiff']).optional(),
  maxSize: z.number().int().min(16).max(65_535).optional(),
  quality: z.number().int().min(1).max(100).optional(),
  /** File name template: {n} {date} {name} {album} {id}. */
  names: z.string().min(1).max(200).optional(),
  withOriginals: z.boolean().optional(),
  /** A photo not colorized yet goes in as its original instead of refusing the export (the person chose so). */
  originalsForUncolorized: z.boolean().optional(),
  zip: z.boolean().optional(),
  html: z.boolean().optional(),
  /** Replace an existing export; send only after the person agreed. */
  overwrite: z.boolean().optional(),
  /** Export into the home folder, a drive's top folder or a folder of originals; send only after the person agreed (answer 'place-warning'). */
  placeConfirmed: z.boolean().optional(),
  /** Language of the web album's words and of "undated" in file names: the window's; default 'en'. */
  locale: z.enum(['en', 'ru']).optional(),
});

// ── the methods ──

export const API_CONTRACT = {
  getStatus: rpc(z.undefined(), result<Status>()),
  listPhotos: rpc(
    z
      .strictObject({
        sort: sort.optional(),
        filter: filter.optional(),
        offset: z.number().int().min(0).max(10_000_000).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .optional()
      .default({}),
    result<PhotoPage>(),
  ),
  /** Every photo id matching sort/filter, in order (select all, shift-click ranges across pages). */
  listPhotoIds: rpc(z.strictObject({ sort: sort.optional(), filter: filter.optional() }).optional().default({}), result<number[]>()),
  getPhoto: rpc(id, result<PhotoDetail>()),
  /** Web bridge and CLI only; the desktop app refuses free paths from the window. */
  importPaths: rpc(z.array(fullPath).min(1).max(1000), result<ImportResult>()),
  /** Desktop only: asks the system file/folder dialog, then imports what the person chose. */
  importWithDialog: rpc(z.strictObject({ kind: z.enum(['files', 'folder']) }), result<ImportResult>()),
  colorize: rpc(
    z.strictObject({
      /** Photo ids, 'all' for the whole library, or 'uncolorized' for the photos with no version yet (the window's Colorize all). */
      photoIds: z.union([z.literal('all'), z.literal('uncolorized'), photoIds]),
      /** Colour strength, 1 = as predicted. */
      saturation: z.number().min(0).max(4).optional(),
      /** A model or checkpoint id (to compare checkpoints); default: the active one. */
      modelId: modelId.optional(),
    }),
    result<{ jobId: number }>(),
  ),
  /**
   * Restores photos as a job (kind 'restore'): repairs scratches and dust, restores faded tone or a faded
   * colour print, then colorizes a black-and-white photo if asked. Each photo gets a new version (the current one).
   */
  restorePhotos: rpc(
    z
      .strictObject({
        photoIds,
        /** upscale: enlarge ×2 or ×4 after repair and tone, before colorizing (absent: keep the size). */
        steps: z.strictObject({
          repair: z.boolean(),
          tone: z.boolean(),
          recolorFaded: z.boolean(),
          colorize: z.boolean(),
          upscale: z.union([z.literal(2), z.literal(4)]).optional(),
        }),
        /**
         * Brush strokes on the photo's damage mask (see damageMask), applied at full size before filling and
         * recorded with the new version: for one photo, with repair on.
         */
        maskEdit: MaskEditSchema.optional(),
      })
      .refine((r) => !r.maskEdit || (r.photoIds.length === 1 && r.steps.repair), {
        message: 'a mask edit is for one photo, with repair on',
        path: ['maskEdit'],
      }),
    result<{ jobId: number }>(),
  ),
  /**
   * The damage the repair step finds on a photo (its original), at display size: the photo scaled to fit
   * maxSize (default 1024, never enlarged), a pixel marked when any full-size pixel under it is.
   */
  damageMask: rpc(z.strictObject({ photoId: id, maxSize: z.number().int().min(16).max(4096).optional() }), result<DamageMask>()),
  /**
   * The photo coloured again at screen size with these settings, within about a second; nothing is
   * recorded. Each call gives a new URL (the last few stay valid).
   */
  previewColour: rpc(colourSettings, result<ColourPreview>()),
  /** The colours the network itself thinks likely at a point of the photo (x, y: fractions), most likely first. */
  suggestColours: rpc(
    z.strictObject({
      photoId: id,
      x: z.number().min(0).max(1),
      y: z.number().min(0).max(1),
      workingSize: colourSettings.shape.workingSize,
      modelId: modelId.optional(),
    }),
    result<SuggestedColour[]>(),
  ),
  /** Keeps what the preview shows: a colorize job at full resolution with these settings, making a new version (the current one). */
  keepColour: rpc(colourSettings, result<{ jobId: number }>()),
  /** Which version the gallery shows and albums export; null: always the newest. */
  setCurrentVersion: rpc(z.strictObject({ photoId: id, outputId: id.nullable() }), result<PhotoDetail>()),
  /**
   * A photo whose original file was moved or renamed: `path` is the file (it must hold the same photo,
   * checked by its sha256) or a folder searched for it (by size, then hash). Web bridge and CLI only;
   * the desktop window asks with locatePhotoWithDialog.
   */
  locatePhoto: rpc(z.strictObject({ photoId: id, path: fullPath }), result<PhotoDetail>()),
  /** Desktop only: asks the system dialog for the file (or a folder to search), then as locatePhoto. */
  locatePhotoWithDialog: rpc(z.strictObject({ photoId: id, kind: z.enum(['file', 'folder']) }), result<PhotoDetail | null>()),
  /**
   * Takes photos out of the library (and its albums). The person's own files are never touched; with
   * deleteVersions, the versions Heirloom made of them are deleted too (the files in the library's outputs folder).
   */
  removePhotos: rpc(z.strictObject({ photoIds, deleteVersions: z.boolean() }), result<RemovedPhotos>()),
  /** Deletes one version (its file too, when it is in the library's own outputs folder). */
  deleteVersion: rpc(z.strictObject({ photoId: id, outputId: id }), result<PhotoDetail>()),
  cancelJob: rpc(id, result<{ cancelled: boolean }>()),
  /** Colorizes what an interrupted (or cancelled/failed) job has not done yet, under the same job id. */
  resumeJob: rpc(id, result<{ resumed: boolean }>()),
  listJobs: rpc(z.undefined(), result<JobInfo[]>()),
  listModels: rpc(z.undefined(), result<ModelInfo[]>()),
  /** Colorizing uses this model or checkpoint from now on. */
  activateModel: rpc(modelId, result<ModelInfo[]>()),
  /** The active checkpoint's parent becomes active (in the end, the shipped model). */
  revertModel: rpc(z.undefined(), result<ModelInfo[]>()),
  /**
   * Starts (or continues, for an existing run name) fine-tuning as a job; cancelJob keeps the last checkpoint.
   * The core needs `folder`; the desktop window leaves it out and its main process adds the one the person
   * picks (desktopFinetuneRequest, schemas.ts, refuses one named by the window).
   */
  startFinetune: rpc(finetuneRequest, result<{ jobId: number | null }>(), finetuneRequest.partial({ folder: true })),
  listAlbums: rpc(z.undefined(), result<AlbumInfo[]>()),
  getAlbum: rpc(id, result<AlbumDetail>()),
  createAlbum: rpc(z.strictObject({ name: albumName }), result<AlbumInfo>()),
  renameAlbum: rpc(z.strictObject({ albumId: id, name: albumName }), result<AlbumInfo>()),
  /** The photos stay in the library. */
  deleteAlbum: rpc(id, result<{ deleted: boolean }>()),
  addToAlbum: rpc(albumPhotos, result<AlbumDetail>()),
  removeFromAlbum: rpc(albumPhotos, result<AlbumDetail>()),
  /** `photoIds` lists every photo of the album once, in the new order. */
  reorderAlbum: rpc(albumPhotos, result<AlbumDetail>()),
  setAlbumCover: rpc(z.strictObject({ albumId: id, photoId: id.nullable() }), result<AlbumInfo>()),
  setAlbumCaption: rpc(z.strictObject({ albumId: id, photoId: id, caption: z.string().max(2000).nullable() }), result<AlbumDetail>()),
  /**
   * Starts an export job: progress arrives through onJobProgress (kind 'export'), cancelJob stops it.
   * The core needs `parentDir`; the desktop window leaves it out and its main process adds the folder
   * the person picks (desktopExportRequest, schemas.ts, refuses one named by the window).
   */
  exportAlbum: rpc(exportRequest, result<ExportStart>(), exportRequest.partial({ parentDir: true })),
};

// ── derived ──

type Contract = typeof API_CONTRACT;

/** Methods callable as request/response (everything but the event subscription and dropped files). */
export type ApiMethod = keyof Contract;
export const API_METHODS = Object.keys(API_CONTRACT) as ApiMethod[];

/** What the window passes: the schema's input (so optional and defaulted arguments may be left out). */
export type ArgOf<M extends ApiMethod> = z.input<Contract[M]['windowArg']>;
export type ResultOf<M extends ApiMethod> = Contract[M]['result'] extends Phantom<infer R> ? R : never;

/** No argument, an optional one, or a required one, as the schema says. */
type Method<A, R> = [A] extends [undefined] ? () => Promise<R> : undefined extends A ? (arg?: A) => Promise<R> : (arg: A) => Promise<R>;

/** Mapped over the contract itself, so each method keeps its doc comment in editors. */
export type RpcApi = { [M in keyof Contract]: Method<ArgOf<M>, ResultOf<M>> };

export type Unsubscribe = () => void;

/** The one API every face of Heirloom speaks; the Svelte renderer only knows this interface. */
export type HeirloomApi = RpcApi & {
  /** Job events (colorize, export, fine-tune progress): over IPC on the desktop, a WebSocket in a browser. */
  onJobProgress(cb: (job: JobInfo) => void): Unsubscribe;
  /**
   * Photos dropped on the window. Each face does it its own way: the browser uploads the bytes to the
   * web bridge; the desktop preload turns each File into its real path (webUtils) for the main process.
   */
  importFiles(files: File[]): Promise<ImportResult>;
};

/** One call's answer as a bridge gives it: the value, or the error's English message and its problem. */
export type CallReply = { ok: true; value: unknown } | ({ ok: false } & ErrorReply);

/**
 * What a face gives the window (the desktop preload's `window.heirloomBridge`, the web bridge client):
 * one untyped call by method name, which the other side validates, plus the two non-RPC members.
 * makeApiClient (client.ts) turns it into the typed HeirloomApi.
 */
export interface HeirloomBridge {
  /** Resolves to the value, or to why not: a face never throws a call's error across (it would lose its problem). */
  call(method: ApiMethod, arg?: unknown): Promise<CallReply>;
  onJobProgress: HeirloomApi['onJobProgress'];
  importFiles: HeirloomApi['importFiles'];
}
