// Fits a fine-tune's archive gate (engine/archive-gate.ts) on the archive's training photos, seen
// exactly as the colorizer will see a photo: decoded, at the model's working size.
import { ArchiveGate, embedder, fitArchiveGate, PoolEmbedding, photoFeatures } from '../engine/archive-gate';
import type { tf } from '../engine/backend';
import { decodePhoto } from '../imaging/decode';
import { workingLightness } from '../pipeline/colorize';

/** A Gaussian over 16 numbers is well fitted by this many photos; larger archives are sampled evenly. */
const MAX_GATE_PHOTOS = 400;

export async function fitGateOnArchive(
  start: tf.LayersModel,
  workingSize: number,
  pool: PoolEmbedding,
  files: readonly string[],
  parentDelta: ArchiveGate['parentDelta'],
  signal?: AbortSignal,
): Promise<{ gate: ArchiveGate; embedder: tf.LayersModel }> {
  const features = embedder(start);
  const step = Math.max(1, files.length / MAX_GATE_PHOTOS);
  const seen: Float32Array[] = [];
  for (let i = 0; i < files.length; i += step) {
    signal?.throwIfAborted();
    const photo = await decodePhoto(files[Math.floor(i)]);
    const work = await workingLightness(photo, workingSize);
    seen.push(photoFeatures(features, work.L, work.width, work.height));
  }
  return { gate: fitArchiveGate(pool, seen, parentDelta), embedder: features };
}
