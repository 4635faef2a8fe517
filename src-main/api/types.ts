// The shapes the API's methods return, and names for the arguments they take (those are derived from
// the method schemas in contract.ts, the one place the API's methods are written).
// No runtime imports: safe for the renderer; the sandboxed preload imports its types only.
export type { FileError, FinetuneInfo, JobInfo, JobState, MetricsInfo } from '../contract/jobs';
import type { FileError, MetricsInfo } from '../contract/jobs';
import type { PointHint } from '../contract/hints';
import type { MaskStroke } from '../contract/mask-edit';
import type { ArgOf } from './contract';
export type { ApiMethod, ArgOf, CallReply, HeirloomApi, HeirloomBridge, ResultOf, Unsubscribe } from './contract';
export type { Problem, ProblemCode } from '../contract/problems';

export type ListPhotosQuery = NonNullable<ArgOf<'listPhotos'>>;
export type PhotoSort = NonNullable<ListPhotosQuery['sort']>;
export type PhotoFilter = NonNullable<ListPhotosQuery['filter']>;

export interface Status {
  version: string;
  /** What the status bar shows, e.g. "CPU (WebAssembly)". */
  backend: string;
  gpu: boolean;
  model: { id: string; name: string } | null;
  modelWarning?: string;
  modelError?: string;
  library: string;
  photoCount: number;
  /** Photos with no version yet: what Colorize all colorizes. */
  uncolorizedCount: number;
  /** Which import paths this face allows: free paths (web bridge, CLI) or system dialogs (desktop). */
  importByPath: boolean;
  importByDialog: boolean;
}

export interface PhotoSummary {
  id: number;
  /** File name only (the full path stays in the catalogue). */
  name: string;
  /** The name of the folder it is in: tells apart two photos of one name. */
  folder: string;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  importedAt: string;
  hasOutput: boolean;
  missing: boolean;
  /** Thumbnail of the original. */
  thumbUrl: string;
  /** Thumbnail of the newest colorized version, if any. */
  colorThumbUrl: string | null;
}

export interface PhotoPage {
  total: number;
  offset: number;
  items: PhotoSummary[];
}

export interface OutputInfo {
  id: number;
  createdAt: string;
  modelId: string;
  saturation: number | null;
  /** Short side the network saw (null: not recorded). */
  workingSize: number | null;
  /** The colour hints it was made with (empty: none). */
  hints: PointHint[];
  /** Restoration ran before colorizing (a `heirloom restore` result). */
  restored: boolean;
  /** The network coloured it (false: a restore without colour, or of a colour photo). */
  colorized: boolean;
  /** The brush strokes on the damage mask its repair was made with (empty: the mask as detected). */
  maskEdit: MaskStroke[];
  /** The version the gallery shows and albums export. */
  current: boolean;
  /** Its file is in the library's own outputs folder (removing the photo with its versions deletes it; one elsewhere stays). */
  inLibrary: boolean;
  width: number | null;
  height: number | null;
  url: string;
}

/** The damage the repair step finds on a photo, at display size (damageMask). */
export interface DamageMask {
  /** Size of the mask as sent: the photo's, scaled to fit the asked maxSize. */
  width: number;
  height: number;
  /** base64 of the mask, row-major, one bit per pixel, most significant bit first: 1 = damaged. */
  bits: string;
  /** Share of the photo's full-size pixels found damaged (0..1). */
  fraction: number;
  /** Which detector found it: the shipped network's id, or 'classical'. */
  detector: string;
}

/** A live preview of a photo's colour (previewColour): a URL of a screen-sized JPEG. */
export interface ColourPreview {
  url: string;
  width: number;
  height: number;
  /** How long the preview took, ms. */
  millis: number;
}

export interface PhotoDetail extends PhotoSummary {
  /** The version in use was chosen by the person (false: the newest is used). */
  currentChosen: boolean;
  camera: string | null;
  bytes: number | null;
  originalUrl: string;
  /** Every colorized version, newest first; none is ever overwritten. */
  outputs: OutputInfo[];
}

/** What removePhotos did: photos taken out, versions deleted with their files, and files left where they are. */
export interface RemovedPhotos {
  removed: number;
  versionsDeleted: number;
  /** Version files kept (outside the library's outputs folder, or deleteVersions was false), paths as recorded. */
  filesKept: string[];
}

export interface ImportResult {
  /** Every photo the import found and read, including the ones the library already had. */
  imported: PhotoSummary[];
  /** How many of `imported` the library already had (the same bytes, found by their sha256) before this import. */
  alreadyInLibrary: number;
  errors: FileError[];
}

export type DialogImportRequest = ArgOf<'importWithDialog'>;
export type ColorizeRequest = ArgOf<'colorize'>;
export type RestoreRequest = ArgOf<'restorePhotos'>;
/** Which restoration steps run, in this order: repair, tone, faded colour, colorize. */
export type RestoreStepChoice = RestoreRequest['steps'];

/** A colorization model the library knows: the shipped one and every fine-tuned checkpoint. */
export interface ModelInfo {
  id: string;
  name: string;
  kind: 'shipped' | 'finetuned';
  parentId: string | null;
  createdAt: string;
  active: boolean;
  step: number | null;
  /** Held-out metrics of a fine-tuned checkpoint, and of the model it started from. */
  heldOut: MetricsInfo | null;
  base: MetricsInfo | null;
}

export type FinetuneRequest = ArgOf<'startFinetune'>;

export interface AlbumInfo {
  id: number;
  name: string;
  photoCount: number;
  /** The chosen cover, else the first photo. */
  coverPhotoId: number | null;
  coverThumbUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AlbumItem extends PhotoSummary {
  /** 0-based place in the album. */
  position: number;
  /** Caption in this album; null shows the photo's name. */
  caption: string | null;
  /** The colorized version pinned for this album; null = the newest. */
  outputId: number | null;
}

export interface AlbumDetail extends AlbumInfo {
  items: AlbumItem[];
}

/** As the window sends it: `parentDir` is left out by the desktop window (see exportAlbum in contract.ts). */
export type ExportRequest = ArgOf<'exportAlbum'>;
export type ExportFormat = NonNullable<ExportRequest['format']>;
export type ExportLocale = NonNullable<ExportRequest['locale']>;

/**
 * A started export job, or why it did not start: 'target-exists' is a question for the person
 * ("replace it?" → call again with overwrite), 'cancelled' means the folder dialog was dismissed.
 * Refusals, where replacing is not offered: 'not-an-export' (something that no Heirloom export made
 * already has the name) and 'unsafe-target' (a drive's top folder, the home folder, the library or a
 * folder holding originals; `reason` says which), and 'user-files-in-the-way' (replacing was asked, but
 * files the person added to or changed in the earlier export, `files`, are where the new one writes; a
 * replace keeps every other such file). `message` is the core's English explanation.
 */
export type ExportStart =
  | { jobId: number; target: string }
  | { jobId: null; problem: 'target-exists' | 'cancelled'; target: string | null }
  | {
      jobId: null;
      problem: 'not-an-export' | 'unsafe-target' | 'place-warning';
      target: string;
      reason?: 'root' | 'home' | 'library' | 'originals';
      message: string;
    }
  | { jobId: null; problem: 'user-files-in-the-way'; target: string; files: string[]; message: string };
