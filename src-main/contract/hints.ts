// The colour-hint part of the contract: a hint is "this point is this colour". x and y are fractions
// of the photo's width and height (after EXIF orientation), so a hint means the same place at any
// size; only the colour's a and b are used (the photo keeps its lightness); `size` is the patch side
// in working-size pixels. Shared by the CLI's hints files, the window and the catalogue's records.
import { z } from 'zod';

export const DEFAULT_HINT_SIZE = 5;
export const MAX_HINTS = 200;

export const PointHintSchema = z.strictObject({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#3a5fa0"'),
  size: z.number().int().min(1).max(31).optional(),
});
export type PointHint = z.infer<typeof PointHintSchema>;
export const PointHintsSchema = z.array(PointHintSchema).max(MAX_HINTS);

/** A colour the network itself thinks likely at a point (the hint tool's swatches). */
export interface SuggestedColour {
  /** sRGB hex, shown at a mid lightness near the point's own. */
  color: string;
  /** The network's probability for it (its ab bin and the bins merged into it), 0..1. */
  probability: number;
}
