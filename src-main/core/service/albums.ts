// Albums and their export, as every face (CLI, desktop window, web bridge) uses them: HeirloomCore.albums.
// Domain rules live here and in the catalogue (an album exists, a photo is in it, an export target is
// safe); the shape of an argument is checked by each face (the API's zod contract, the CLI's parsers).
import { CodedError } from '../../contract/problems';
import { appVersion } from '../app-paths';
import type { Catalogue } from '../catalogue/catalogue';
import type { AlbumItemRow, AlbumSummary, JobRow } from '../catalogue/types';
import {
  checkExportTarget,
  ExportError,
  exportPaths,
  exportTargetFor,
  previewExport,
  replaceClashes,
  runExport,
  type ExportResult,
  type ExportRunOptions,
  type UnsafeReason,
} from '../export';
import { makeJobParams, type JobInputOf } from '../jobs/job-params';
import { resolveAlbum } from './album-ref';

/** What an export job is asked to make: where (a folder inside `parentDir`) and how (the job's own settings). */
export interface ExportJobRequest extends Omit<JobInputOf<'export'>, 'albumId' | 'target' | 'total'> {
  parentDir: string;
  /** The export's folder name; default: the album's name (made safe either way). */
  folderName?: string;
}

/** Why no export job was recorded: the target holds something the request may not replace (see target-safety.ts). */
export type ExportRefusal =
  | { problem: 'target-exists'; target: string }
  | { problem: 'not-an-export' | 'unsafe-target' | 'place-warning'; target: string; reason?: UnsafeReason; message: string }
  /** Replacing was asked, but files the person put in the earlier export (`files`) are where the new one writes. */
  | { problem: 'user-files-in-the-way'; target: string; files: string[]; message: string };

/** A recorded export job (not queued yet: the caller's job queue runs it), or why none was recorded. */
export type ExportJobStart = { job: JobRow; target: string } | { job: null; refused: ExportRefusal };

export class Albums {
  constructor(private readonly catalogue: Catalogue) {}

  /** Every album, by name. */
  list(): AlbumSummary[] {
    return this.catalogue.listAlbums();
  }

  find(albumId: number): AlbumSummary | undefined {
    return this.catalogue.getAlbum(albumId);
  }

  /** The album, or an error saying it does not exist. */
  get(albumId: number): AlbumSummary {
    const a = this.catalogue.getAlbum(albumId);
    if (!a) throw new CodedError('album.notFound', { id: albumId }, `album ${albumId} does not exist`);
    return a;
  }

  /** An album the way a person names it on the command line: "12", "#12" or its exact name (see album-ref.ts). */
  resolve(ref: string): AlbumSummary {
    return resolveAlbum(this.catalogue, ref);
  }

  /** The album's photos in order. */
  items(albumId: number): AlbumItemRow[] {
    return this.catalogue.albumItems(albumId);
  }

  create(name: string): AlbumSummary {
    return this.catalogue.getAlbum(this.catalogue.createAlbum(name).id)!;
  }

  rename(albumId: number, name: string): AlbumSummary {
    this.catalogue.renameAlbum(albumId, name);
    return this.catalogue.getAlbum(albumId)!;
  }

  /** Removes the album only; its photos and their versions stay in the library. False if there was none. */
  delete(albumId: number): boolean {
    return this.catalogue.deleteAlbum(albumId);
  }

  /** Appends photos in the given order (those already there are left where they are); returns how many were added. */
  addPhotos(albumId: number, photoIds: readonly number[]): number {
    return this.catalogue.addToAlbum(albumId, photoIds);
  }

  /** Takes photos out of the album (never out of the library); returns how many were removed. */
  removePhotos(albumId: number, photoIds: readonly number[]): number {
    return this.catalogue.removeFromAlbum(albumId, photoIds);
  }

  /** `photoIds` must list exactly the album's photos, in their new order. */
  reorder(albumId: number, photoIds: readonly number[]): void {
    this.catalogue.reorderAlbum(albumId, photoIds);
  }

  /** Moves one photo to a position (0 = first; clamped to the album) and returns the new order. */
  movePhoto(albumId: number, photoId: number, index: number): AlbumItemRow[] {
    this.catalogue.moveAlbumItem(albumId, photoId, index);
    return this.catalogue.albumItems(albumId);
  }

  /** One of the album's photos as its cover; null: the first photo. */
  setCover(albumId: number, photoId: number | null): AlbumSummary {
    this.catalogue.setAlbumCover(albumId, photoId);
    return this.catalogue.getAlbum(albumId)!;
  }

  /** A photo's caption in this album; null or blank clears it (the photo's name is shown). */
  setCaption(albumId: number, photoId: number, caption: string | null): void {
    this.catalogue.setAlbumItemCaption(albumId, photoId, caption);
  }

  /** Exports the album now, in this thread (the CLI; the job queue runs export jobs with it too). */
  export(albumId: number, to: string, opts: Omit<ExportRunOptions, 'appVersion'> & { appVersion?: string }): Promise<ExportResult> {
    return runExport(this.catalogue, albumId, to, { ...opts, appVersion: opts.appVersion ?? appVersion() });
  }

  /**
   * Checks what can be checked at once (the album, the target's name, what is there already) and
   * records an export job for the caller's queue. The same target rules apply again when it runs.
   */
  recordExportJob(albumId: number, req: ExportJobRequest): ExportJobStart {
    const album = this.get(albumId);
    const { parentDir, folderName, ...settings } = req;
    // What the job would refuse when it runs is said now, before anything starts: an empty album, photos
    // not colorized yet (unless their originals were asked for), a bad name template.
    previewExport(this.catalogue, albumId, settings);
    // The folder name is made safe like an album name: it can never point outside parentDir.
    const target = exportPaths(exportTargetFor(parentDir, folderName ?? album.name), settings.zip ?? false, album.name).target;
    try {
      const { real, replaces } = checkExportTarget(this.catalogue, target, {
        zip: settings.zip ?? false,
        overwrite: settings.overwrite ?? false,
        placeConfirmed: settings.placeConfirmed,
      });
      const files = replaces && !settings.zip ? replaceClashes(real, previewExport(this.catalogue, albumId, settings)) : [];
      if (files.length) {
        const message = `${target} holds files Heirloom did not write where the new export writes (${files.slice(0, 5).join(', ')}); nothing was changed`;
        return { job: null, refused: { problem: 'user-files-in-the-way', target, files, message } };
      }
    } catch (e) {
      if (!(e instanceof ExportError)) throw e;
      if (e.code === 'target-exists') return { job: null, refused: { problem: 'target-exists', target } };
      if (e.code === 'not-an-export' || e.code === 'unsafe-target' || e.code === 'place-warning') {
        return { job: null, refused: { problem: e.code, target, ...(e.reason ? { reason: e.reason } : {}), message: e.message } };
      }
      throw e;
    }
    // The whole request is kept with the job, so an export interrupted by a restart can be resumed.
    const params: JobInputOf<'export'> = { ...settings, albumId, target, total: album.itemCount };
    return { job: this.catalogue.createJob('export', makeJobParams('export', params), []), target };
  }
}
