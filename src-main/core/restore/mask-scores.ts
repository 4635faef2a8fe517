// Mask agreement with a tolerance: a hand-drawn mask of a real crack is a pixel or two off the
// detector's in places where both are right, so a predicted pixel counts as right when a true one lies
// within `tol` px (Euclidean), and a true one as found when a predicted one does.

/** The mask grown by a disc of radius `r` px. */
export function dilateDisc(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (r <= 0) return Uint8Array.from(mask);
  const offsets: [number, number][] = [];
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r * r) offsets.push([dx, dy]);
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (const [dx, dy] of offsets) {
        const xx = x + dx,
          yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h) out[yy * w + xx] = 1;
      }
    }
  }
  return out;
}

export interface ToleranceScores {
  precision: number;
  recall: number;
  f1: number;
  /** The counts behind them, so photos can be pooled pixel by pixel. */
  predicted: number;
  predictedNearTruth: number;
  truth: number;
  truthNearPredicted: number;
}

/** Precision, recall and F1 of `pred` against `truth` with a tolerance of `tol` px. */
export function toleranceScores(pred: Uint8Array, truth: Uint8Array, w: number, h: number, tol: number): ToleranceScores {
  const nearTruth = dilateDisc(truth, w, h, tol),
    nearPred = dilateDisc(pred, w, h, tol);
  let predN = 0,
    predHit = 0,
    truthN = 0,
    truthHit = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i]) {
      predN++;
      if (nearTruth[i]) predHit++;
    }
    if (truth[i]) {
      truthN++;
      if (nearPred[i]) truthHit++;
    }
  }
  return { ...f1Of(predHit, predN, truthHit, truthN), predicted: predN, predictedNearTruth: predHit, truth: truthN, truthNearPredicted: truthHit };
}

/** Precision, recall and F1 from tolerance counts (one photo's, or several photos' summed). */
export function f1Of(predHit: number, predN: number, truthHit: number, truthN: number): { precision: number; recall: number; f1: number } {
  const precision = predN ? predHit / predN : 1;
  const recall = truthN ? truthHit / truthN : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
