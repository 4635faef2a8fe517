// The colour hints being edited in the photo view, with their undo/redo history and which point is
// selected. Lists are replaced, never changed in place, so the history holds plain snapshots and a
// request can send them as they are (Electron's IPC cannot clone Svelte's state proxies).
import type { PointHint } from '../../src-main/contract/hints';

/** A hint's patch side in working-size pixels when none is set (the core's DEFAULT_HINT_SIZE). */
export const DEFAULT_SIZE = 5;

/** The contract's limit (contract/hints.ts MAX_HINTS), repeated here: the window imports no zod. */
export const MAX_HINTS = 200;
/** Undo steps kept. */
const HISTORY = 100;

/** A point placed but not yet given a colour: it joins the list when a colour is chosen. */
export interface PendingPoint {
  x: number;
  y: number;
}

export function sameHints(a: readonly PointHint[], b: readonly PointHint[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (h, i) =>
        h.x === b[i]!.x && h.y === b[i]!.y && h.color.toLowerCase() === b[i]!.color.toLowerCase() && (h.size ?? null) === (b[i]!.size ?? null),
    )
  );
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

export class HintEditor {
  hints = $state.raw<PointHint[]>([]);
  /** Index into `hints`, 'pending' for the point waiting for its colour, or null. */
  selected = $state<number | 'pending' | null>(null);
  pending = $state.raw<PendingPoint | null>(null);
  private past = $state.raw<PointHint[][]>([]);
  private future = $state.raw<PointHint[][]>([]);
  /** Edits with the same key in a row (a drag, the picker's stream of colours) are one undo step. */
  private lastKey: string | null = null;

  readonly canUndo = $derived(this.past.length > 0);
  readonly canRedo = $derived(this.future.length > 0);
  readonly full = $derived(this.hints.length >= MAX_HINTS);

  /** A new starting point (a photo opened, a version kept or discarded): no history. */
  reset(hints: readonly PointHint[]): void {
    this.hints = hints.map((h) => ({ ...h }));
    this.past = [];
    this.future = [];
    this.lastKey = null;
    this.selected = null;
    this.pending = null;
  }

  /** Ends a run of coalesced edits (the popover closed, another point was chosen). */
  seal(): void {
    this.lastKey = null;
  }

  private commit(next: PointHint[], key: string | null): void {
    if (key === null || key !== this.lastKey) this.past = [...this.past.slice(-(HISTORY - 1)), this.hints];
    this.future = [];
    this.lastKey = key;
    this.hints = next;
  }

  undo(): void {
    const prev = this.past.at(-1);
    if (!prev) return;
    this.future = [...this.future, this.hints];
    this.past = this.past.slice(0, -1);
    this.restore(prev);
  }

  redo(): void {
    const next = this.future.at(-1);
    if (!next) return;
    this.past = [...this.past, this.hints];
    this.future = this.future.slice(0, -1);
    this.restore(next);
  }

  private restore(list: PointHint[]): void {
    this.lastKey = null;
    this.hints = list;
    this.pending = null;
    if (typeof this.selected === 'number' && this.selected >= list.length) this.selected = null;
    if (this.selected === 'pending') this.selected = null;
  }

  /** Puts a point waiting for its colour at (x, y) and selects it. */
  place(x: number, y: number): void {
    if (this.full) return;
    this.seal();
    this.pending = { x: clamp01(x), y: clamp01(y) };
    this.selected = 'pending';
  }

  select(i: number | 'pending' | null): void {
    if (i !== this.selected) this.seal();
    // Choosing anything else drops a point that never got its colour.
    if (i !== 'pending') this.pending = null;
    this.selected = i;
  }

  /** Colours the selected point; a pending one becomes a hint. `key` coalesces a stream of colours. */
  colour(color: string, stream = false): void {
    const c = color.toLowerCase();
    if (this.selected === 'pending' && this.pending) {
      const { x, y } = this.pending;
      this.pending = null;
      this.commit([...this.hints, { x, y, color: c }], null);
      this.selected = this.hints.length - 1;
      if (stream) this.lastKey = `colour:${this.selected}`;
      return;
    }
    const i = this.selected;
    if (typeof i !== 'number' || !this.hints[i] || this.hints[i].color === c) return;
    this.commit(
      this.hints.map((h, k) => (k === i ? { ...h, color: c } : h)),
      stream ? `colour:${i}` : null,
    );
  }

  /** Sets the selected hint's patch size (working-size px; 5 is the default); a slider's stream is one undo step. */
  resize(size: number, stream = false): void {
    const i = this.selected;
    if (typeof i !== 'number' || !this.hints[i]) return;
    const next = Math.max(1, Math.min(31, Math.round(size)));
    if ((this.hints[i].size ?? DEFAULT_SIZE) === next) return;
    this.commit(
      this.hints.map((h, k) => (k === i ? { ...h, size: next } : h)),
      stream ? `size:${i}` : null,
    );
  }

  /** Moves point i (or the pending one); `key` makes one drag one undo step. */
  move(i: number | 'pending', x: number, y: number, key: string | null): void {
    if (i === 'pending') {
      if (this.pending) this.pending = { x: clamp01(x), y: clamp01(y) };
      return;
    }
    const h = this.hints[i];
    if (!h) return;
    this.commit(
      this.hints.map((p, k) => (k === i ? { ...p, x: clamp01(x), y: clamp01(y) } : p)),
      key,
    );
  }

  remove(i: number | 'pending'): void {
    if (i === 'pending') {
      this.pending = null;
      if (this.selected === 'pending') this.selected = null;
      return;
    }
    if (!this.hints[i]) return;
    this.commit(
      this.hints.filter((_, k) => k !== i),
      null,
    );
    this.selected = null;
  }

  clear(): void {
    this.pending = null;
    this.selected = null;
    if (this.hints.length) this.commit([], null);
  }
}
