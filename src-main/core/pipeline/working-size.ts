// The size the network sees: short side = workingSize, long side at most twice that, both
// multiples of 8 (the network's stride). Extreme aspect ratios are squeezed, not cropped: colour
// is put back onto the photo's own full-resolution lightness afterwards.
export const NETWORK_STRIDE = 8;

export function workingDims(width: number, height: number, workingSize: number): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const scale = Math.min(workingSize / short, (2 * workingSize) / long);
  const round8 = (v: number): number => Math.max(NETWORK_STRIDE, Math.round(v / NETWORK_STRIDE) * NETWORK_STRIDE);
  return { width: round8(width * scale), height: round8(height * scale) };
}
