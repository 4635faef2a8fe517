// The full-resolution pass for a band of rows: the photo's own L, the guided colour model applied
// to it, and the result converted to 8-bit sRGB. Runs in worker threads (render-worker.ts) or inline.
import { labToRgb8, rgb8ToL } from '../color/lab';
import { applyGuidedRows, GuidedCoefficients } from '../imaging/guided-upsample';

export interface RenderTask {
  rgb: Uint8Array;
  /** May be `rgb` itself: a row is read whole before it is written. */
  out: Uint8Array;
  width: number;
  height: number;
  coeffs: GuidedCoefficients;
  y0: number;
  y1: number;
}

export function renderRows(t: RenderTask): void {
  const { rgb, out, width } = t;
  const rowL = new Float32Array(width);
  applyGuidedRows(
    t.coeffs,
    width,
    t.height,
    t.y0,
    t.y1,
    (y) => {
      rowL.set(rgb8ToL(rgb.subarray(y * width * 3, (y + 1) * width * 3), 3));
      return rowL;
    },
    (y, a, b) => {
      labToRgb8(rowL, a, b, out.subarray(y * width * 3, (y + 1) * width * 3));
    },
  );
}
