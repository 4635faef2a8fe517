// The photo view's damage overlay: the mask the repair fills (api.damageMask, at display size) and the
// person's brush strokes on it, which "Repair again" sends with the restore (maskEdit). Stroke lists are
// replaced, never changed in place, so a request sends them as they are (Electron's IPC cannot clone
// Svelte's state proxies).
import type { MaskStroke } from '../../src-main/contract/mask-edit';
import { api } from './api';
import { errorDetail } from './problems';

/** The contract's limits (contract/mask-edit.ts), repeated here: the window imports no zod. */
export const MAX_STROKES = 500;
export const MAX_STROKE_POINTS = 4000;
export const MAX_POINTS = 50_000;
export const MIN_RADIUS = 0.0002;
export const MAX_RADIUS = 0.1;
/** Brush diameters on screen, CSS px. */
export const MIN_SIZE = 2;
export const MAX_SIZE = 80;
/** Long side the mask is asked at (the viewer's photo is seldom shown larger). */
const MASK_SIZE = 1280;

export type BrushTool = 'add' | 'erase' | 'move';

export interface ShownMask {
  width: number;
  height: number;
  /** One bit a pixel, row-major, most significant bit first. */
  bits: Uint8Array;
  /** Share of the photo's pixels found damaged. */
  fraction: number;
}

export class MaskBrush {
  /** The overlay is on. */
  shown = $state(false);
  tool = $state<BrushTool>('add');
  /** Brush diameter on screen, CSS px (so zooming in gives a finer brush on the photo). */
  size = $state(14);
  strokes = $state.raw<MaskStroke[]>([]);
  mask = $state.raw<ShownMask | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  readonly points = $derived(this.strokes.reduce((n, s) => n + s.points.length, 0));
  readonly full = $derived(this.strokes.length >= MAX_STROKES || this.points >= MAX_POINTS);
  /** Which photo the mask and strokes belong to. */
  private photoId = 0;
  private serial = 0;

  /** Another photo: nothing shown, no strokes. */
  reset(photoId: number): void {
    if (photoId === this.photoId) return;
    this.photoId = photoId;
    this.serial++;
    this.shown = false;
    this.strokes = [];
    this.mask = null;
    this.loading = false;
    this.error = null;
  }

  async show(): Promise<void> {
    this.shown = true;
    if (this.mask || this.loading) return;
    const id = this.photoId,
      serial = ++this.serial;
    this.loading = true;
    this.error = null;
    try {
      const m = await api.damageMask({ photoId: id, maxSize: MASK_SIZE });
      if (serial !== this.serial) return;
      const raw = atob(m.bits);
      const bits = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bits[i] = raw.charCodeAt(i);
      this.mask = { width: m.width, height: m.height, bits, fraction: m.fraction };
    } catch (e) {
      if (serial === this.serial) this.error = errorDetail(e);
    } finally {
      if (serial === this.serial) this.loading = false;
    }
  }

  hide(): void {
    this.shown = false;
  }

  toggle(): void {
    if (this.shown) this.hide();
    else void this.show();
  }

  /** The brush radius as the contract has it (a fraction of the photo's long side), for a photo shown w × h at `zoom`. */
  radiusFor(w: number, h: number, zoom: number): number {
    const r = this.size / 2 / Math.max(1, Math.max(w, h) * zoom);
    return Math.min(MAX_RADIUS, Math.max(MIN_RADIUS, r));
  }

  /** How many more points the edit may take. */
  room(): number {
    return Math.max(0, Math.min(MAX_STROKE_POINTS, MAX_POINTS - this.points));
  }

  add(stroke: MaskStroke): void {
    if (this.full || !stroke.points.length) return;
    this.strokes = [...this.strokes, { ...stroke, points: stroke.points.slice(0, this.room()) }];
  }

  undo(): void {
    if (this.strokes.length) this.strokes = this.strokes.slice(0, -1);
  }

  clear(): void {
    this.strokes = [];
  }

  resize(delta: number): void {
    this.size = Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.round(this.size * (delta > 0 ? 1.25 : 0.8))));
  }
}
