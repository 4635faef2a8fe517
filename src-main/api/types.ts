// The one API every face of Heirloom speaks: the Electron preload exposes it with contextBridge,
// `heirloom serve` exposes it over HTTP + WebSocket, and the Svelte renderer only knows this interface.
// No runtime imports: safe for the renderer; the sandboxed preload imports its types only.
export type { FileError, FinetuneInfo, JobInfo, JobState, MetricsInfo } from '../contract/jobs';
import type { FileError, JobInfo, MetricsInfo } from '../contract/jobs';

export type PhotoSort = 'taken' | 'name' | 'imported';
export type PhotoFilter = 'all' | 'colorized' | 'uncolorized';

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
  /** Which import paths this face allows: free paths (web bridge, CLI) or system dialogs (desktop). */
  importByPath: boolean;
  importByDialog: boolean;
}

export interface ListPhotosQuery {
  sort?: PhotoSort;
  filter?: PhotoFilter;
  offset?: number;
  limit?: number;
}

export interface PhotoSummary {
  id: number;
  /** File name only (the full path stays in the catalogue). */
  name: string;
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
  width: number | null;
  height: number | null;
  url: string;
}

export interface PhotoDetail extends PhotoSummary {
  camera: string | null;
  bytes: number | null;
  originalUrl: string;
  /** Every colorized version, newest first; none is ever overwritten. */
  outputs: OutputInfo[];
}


export interface ImportResult {
  /** Every photo the import found and read, including the ones the library already had. */
  imported: PhotoSummary[];
  /** How many of `imported` the library already had (the same bytes, found by their sha256) before this import. */
  alreadyInLibrary: number;
  errors: FileError[];
}

export interface DialogImportRequest {
  kind: 'files' | 'folder';
}

export interface ColorizeRequest {
  /** Photo ids, or 'all' for the whole library. */
  photoIds: number[] | 'all';
  /** Colour strength, 1 = as predicted. */
  saturation?: number;
  /** A model or checkpoint id (to compare checkpoints); default: the active one. */
  modelId?: string;
}

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


export interface FinetuneRequest {
  /** Folder of colour photos (web bridge); the desktop app asks with the system dialog instead. */
  folder: string;
  /** Run name; starting a run with an existing name continues it. */
  name: string;
  minutes: number;
  /** Model to start from; default: the active one. */
  from?: string;
}


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

export type ExportFormat = 'jpg' | 'png' | 'tiff';

export interface ExportRequest {
  albumId: number;
  /**
   * Folder the export is created in: required by the web bridge and the CLI. The desktop window leaves it
   * out: the main process asks with the system dialog (and refuses a folder named by the window).
   */
  parentDir?: string;
  /** Name of the new folder (or .zip); default: the album's name, made safe. */
  folderName?: string;
  format?: ExportFormat;
  maxSize?: number;
  quality?: number;
  /** File name template: {n} {date} {name} {album} {id}. */
  names?: string;
  withOriginals?: boolean;
  zip?: boolean;
  html?: boolean;
  /** Replace an existing export; send only after the person agreed. */
  overwrite?: boolean;
  /** Language of the web album's words and of "undated" in file names: the window's; default 'en'. */
  locale?: ExportLocale;
}

export type ExportLocale = 'en' | 'ru';

/**
 * A started export job, or why it did not start: 'target-exists' is a question for the person
 * ("replace it?" → call again with overwrite), 'cancelled' means the folder dialog was dismissed.
 * Refusals, where replacing is not offered: 'not-an-export' (something that no Heirloom export made
 * already has the name) and 'unsafe-target' (a drive's top folder, the home folder, the library or a
 * folder holding originals; `reason` says which). `message` is the core's English explanation.
 */
export type ExportStart =
  | { jobId: number; target: string }
  | { jobId: null; problem: 'target-exists' | 'cancelled'; target: string | null }
  | { jobId: null; problem: 'not-an-export' | 'unsafe-target'; target: string; reason?: 'root' | 'home' | 'library' | 'originals'; message: string };



export type Unsubscribe = () => void;

export interface HeirloomApi {
  getStatus(): Promise<Status>;
  listPhotos(query: ListPhotosQuery): Promise<PhotoPage>;
  /** Every photo id matching sort/filter, in order (select all, shift-click ranges across pages). */
  listPhotoIds(query: Pick<ListPhotosQuery, 'sort' | 'filter'>): Promise<number[]>;
  getPhoto(id: number): Promise<PhotoDetail>;
  /** Web bridge and CLI only; the desktop app refuses free paths from the window. */
  importPaths(paths: string[]): Promise<ImportResult>;
  /** Desktop only: asks the system file/folder dialog, then imports what the person chose. */
  importWithDialog(req: DialogImportRequest): Promise<ImportResult>;
  colorize(req: ColorizeRequest): Promise<{ jobId: number }>;
  cancelJob(jobId: number): Promise<{ cancelled: boolean }>;
  /** Colorizes what an interrupted (or cancelled/failed) job has not done yet, under the same job id. */
  resumeJob(jobId: number): Promise<{ resumed: boolean }>;
  listJobs(): Promise<JobInfo[]>;
  listModels(): Promise<ModelInfo[]>;
  /** Colorizing uses this model or checkpoint from now on. */
  activateModel(id: string): Promise<ModelInfo[]>;
  /** The active checkpoint's parent becomes active (in the end, the shipped model). */
  revertModel(): Promise<ModelInfo[]>;
  /** Starts (or continues, for an existing run name) fine-tuning as a job; cancelJob keeps the last checkpoint. */
  startFinetune(req: FinetuneRequest): Promise<{ jobId: number | null }>;
  onJobProgress(cb: (job: JobInfo) => void): Unsubscribe;
  listAlbums(): Promise<AlbumInfo[]>;
  getAlbum(id: number): Promise<AlbumDetail>;
  createAlbum(req: { name: string }): Promise<AlbumInfo>;
  renameAlbum(req: { albumId: number; name: string }): Promise<AlbumInfo>;
  /** The photos stay in the library. */
  deleteAlbum(id: number): Promise<{ deleted: boolean }>;
  addToAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail>;
  removeFromAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail>;
  /** `photoIds` lists every photo of the album once, in the new order. */
  reorderAlbum(req: { albumId: number; photoIds: number[] }): Promise<AlbumDetail>;
  setAlbumCover(req: { albumId: number; photoId: number | null }): Promise<AlbumInfo>;
  setAlbumCaption(req: { albumId: number; photoId: number; caption: string | null }): Promise<AlbumDetail>;
  /** Starts an export job: progress arrives through onJobProgress (kind 'export'), cancelJob stops it. */
  exportAlbum(req: ExportRequest): Promise<ExportStart>;
  /**
   * Photos dropped on the window. Each face does it its own way: the browser uploads the bytes to the
   * web bridge; the desktop preload turns each File into its real path (webUtils) for the main process.
   */
  importFiles(files: File[]): Promise<ImportResult>;
}

/** Methods callable as request/response (everything but the event subscription). */
export type ApiMethod = Exclude<keyof HeirloomApi, 'onJobProgress' | 'importFiles'>;
export const API_METHODS: readonly ApiMethod[] = [
  'getStatus', 'listPhotos', 'getPhoto', 'importPaths', 'importWithDialog', 'colorize', 'cancelJob', 'resumeJob', 'listJobs', 'listPhotoIds',
  'listAlbums', 'getAlbum', 'createAlbum', 'renameAlbum', 'deleteAlbum', 'addToAlbum', 'removeFromAlbum', 'reorderAlbum',
  'setAlbumCover', 'setAlbumCaption', 'exportAlbum',
  'listModels', 'activateModel', 'revertModel', 'startFinetune',
];
