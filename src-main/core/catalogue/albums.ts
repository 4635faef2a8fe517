// The albums and album_items tables: named, ordered selections of photos, each item with an optional
// chosen version and caption, and the album's cover. Albums only point at photos: deleting one never
// touches the library. The contract of each method is documented on Catalogue, which delegates here.
import { CodedError } from '../../contract/problems';
import { LATEST_OUTPUT_JOIN, ORIGINAL_LIST_COLUMNS, type OriginalsTable } from './originals';
import type { OutputsTable } from './outputs';
import { toAlbum, toAlbumSummary, toOriginalList, type RawAlbum, type RawAlbumSummary, type RawOriginalList } from './rows';
import type { TableContext } from './table-context';
import type { AlbumItemRow, AlbumRow, AlbumSummary } from './types';

const ALBUM_SUMMARY_SELECT = `
  SELECT a.*,
    (SELECT count(*) FROM album_items i WHERE i.album_id = a.id) AS item_count,
    coalesce(a.cover_original_id,
      (SELECT i.original_id FROM album_items i WHERE i.album_id = a.id ORDER BY i.position, i.original_id LIMIT 1)
    ) AS effective_cover_id
  FROM albums a`;

type RawAlbumItem = RawOriginalList & {
  item_album_id: number;
  item_position: number;
  item_output_id: number | null;
  item_caption: string | null;
};

export class AlbumsTable {
  constructor(
    private readonly ctx: TableContext,
    /** To check that a photo exists before it is added. */
    private readonly originals: OriginalsTable,
    /** To check that an item's chosen version belongs to its photo. */
    private readonly outputs: OutputsTable,
  ) {}

  createAlbum(name: string): AlbumRow {
    this.assertNameFree(name);
    const ts = this.ctx.now();
    const raw = this.ctx
      .st('INSERT INTO albums (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING *')
      .get(albumName(name), ts, ts) as RawAlbum;
    return toAlbum(raw);
  }

  renameAlbum(albumId: number, name: string): AlbumRow {
    this.assertNameFree(name, albumId);
    const raw = this.ctx.st('UPDATE albums SET name = ?, updated_at = ? WHERE id = ? RETURNING *').get(albumName(name), this.ctx.now(), albumId) as
      RawAlbum | undefined;
    if (!raw) throw new CodedError('album.notFound', { id: albumId }, `No album with id ${albumId}.`);
    return toAlbum(raw);
  }

  /** Two albums of one name could not be told apart (in the sidebar, or by name on the command line). */
  private assertNameFree(name: string, except?: number): void {
    const wanted = albumName(name);
    const other = this.ctx.st('SELECT id, name FROM albums WHERE name = ? COLLATE NOCASE AND id IS NOT ? LIMIT 1').get(wanted, except ?? null) as
      { id: number; name: string } | undefined;
    if (other)
      throw new CodedError(
        'album.nameTaken',
        { name: other.name },
        `An album called "${other.name}" already exists (#${other.id}); choose another name.`,
      );
  }

  deleteAlbum(albumId: number): boolean {
    return this.ctx.st('DELETE FROM albums WHERE id = ?').run(albumId).changes > 0;
  }

  getAlbum(albumId: number): AlbumSummary | undefined {
    const raw = this.ctx.st(`${ALBUM_SUMMARY_SELECT} WHERE a.id = ?`).get(albumId) as RawAlbumSummary | undefined;
    return raw && toAlbumSummary(raw);
  }

  listAlbums(): AlbumSummary[] {
    const rows = this.ctx.st(`${ALBUM_SUMMARY_SELECT} ORDER BY a.name COLLATE NOCASE, a.id`).all() as RawAlbumSummary[];
    return rows.map(toAlbumSummary);
  }

  addToAlbum(albumId: number, originalIds: readonly number[]): number {
    return this.ctx.transaction(() => {
      this.requireAlbum(albumId);
      let next = (
        this.ctx.st('SELECT coalesce(max(position) + 1, 0) AS next FROM album_items WHERE album_id = ?').get(albumId) as {
          next: number;
        }
      ).next;
      const insert = this.ctx.st(
        `INSERT INTO album_items (album_id, original_id, position) VALUES (?, ?, ?)
         ON CONFLICT (album_id, original_id) DO NOTHING`,
      );
      let added = 0;
      for (const originalId of originalIds) {
        if (!this.originals.getOriginal(originalId))
          throw new CodedError('photo.notInLibrary', { id: originalId }, `No photo with id ${originalId}.`);
        if (insert.run(albumId, originalId, next).changes > 0) {
          next++;
          added++;
        }
      }
      if (added > 0) this.touchAlbum(albumId);
      return added;
    });
  }

  removeFromAlbum(albumId: number, originalIds: readonly number[]): number {
    return this.ctx.transaction(() => {
      this.requireAlbum(albumId);
      const del = this.ctx.st('DELETE FROM album_items WHERE album_id = ? AND original_id = ?');
      let removed = 0;
      for (const originalId of originalIds) removed += del.run(albumId, originalId).changes;
      // A cover must be one of the album's own photos.
      this.ctx
        .st(
          `UPDATE albums SET cover_original_id = NULL WHERE id = ? AND cover_original_id NOT IN
           (SELECT original_id FROM album_items WHERE album_id = ?)`,
        )
        .run(albumId, albumId);
      if (removed > 0) this.touchAlbum(albumId);
      return removed;
    });
  }

  reorderAlbum(albumId: number, originalIds: readonly number[]): void {
    this.ctx.transaction(() => {
      this.requireAlbum(albumId);
      const current = (this.ctx.st('SELECT original_id FROM album_items WHERE album_id = ?').all(albumId) as { original_id: number }[]).map(
        (r) => r.original_id,
      );
      const wanted = new Set(originalIds);
      const same = wanted.size === originalIds.length && wanted.size === current.length && current.every((id) => wanted.has(id));
      if (!same) throw new CodedError('album.order', {}, `The new order for album ${albumId} must list each of its photos exactly once.`);
      const setPos = this.ctx.st('UPDATE album_items SET position = ? WHERE album_id = ? AND original_id = ?');
      originalIds.forEach((originalId, position) => setPos.run(position, albumId, originalId));
      this.touchAlbum(albumId);
    });
  }

  setAlbumCover(albumId: number, originalId: number | null): void {
    this.ctx.transaction(() => {
      this.requireAlbum(albumId);
      if (originalId !== null) this.requireAlbumItem(albumId, originalId);
      this.ctx.st('UPDATE albums SET cover_original_id = ?, updated_at = ? WHERE id = ?').run(originalId, this.ctx.now(), albumId);
    });
  }

  setAlbumItemOutput(albumId: number, originalId: number, outputId: number | null): void {
    this.ctx.transaction(() => {
      this.requireAlbumItem(albumId, originalId);
      if (outputId !== null && this.outputs.getOutput(outputId)?.originalId !== originalId) {
        throw new CodedError('version.notOfPhoto', {}, `Output ${outputId} is not a version of photo ${originalId}.`);
      }
      this.ctx.st('UPDATE album_items SET output_id = ? WHERE album_id = ? AND original_id = ?').run(outputId, albumId, originalId);
      this.touchAlbum(albumId);
    });
  }

  moveAlbumItem(albumId: number, originalId: number, index: number): void {
    this.ctx.transaction(() => {
      this.requireAlbumItem(albumId, originalId);
      const ids = this.albumItems(albumId)
        .map((i) => i.originalId)
        .filter((id) => id !== originalId);
      const at = Math.max(0, Math.min(ids.length, Math.trunc(index)));
      ids.splice(at, 0, originalId);
      this.reorderAlbum(albumId, ids);
    });
  }

  setAlbumItemCaption(albumId: number, originalId: number, caption: string | null): void {
    this.ctx.transaction(() => {
      this.requireAlbumItem(albumId, originalId);
      const text = caption === null || caption.trim() === '' ? null : caption.trim();
      this.ctx.st('UPDATE album_items SET caption = ? WHERE album_id = ? AND original_id = ?').run(text, albumId, originalId);
      this.touchAlbum(albumId);
    });
  }

  findAlbumsByName(name: string): AlbumSummary[] {
    const rows = this.ctx.st(`${ALBUM_SUMMARY_SELECT} WHERE a.name = ? ORDER BY a.id`).all(name.trim()) as RawAlbumSummary[];
    return rows.map(toAlbumSummary);
  }

  albumItems(albumId: number): AlbumItemRow[] {
    const rows = this.ctx
      .st(
        `SELECT ai.album_id AS item_album_id, ai.position AS item_position, ai.output_id AS item_output_id,
              ai.caption AS item_caption, ${ORIGINAL_LIST_COLUMNS}
       FROM album_items ai JOIN originals o ON o.id = ai.original_id ${LATEST_OUTPUT_JOIN}
       WHERE ai.album_id = ? ORDER BY ai.position, ai.original_id`,
      )
      .all(albumId) as RawAlbumItem[];
    return rows.map((r) => ({
      albumId: r.item_album_id,
      originalId: r.id,
      position: r.item_position,
      outputId: r.item_output_id,
      caption: r.item_caption,
      original: toOriginalList(this.ctx.libraryRoot, r),
    }));
  }

  private requireAlbum(albumId: number): void {
    if (!this.ctx.st('SELECT 1 FROM albums WHERE id = ?').get(albumId))
      throw new CodedError('album.notFound', { id: albumId }, `No album with id ${albumId}.`);
  }

  private requireAlbumItem(albumId: number, originalId: number): void {
    if (!this.ctx.st('SELECT 1 FROM album_items WHERE album_id = ? AND original_id = ?').get(albumId, originalId)) {
      throw new CodedError('album.photoNotIn', { id: originalId }, `Photo ${originalId} is not in album ${albumId}.`);
    }
  }

  private touchAlbum(albumId: number): void {
    this.ctx.st('UPDATE albums SET updated_at = ? WHERE id = ?').run(this.ctx.now(), albumId);
  }
}

function albumName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new CodedError('album.nameEmpty', {}, 'An album needs a name.');
  return trimmed;
}
