// A fine-tune's checkpoints: complete model folders in the library's models/ (written by saveModel
// in one atomic rename), each carrying the trainer state needed to resume, and a catalogue row.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../engine/backend';
import type { ModelManifest } from '../engine/manifest';
import type { DecodeChoice } from '../engine/predict';
import { loadModel, LoadedModel, saveModel } from '../engine/model-store';
import type { MetricsSummary } from '../metrics';
import type { DataSummary } from './dataset';

export const STATE_FILE = 'finetune.json';
const OPTIMIZER_FILE = 'optimizer.bin';

/** Everything besides the weights that a resumed run needs, saved beside them. */
export interface TrainerState {
  run: string;
  baseModelId: string;
  step: number;
  trainSeconds: number;
  budgetSeconds: number;
  rngState: number;
  loss: number | null;
  /** `share`: how far each checkpoint goes from the start towards the trained weights (blend.ts); absent in older runs: all the way. */
  config: { batchSize: number; crop: number; learningRate: number; seed: number; share?: number };
  data: DataSummary;
  base: MetricsSummary | null;
  heldOut: MetricsSummary | null;
  /** The held-out photos (fixed for the whole run) and each one's ΔE00 before and at this checkpoint. */
  heldOutFiles?: string[];
  basePerPhoto?: number[];
  heldOutPerPhoto?: number[] | null;
  lossCurve: Array<[number, number]>;
  /** The starting model's decode, and the one chosen for this checkpoint on the held-out photos (see decode-fit.ts). */
  baseDecode?: DecodeChoice;
  decode?: DecodeChoice;
  optimizer: Array<{ name: string; shape: number[] }>;
  finished: boolean;
}

export interface SavedCheckpoint {
  id: string;
  dir: string;
  state: TrainerState;
}

/** Model ids allow [A-Za-z0-9._-]; a run name is folded into that, and kept short. */
export function runSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return slug || 'finetune';
}

export function checkpointId(run: string, step: number): string {
  return `${run}-s${String(step).padStart(6, '0')}`;
}

/** The run's checkpoints, oldest first; half-written folders (.partial) are not checkpoints. */
export function listRunCheckpoints(modelsDir: string, run: string): SavedCheckpoint[] {
  if (!fs.existsSync(modelsDir)) return [];
  const re = new RegExp(`^${run.replace(/[.]/g, '\\.')}-s(\\d{6})$`);
  const found: SavedCheckpoint[] = [];
  for (const name of fs.readdirSync(modelsDir)) {
    if (!re.test(name)) continue;
    const dir = path.join(modelsDir, name);
    try {
      const state = JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as TrainerState;
      if (state.run === run) found.push({ id: name, dir, state });
    } catch {
      // not a checkpoint of ours (or unreadable): ignored, never deleted
    }
  }
  return found.sort((a, b) => a.state.step - b.state.step);
}

/** Leftovers of a save interrupted by a crash; they never held a complete checkpoint. */
export function removePartialSaves(modelsDir: string, run: string): void {
  if (!fs.existsSync(modelsDir)) return;
  for (const name of fs.readdirSync(modelsDir)) {
    if (name.startsWith(`.${run}-s`) && name.includes('.partial-')) fs.rmSync(path.join(modelsDir, name), { recursive: true, force: true });
  }
}

export async function saveCheckpoint(
  modelsDir: string,
  net: tf.LayersModel,
  baseManifest: ModelManifest,
  parentId: string,
  state: Omit<TrainerState, 'optimizer'>,
  optimizer: tf.Optimizer,
  /** Further files of the checkpoint (the blend's training difference, say). */
  extraFiles: Record<string, Buffer> = {},
  /** The file among them holding the checkpoint's archive gate (archive-gate.ts), if it has one. */
  archiveGate?: string,
): Promise<SavedCheckpoint> {
  // The models folder is the library's: a missing one means the library is gone, and is never made again here.
  if (!fs.statSync(modelsDir, { throwIfNoEntry: false })?.isDirectory())
    throw new Error(`The models folder ${modelsDir} is gone; no checkpoint was written.`);
  const id = checkpointId(state.run, state.step);
  const named = state.step > 0 ? await optimizer.getWeights() : []; // Adam has no moments before its first step
  const full: TrainerState = { ...state, optimizer: named.map((w) => ({ name: w.name, shape: w.tensor.shape })) };
  // Stored as float32 (Adam's iteration count is int32 in memory, exact in float32 at our step counts).
  const parts = named.map((w) => Buffer.from(Float32Array.from(w.tensor.dataSync()).buffer));
  // The start's pool summary stays in the start's folder (a gate carries its own copy).
  const { files: _files, poolEmbedding: _pool, archiveGate: _gate, ...rest } = baseManifest;
  const manifest: Omit<ModelManifest, 'files'> = {
    ...rest,
    output: rest.output.type === 'ab-bins' && state.decode ? { ...rest.output, ...state.decode } : rest.output,
    id,
    name: `${state.run} (step ${state.step})`,
    version: `${baseManifest.version}+ft.${state.step}`,
    parentId,
    ...(archiveGate ? { archiveGate } : {}),
    training: {
      finetune: {
        run: state.run,
        baseModelId: state.baseModelId,
        step: state.step,
        trainSeconds: Math.round(state.trainSeconds),
        data: { folder: state.data.folder, train: state.data.train, heldOut: state.data.heldOut },
      },
    },
    metrics: state.heldOut ? { heldOut: state.heldOut, base: state.base } : undefined,
  };
  const dir = path.join(modelsDir, id);
  await saveModel(net, dir, manifest, { ...extraFiles, [STATE_FILE]: JSON.stringify(full, null, 2) + '\n', [OPTIMIZER_FILE]: Buffer.concat(parts) });
  return { id, dir, state: full };
}

/** The model plus the optimizer's saved moments (and a named extra file, if saved), to continue exactly where the run stopped. */
export async function loadCheckpoint(
  ck: SavedCheckpoint,
  extraFile?: string,
): Promise<{ model: LoadedModel; optimizerWeights: Array<{ name: string; tensor: tf.Tensor }>; extra?: Buffer }> {
  const model = await loadModel(ck.dir);
  const extraPath = extraFile && path.join(ck.dir, extraFile);
  const extra = extraPath && fs.existsSync(extraPath) ? fs.readFileSync(extraPath) : undefined;
  const bytes = fs.readFileSync(path.join(ck.dir, OPTIMIZER_FILE));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const optimizerWeights = ck.state.optimizer.map((spec) => {
    const n = spec.shape.reduce((p, q) => p * q, 1);
    const t = tf.tensor(all.subarray(offset, offset + n), spec.shape);
    offset += n;
    return { name: spec.name, tensor: t };
  });
  if (offset !== all.length) throw new Error(`${ck.dir}: optimizer state does not match its description`);
  return { model, optimizerWeights, extra };
}
