// Takes a fine-tuned network only part of the way from the model it started from:
// w = start + share × (trained − start), layer by layer. A few hundred photos of one kind pull the
// colours towards that kind; going part of the way keeps much of the gain on the family's photos
// while costing far less on every other kind of photo, where the start sits near its own optimum
// (measured: from all the way to 0.3 of it the gain halved and the cost fell to a fifth; see the
// model card's fine-tuning proof).
//
// A checkpoint holds the blended weights (what the user colorizes with) and, beside them, the
// trained weights' difference from the start, so that a resumed run recovers both exactly.
import { tf } from '../engine/backend';

export const DELTA_FILE = 'delta.bin';

/** Sets `net`'s weights to start + share × (trained − start); all three share one architecture. */
export function blendWeights(net: tf.LayersModel, start: tf.LayersModel, trained: tf.LayersModel, share: number): void {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`blend share must be within 0..1, got ${share}`);
  for (const layer of net.layers) {
    if (!layer.weights.length) continue;
    const from = start.getLayer(layer.name).getWeights();
    const to = trained.getLayer(layer.name).getWeights();
    const mixed = tf.tidy(() => from.map((p, i) => p.add(to[i].sub(p).mul(share))));
    layer.setWeights(mixed);
    tf.dispose(mixed);
  }
}

/** The layers fine-tuning changes (the frozen encoders never differ from the start). */
function changingLayers(net: tf.LayersModel): tf.layers.Layer[] {
  return net.layers.filter((l) => l.trainable && l.weights.length > 0);
}

/** Names of the layers a delta covers, in its order (what a checkpoint's archive gate rebuilds the start from). */
export function deltaLayerNames(net: tf.LayersModel): string[] {
  return changingLayers(net).map((l) => l.name);
}

/** trained − start over the layers training changes, as float32 bytes in the network's layer order. */
export function weightDelta(trained: tf.LayersModel, start: tf.LayersModel): Buffer {
  const parts: Buffer[] = [];
  for (const layer of changingLayers(trained)) {
    const from = start.getLayer(layer.name).getWeights();
    layer.getWeights().forEach((w, i) => {
      const diff = w.sub(from[i]);
      parts.push(Buffer.from(new Float32Array(diff.dataSync()).buffer)); // a copy: the backend may reuse its memory
      diff.dispose();
    });
  }
  return Buffer.concat(parts);
}

/**
 * Undoes a saved blend: given the checkpoint's blended weights (already in `start` and `trained`)
 * and its delta, sets start = blended − share × delta and trained = blended + (1 − share) × delta.
 */
export function unblend(start: tf.LayersModel, trained: tf.LayersModel, delta: Buffer, share: number): void {
  const all = new Float32Array(delta.buffer.slice(delta.byteOffset, delta.byteOffset + delta.byteLength));
  const layers = changingLayers(trained);
  const expected = layers.reduce((n, l) => n + l.weights.reduce((m, w) => m + w.shape.reduce((p, q) => p! * q!, 1)!, 0), 0);
  if (expected !== all.length) throw new Error("the checkpoint's saved training difference does not match its network");
  let offset = 0;
  for (const layer of layers) {
    const blended = layer.getWeights();
    const d = blended.map((w) => {
      const t = tf.tensor(all.subarray(offset, offset + w.size), w.shape);
      offset += w.size;
      return t;
    });
    const [s, t] = tf.tidy(() => [blended.map((w, i) => w.sub(d[i].mul(share))), blended.map((w, i) => w.add(d[i].mul(1 - share)))]);
    start.getLayer(layer.name).setWeights(s);
    layer.setWeights(t);
    tf.dispose([...d, ...s, ...t]);
  }
}
