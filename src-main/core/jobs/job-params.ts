// What each kind of job needs to run (and to run again after a crash), as stored in its catalogue
// row: one schema per kind, which fills the defaults once. Everything that reads a job's parameters
// goes through jobParams(), so no caller casts untyped JSON.
import { z } from 'zod';
import type { JobRow, JsonObject } from '../catalogue/types';
import { OUTPUT_FORMATS, OutputFormat } from '../imaging/encode';
import { PointHintsSchema } from '../hints/point-hints';
import { MaskEditSchema } from '../../contract/mask-edit';

export const ColorizeJobParams = z.object({
  /** Model id or folder the job was started with (resolved again on resume). */
  model: z.string().optional(),
  workingSize: z.number().int().positive().optional(),
  saturation: z.number().min(0).max(4).default(1),
  format: z.enum(OUTPUT_FORMATS as [OutputFormat, ...OutputFormat[]]).default('jpg'),
  quality: z.number().int().min(1).max(100).default(92),
  /** Folder for results; null: the library's outputs/<photo id>/. */
  outDir: z.string().nullable().default(null),
  /** The window's jobs: photoIds[seq] is item seq's photo. */
  photoIds: z.array(z.number().int()).optional(),
  /** A user's colour hints, by input path (see hints/point-hints.ts); recorded with each output. */
  hints: z.record(z.string(), PointHintsSchema).optional(),
  /** Same inputs, output folder and settings → same key: re-running the command resumes the job. */
  resumeKey: z.string().optional(),
});
export type ColorizeJobParams = z.infer<typeof ColorizeJobParams>;
export type ColorizeJobInput = z.input<typeof ColorizeJobParams>;

/** Which restoration steps a restore job runs on each photo, in this order (core/restore). */
export const RestoreSteps = z.object({
  /** Find scratches, dust and creases and fill them. */
  repair: z.boolean().default(true),
  /** Black and white points and local contrast of a faded black-and-white print. */
  tone: z.boolean().default(true),
  /** Cast removal and saturation for a faded colour print (colour photos only). */
  recolorFaded: z.boolean().default(false),
  /** Colorize the restored photo when it is black and white. */
  colorize: z.boolean().default(true),
  /** Enlarge ×2 or ×4 (core/restore/upscale.ts) after repair and tone, before colorizing; absent: keep the size. */
  upscale: z.union([z.literal(2), z.literal(4)]).optional(),
  /** Torn and missing corners and edges: filled from inside the print (absent: the default), or cropped away (core/restore/torn-crop.ts). */
  tornEdges: z.enum(['fill', 'crop']).optional(),
  /** Brush strokes on the detected damage mask (one photo's, from the photo view), applied before filling. */
  maskEdit: MaskEditSchema.optional(),
});
export type RestoreSteps = z.infer<typeof RestoreSteps>;

/** A restore job: a colorize job's settings (used when it colorizes) plus its steps. */
export const RestoreJobParams = ColorizeJobParams.extend({ steps: RestoreSteps });
export type RestoreJobParams = z.infer<typeof RestoreJobParams>;

/** The two kinds that work photo by photo into outputs, and share one runner (HeirloomCore.runColorizeJob). */
export type PhotoJobKind = 'colorize' | 'restore';
export const isPhotoJobKind = (kind: string): kind is PhotoJobKind => kind === 'colorize' || kind === 'restore';

export const ExportJobParams = z.object({
  albumId: z.number().int(),
  /** The folder (or .zip) being made. */
  target: z.string(),
  /** Photos in the album when the job was queued. */
  total: z.number().int().min(0).default(0),
  format: z.enum(OUTPUT_FORMATS as [OutputFormat, ...OutputFormat[]]).optional(),
  maxSize: z.number().int().positive().optional(),
  quality: z.number().int().min(1).max(100).optional(),
  names: z.string().optional(),
  withOriginals: z.boolean().optional(),
  originalsForUncolorized: z.boolean().optional(),
  zip: z.boolean().optional(),
  html: z.boolean().optional(),
  overwrite: z.boolean().optional(),
  /** The person agreed to the place (target-safety.ts placeWarning). */
  placeConfirmed: z.boolean().optional(),
  /** The language of the web album's words and of "undated" in file names (the window's). */
  locale: z.enum(['en', 'ru']).optional(),
});
export type ExportJobParams = z.infer<typeof ExportJobParams>;

export const FinetuneJobParams = z.object({
  folder: z.string(),
  name: z.string(),
  minutes: z.number().positive(),
  from: z.string().optional(),
});
export type FinetuneJobParams = z.infer<typeof FinetuneJobParams>;

const SCHEMAS = { colorize: ColorizeJobParams, restore: RestoreJobParams, export: ExportJobParams, finetune: FinetuneJobParams } as const;
export type JobKind = keyof typeof SCHEMAS;
export type JobParamsOf<K extends JobKind> = z.infer<(typeof SCHEMAS)[K]>;
/** What a caller gives for a job of kind K (defaults not yet filled). */
export type JobInputOf<K extends JobKind> = z.input<(typeof SCHEMAS)[K]>;

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(SCHEMAS, kind);
}

/** Checks and completes parameters before a job is recorded: a bad one never reaches the catalogue. */
export function makeJobParams<K extends JobKind>(kind: K, params: JobInputOf<K>): JobParamsOf<K> & JsonObject {
  return SCHEMAS[kind].parse(params) as JobParamsOf<K> & JsonObject;
}

/** A recorded job's parameters, typed, with defaults filled; a row from an older version or another kind is refused plainly. */
export function jobParams<K extends JobKind>(row: JobRow, kind: K): JobParamsOf<K> {
  if (row.kind !== kind) throw new Error(`Job ${row.id} is a ${row.kind} job, not ${kind}.`);
  const r = SCHEMAS[kind].safeParse(row.params ?? {});
  if (!r.success)
    throw new Error(`Job ${row.id}'s saved settings cannot be read (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}).`);
  return r.data as JobParamsOf<K>;
}
