// Loading and saving models in the tfjs layers format (model.json + weights.bin) plus heirloom.json.
// Pure tfjs has no file handlers in Node, so artifacts go through fromMemory / withSaveHandler.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend, tf } from './backend';
import { MANIFEST_FILE, ModelManifest, ModelManifestSchema } from './manifest';
import { loadArchiveGate, LoadedGate, PoolEmbedding, readPoolEmbedding } from './archive-gate';

export class ModelLoadError extends Error {
  constructor(
    public readonly modelDir: string,
    detail: string,
  ) {
    super(`The colorization model in ${modelDir} cannot be used: ${detail}`);
    this.name = 'ModelLoadError';
  }
}

export interface LoadedModel {
  dir: string;
  manifest: ModelManifest;
  net: tf.LayersModel;
  /** The training pool's feature summary: a fine-tune from this model can carry an archive gate. */
  pool?: PoolEmbedding;
  /** A fine-tuned checkpoint's gate and start network (photos unlike its archive get the start's colours). */
  gate?: LoadedGate;
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export function readManifest(dir: string): ModelManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelLoadError(dir, code === 'ENOENT' ? `${MANIFEST_FILE} is missing` : `${MANIFEST_FILE} is not valid JSON`);
  }
  const parsed = ModelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ModelLoadError(dir, `${MANIFEST_FILE} is invalid (${first.path.join('.') || 'root'}: ${first.message})`);
  }
  return parsed.data;
}

/** Reads and checks a model directory; a truncated or altered weights file is refused by checksum. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  await initBackend(); // never build a model on tfjs' default pure-JS backend by accident
  const manifest = readManifest(dir);
  const weightsPath = path.join(dir, manifest.files.weights);
  const topoPath = path.join(dir, manifest.files.topology);
  let weights: Buffer;
  let topo: { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  try {
    weights = fs.readFileSync(weightsPath);
  } catch {
    throw new ModelLoadError(dir, `weights file ${manifest.files.weights} is missing`);
  }
  if (weights.length !== manifest.files.weightsBytes || sha256(weights) !== manifest.files.weightsSha256) {
    throw new ModelLoadError(dir, `weights file ${manifest.files.weights} is damaged (checksum mismatch)`);
  }
  try {
    topo = JSON.parse(fs.readFileSync(topoPath, 'utf8'));
  } catch {
    throw new ModelLoadError(dir, `${manifest.files.topology} is missing or not valid JSON`);
  }
  let net: tf.LayersModel;
  let gate: LoadedGate | undefined;
  try {
    const specs = topo.weightsManifest.flatMap((g) => g.weights);
    const ab = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
    const build = () => tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topo.modelTopology, weightSpecs: specs, weightData: ab }));
    net = await build();
    if (manifest.archiveGate) gate = await loadArchiveGate(dir, manifest.archiveGate, net, build);
  } catch (e) {
    throw new ModelLoadError(dir, `the network could not be built (${(e as Error).message.split('\n')[0]})`);
  }
  const model: LoadedModel = { dir, manifest, net };
  if (gate) Object.assign(model, { gate, pool: gate.gate.pool });
  else if (manifest.poolEmbedding) {
    try {
      model.pool = readPoolEmbedding(dir, manifest.poolEmbedding);
    } catch {
      throw new ModelLoadError(dir, `${manifest.poolEmbedding} is missing or invalid`);
    }
  }
  return model;
}

/**
 * Writes a complete model directory: everything goes into a sibling temp folder which is renamed
 * into place at the end, so a crash never leaves a half-written model where a reader could find it.
 */
export async function saveModel(
  net: tf.LayersModel,
  dir: string,
  manifest: Omit<ModelManifest, 'files'>,
  /** Further files saved in the same atomic step (a fine-tune's optimizer state, say). */
  extraFiles: Record<string, Buffer | string> = {},
): Promise<ModelManifest> {
  if (fs.existsSync(dir)) throw new Error(`refusing to overwrite existing model directory ${dir}`);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await net.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('tfjs produced no weights to save');
  const weightData = tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]);
  const weights = Buffer.from(weightData);
  const full: ModelManifest = {
    ...manifest,
    files: { topology: 'model.json', weights: 'weights.bin', weightsSha256: sha256(weights), weightsBytes: weights.length },
  };
  ModelManifestSchema.parse(full);
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.partial-`));
  const topology = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'heirloom',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  try {
    writeSynced(path.join(tmp, 'weights.bin'), weights);
    writeSynced(path.join(tmp, 'model.json'), JSON.stringify(topology));
    for (const [name, data] of Object.entries(extraFiles)) writeSynced(path.join(tmp, path.basename(name)), data);
    writeSynced(path.join(tmp, MANIFEST_FILE), JSON.stringify(full, null, 2) + '\n');
    fs.renameSync(tmp, dir);
  } catch (e) {
    // A full disk or a crash mid-write leaves nothing behind that looks like a model.
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return full;
}

function writeSynced(file: string, data: Buffer | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
