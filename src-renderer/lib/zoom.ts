// Zoom/pan maths for the photo view: `zoom` 1 = the photo fits the pane; tx/ty = where the photo's
// top-left corner sits in the pane (CSS px). Kept here, free of the DOM, so it stays easy to check.
export interface View {
  zoom: number;
  tx: number;
  ty: number;
}

export const FIT: View = { zoom: 1, tx: 0, ty: 0 };

/** Keeps the photo covering the pane when larger than it, centred when smaller (e.g. 100 % of a small scan). */
export function clampView(v: View, paneW: number, paneH: number, maxZoom: number, minZoom = 1): View {
  const zoom = Math.min(maxZoom, Math.max(minZoom, v.zoom));
  const axis = (t: number, pane: number): number => {
    const free = pane - pane * zoom;
    return free >= 0 ? free / 2 : Math.min(0, Math.max(free, t));
  };
  return { zoom, tx: axis(v.tx, paneW), ty: axis(v.ty, paneH) };
}

/** Zooms to `zoom` keeping the photo point under (px, py) where it is. */
export function zoomAt(v: View, zoom: number, px: number, py: number, paneW: number, paneH: number, maxZoom: number, minZoom = 1): View {
  const z = Math.min(maxZoom, Math.max(minZoom, zoom));
  const ix = (px - v.tx) / v.zoom;
  const iy = (py - v.ty) / v.zoom;
  return clampView({ zoom: z, tx: px - ix * z, ty: py - iy * z }, paneW, paneH, maxZoom, minZoom);
}
