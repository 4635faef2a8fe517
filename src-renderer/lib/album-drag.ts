// Photos dragged from the gallery onto an album, inside the page (HTML5 drag and drop). The ids travel
// as JSON under a type of our own, so a drop of files from the desktop is never mistaken for one.
export const PHOTO_DRAG = 'application/x-heirloom-photos';

export function isPhotoDrag(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes(PHOTO_DRAG) ?? false;
}

export function setPhotoDrag(e: DragEvent, ids: number[]): void {
  if (!e.dataTransfer) return;
  e.dataTransfer.setData(PHOTO_DRAG, JSON.stringify(ids));
  e.dataTransfer.effectAllowed = 'copy';
}

/** The dragged photo ids, or [] when the drop carried anything else. */
export function droppedPhotos(e: DragEvent): number[] {
  try {
    const v: unknown = JSON.parse(e.dataTransfer?.getData(PHOTO_DRAG) || '[]');
    return Array.isArray(v) ? v.filter((x): x is number => Number.isSafeInteger(x) && x > 0).slice(0, 100_000) : [];
  } catch {
    return [];
  }
}

/** Moves the item at `from` so it sits at `to` (both 0-based, `to` counted before the removal). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to > from ? to - 1 : to, 0, x);
  return out;
}
