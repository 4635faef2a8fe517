// The damage-mask edit of a repair: brush strokes a person painted over the detected damage in the
// photo view, to add a scratch the detector missed or erase a false mark. Points are fractions of the
// photo's width and height (after EXIF orientation) and the radius a fraction of its long side, so a
// stroke means the same place at any size. Strokes apply in order on the full-size mask: a later erase
// wins over an earlier add. Recorded with the output (its restore steps), so the result can be made again.
import { z } from 'zod';

export const MAX_MASK_STROKES = 500;
export const MAX_STROKE_POINTS = 4000;
/** All strokes together: bounds the work of rasterising an edit. */
export const MAX_MASK_EDIT_POINTS = 50_000;
/** Brush radius, as a fraction of the photo's long side. */
export const MIN_BRUSH_RADIUS = 0.0002;
export const MAX_BRUSH_RADIUS = 0.1;

const fraction = z.number().min(0).max(1);

export const MaskStrokeSchema = z.strictObject({
  mode: z.enum(['add', 'erase']),
  radius: z.number().min(MIN_BRUSH_RADIUS).max(MAX_BRUSH_RADIUS),
  /** The brush's path, [x, y]; one point is a dab. */
  points: z
    .array(z.tuple([fraction, fraction]))
    .min(1)
    .max(MAX_STROKE_POINTS),
});
export type MaskStroke = z.infer<typeof MaskStrokeSchema>;

export const MaskEditSchema = z
  .array(MaskStrokeSchema)
  .min(1)
  .max(MAX_MASK_STROKES)
  .refine((s) => s.reduce((n, k) => n + k.points.length, 0) <= MAX_MASK_EDIT_POINTS, `at most ${MAX_MASK_EDIT_POINTS} points in all`);
export type MaskEdit = z.infer<typeof MaskEditSchema>;
