// Fine-tunes a colorizer on the family's own colour photos. The encoder stays frozen (it already
// sees shapes well, and a few hundred photos would only wear it down); the global path and the
// decoder learn the family's colours. Checkpoints are complete model folders; a cancelled or
// killed run resumes from the last one, and the model it started from is never touched.
import { initBackend, tf } from '../engine/backend';
import type { LoadedModel } from '../engine/model-store';
import { evaluateModel } from '../eval/evaluate';
import type { MetricsSummary } from '../metrics';
import { BinSpec, makeBatch } from './batches';
import { fitDecode, manifestDecode, withDecode } from './decode-fit';
import { listRunCheckpoints, loadCheckpoint, removePartialSaves, runSlug, saveCheckpoint, SavedCheckpoint, TrainerState } from './checkpoints';
import { DataSummary, FinetuneData, loadFinetuneData } from './dataset';
import { Rng } from '../rng';
import { judge, Judgement, MIN_PHOTOS_FOR_DECODE_FIT, recommend } from './recommend';
import { registerWasmConvGradients } from '../engine/wasm-gradients';
import { finetuneThreads, StepRunner } from './parallel-step';
import { buildReplica } from './replica';
import { blendWeights, deltaLayerNames, DELTA_FILE, unblend, weightDelta } from './blend';
import { ARCHIVE_GATE_FILE, LoadedGate } from '../engine/archive-gate';
import { fitGateOnArchive } from './archive-gate-fit';

/**
 * Adam's rate at the start of the cosine schedule. Chosen on a held-out source unlike the pool
 * (clothing, 120 photos, 15 minutes, v3 base; scripts/finetune-proof.ts): 2e-5 gained as much on the
 * archive's own photos as 1e-4 (ΔE00 −3.7 % against −3.4 %) and cost far less on general photos
 * (+4.2 % against +15.8 %): a higher rate overwrites what the base knew of other kinds of photo.
 */
export const DEFAULT_LEARNING_RATE = 2e-5;

/**
 * How far each checkpoint goes from the start towards the trained weights (blend.ts). Chosen with
 * the learning rate, on the same held-out source and the tune half of the general photos.
 */
export const DEFAULT_SHARE = 0.3;

export interface FinetuneOptions {
  folder: string;
  /** Run name; re-running with the same name resumes it. */
  name: string;
  /** Training time budget for the whole run (measurement and saving not counted). */
  minutes: number;
  batchSize?: number;
  crop?: number;
  learningRate?: number;
  /** 0..1: how far checkpoints go from the start towards the trained weights (default DEFAULT_SHARE). */
  share?: number;
  /** Training minutes between checkpoints. */
  checkpointMinutes?: number;
  /** At most this many held-out photos are measured at each checkpoint. */
  heldOutLimit?: number;
  seed?: number;
  /** Threads that compute gradients (default: finetuneThreads of the backend). */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (p: FinetuneProgress) => void;
}

export interface FinetuneProgress {
  phase: 'loading' | 'measuring' | 'training' | 'saved';
  run: string;
  step: number;
  loss: number | null;
  trainSeconds: number;
  budgetSeconds: number;
  etaSeconds: number | null;
  base: MetricsSummary | null;
  heldOut: MetricsSummary | null;
  checkpointId?: string;
  message?: string;
  /** Which photos the run uses, holds out and skipped (with why); known once the folder is read. */
  data?: DataSummary;
  /** The last measured checkpoint against the start on the same held-out photos, with the noise of those photos. */
  judgement?: Judgement | null;
}

export interface FinetuneResult {
  run: string;
  status: 'finished' | 'cancelled';
  checkpoint: SavedCheckpoint;
  /**
   * The checkpoint to offer: the lowest held-out ΔE00 among those better than the starting model
   * beyond the noise of the held-out photos; undefined when none is (the archive did not help).
   */
  recommended?: SavedCheckpoint;
  /** How the recommended checkpoint (else the last one) compares with the start on the held-out photos. */
  judgement?: Judgement;
  base: MetricsSummary | null;
  heldOut: MetricsSummary | null;
  resumedFrom?: string;
  /** The checkpoints carry an archive gate (engine/archive-gate.ts): only photos like the archive get the fine-tuned network. */
  gated: boolean;
}

export interface FinetuneDeps {
  modelsDir: string;
  /** The model a new run starts from (the active one unless the user names another). */
  startModel: () => Promise<LoadedModel>;
  /** Called once per saved checkpoint, e.g. to add its catalogue row. */
  onCheckpoint?: (ck: SavedCheckpoint, parentId: string) => void;
  /**
   * Throws when the library the checkpoints go to can no longer take them (its folder vanished):
   * called before the run starts and before each checkpoint is written, so nothing is written then.
   */
  assertWritable?: () => void;
}

export class FinetuneCancelled extends Error {
  constructor(readonly checkpoint: SavedCheckpoint) {
    super('Fine-tuning was cancelled; the last checkpoint is kept and the run can be resumed.');
    this.name = 'FinetuneCancelled';
  }
}

export function binSpec(model: LoadedModel): BinSpec {
  const out = model.manifest.output;
  if (out.type !== 'ab-bins' || model.manifest.architecture === 'beta') {
    throw new Error(`${model.manifest.id} cannot be fine-tuned: only Heirloom classification models can.`);
  }
  if (!out.rebalancingWeights) throw new Error(`${model.manifest.id} has no rebalancing weights in its manifest, so its loss cannot be rebuilt.`);
  return { centres: out.centres, rebalancingWeights: out.rebalancingWeights };
}

/** A trainable copy: the source model (maybe cached and in use for colorizing) is left alone. */
export function trainableCopy(model: LoadedModel): tf.LayersModel {
  const arch = model.manifest.architecture;
  if (arch === 'beta') throw new Error(`${model.manifest.id} cannot be fine-tuned`);
  const net = buildReplica(arch, binSpec(model).centres.length);
  // Layer by layer, by name: a saved checkpoint lists its frozen layers' weights last.
  for (const layer of net.layers) if (layer.weights.length) layer.setWeights(model.net.getLayer(layer.name).getWeights());
  return net;
}

async function measure(model: LoadedModel, files: string[]): Promise<{ metrics: MetricsSummary; perPhoto: number[] }> {
  const r = await evaluateModel(files, model);
  return { metrics: r.colorized, perPhoto: r.perPhotoDeltaE00 };
}

/** The run's checkpoint worth offering (see recommend.ts), with its judgement; undefined if none helped. */
export function recommendedCheckpoint(modelsDir: string, run: string): { pick: SavedCheckpoint; judgement: Judgement } | undefined {
  const measured = listRunCheckpoints(modelsDir, run).filter((c) => c.state.heldOutPerPhoto && c.state.basePerPhoto);
  if (measured.length === 0) return undefined;
  const start = measured[0].state.basePerPhoto!;
  const r = recommend(
    start,
    measured.map((c) => ({ ck: c, perPhoto: c.state.heldOutPerPhoto! })),
  );
  return r && { pick: r.pick.ck, judgement: r.judgement };
}

export async function runFinetune(deps: FinetuneDeps, opts: FinetuneOptions): Promise<FinetuneResult> {
  const backend = await initBackend();
  if (backend.name === 'wasm') registerWasmConvGradients();
  const run = runSlug(opts.name);
  const known: { data?: DataSummary } = {}; // filled once the folder has been read
  const report = (p: Omit<FinetuneProgress, 'run'>): void => opts.onProgress?.({ run, data: known.data, ...p });
  const config = {
    batchSize: opts.batchSize ?? 8,
    crop: opts.crop ?? 128,
    learningRate: opts.learningRate ?? DEFAULT_LEARNING_RATE,
    seed: opts.seed ?? 1,
    share: opts.share ?? DEFAULT_SHARE,
  };
  if (!(config.share > 0 && config.share <= 1)) throw new RangeError(`share must be above 0 and at most 1, got ${config.share}`);
  const budgetSeconds = opts.minutes * 60;

  deps.assertWritable?.();
  removePartialSaves(deps.modelsDir, run);
  const previous = listRunCheckpoints(deps.modelsDir, run);
  const last = previous.at(-1);

  const loadingMessage = last ? `resuming from checkpoint ${last.id}; reading photos` : 'reading photos';
  report({
    phase: 'loading',
    step: last?.state.step ?? 0,
    loss: null,
    trainSeconds: 0,
    budgetSeconds,
    etaSeconds: null,
    base: null,
    heldOut: null,
    message: loadingMessage,
  });
  const data: FinetuneData = await loadFinetuneData(opts.folder, opts.signal, last?.state.heldOutFiles);
  known.data = data.summary;
  const heldOut = opts.heldOutLimit ? data.heldOut.slice(0, opts.heldOutLimit) : data.heldOut;

  let source: LoadedModel;
  let state: Omit<TrainerState, 'optimizer'>;
  let optimizerWeights: Array<{ name: string; tensor: tf.Tensor }> = [];
  let delta: Buffer | undefined;
  let parentId: string;
  if (last) {
    const loaded = await loadCheckpoint(last, DELTA_FILE);
    source = loaded.model;
    optimizerWeights = loaded.optimizerWeights;
    delta = loaded.extra;
    state = { ...last.state, budgetSeconds, data: data.summary };
    parentId = last.id;
  } else {
    source = await deps.startModel();
    state = {
      run,
      baseModelId: source.manifest.id,
      step: 0,
      trainSeconds: 0,
      budgetSeconds,
      rngState: config.seed,
      loss: null,
      config,
      data: data.summary,
      base: null,
      heldOut: null,
      lossCurve: [],
      finished: false,
      heldOutFiles: heldOut,
    };
    parentId = source.manifest.id;
  }
  // The judgement of the last measurement, made once per measurement (a bootstrap: not at every step).
  let judged: { of: number[] | null | undefined; judgement: Judgement | null } = { of: undefined, judgement: null };
  const judgementNow = (): Judgement | null => {
    if (judged.of !== state.heldOutPerPhoto) {
      const ok = state.basePerPhoto && state.heldOutPerPhoto && state.basePerPhoto.length === state.heldOutPerPhoto.length;
      judged = { of: state.heldOutPerPhoto, judgement: ok ? judge(state.basePerPhoto!, state.heldOutPerPhoto!) : null };
    }
    return judged.judgement;
  };
  /** Progress as the run's state has it now. */
  const reportNow = (phase: FinetuneProgress['phase'], more: Partial<FinetuneProgress> = {}): void =>
    report({
      phase,
      step: state.step,
      loss: state.loss,
      trainSeconds: state.trainSeconds,
      budgetSeconds,
      etaSeconds: null,
      base: state.base,
      heldOut: state.heldOut,
      judgement: judgementNow(),
      ...more,
    });
  const bins = binSpec(source);
  const baseDecode = (state.baseDecode ??= manifestDecode(source)); // runs from before decode fitting: their checkpoint's
  // Three copies: the weights being trained, the run's start, and the blend of both that is saved.
  const net = trainableCopy(source);
  const start = trainableCopy(source);
  const share = state.config.share ?? 1; // runs from before blending went all the way
  if (delta) unblend(start, net, delta, share);
  const shown = share < 1 ? trainableCopy(source) : net;
  const arch = source.manifest.architecture as 'heirloom' | 'heirloom3'; // trainableCopy refused the others
  // The archive gate: fitted once on the training photos (the encoder is frozen, so their features never change).
  // Photos unlike the archive get the start's network (a fine-tuned start's own gate is not carried over).
  const fitted = source.pool
    ? await fitGateOnArchive(
        start,
        source.manifest.workingSize,
        source.pool,
        data.train.map((p) => p.file),
        { file: DELTA_FILE, scale: share, layers: deltaLayerNames(net) },
        opts.signal,
      )
    : undefined;
  const gate = fitted?.gate;
  const gated: { gate?: LoadedGate } = fitted ? { gate: { gate: fitted.gate, parent: start, embedder: fitted.embedder } } : {};
  const optimizer = tf.train.adam(state.config.learningRate);
  if (optimizerWeights.length) await optimizer.setWeights(optimizerWeights);

  // How long one measurement of the held-out photos takes (wall seconds): time left counts the ones to come.
  let measureSeconds = 0;
  if (!state.base) {
    reportNow('measuring', { message: `measuring the starting model on ${heldOut.length} held-out photos` });
    const t0 = performance.now();
    const m = await measure(source, heldOut);
    measureSeconds = (performance.now() - t0) / 1000;
    state.base = m.metrics;
    state.basePerPhoto = m.perPhoto;
    state.heldOut = state.base;
    state.heldOutPerPhoto = m.perPhoto;
  }

  const rng = new Rng(state.rngState);
  const checkpointEvery = (opts.checkpointMinutes ?? 2) * 60;
  let nextCheckpoint = state.trainSeconds + checkpointEvery;
  let saved: SavedCheckpoint | undefined = last && state.step === last.state.step ? last : undefined;

  const save = async (withMetrics: boolean): Promise<SavedCheckpoint> => {
    if (withMetrics) {
      reportNow('measuring', { message: 'measuring on held-out photos' });
      const t0 = performance.now();
      if (shown !== net) blendWeights(shown, start, net, share);
      const now: LoadedModel = { dir: source.dir, manifest: source.manifest, net: shown, ...gated };
      if (heldOut.length >= MIN_PHOTOS_FOR_DECODE_FIT) {
        // Enough photos for the choice to mean something: re-choose the decode around the start's (decode-fit.ts).
        const fit = await fitDecode(now, heldOut, baseDecode);
        state.heldOut = fit.metrics;
        state.heldOutPerPhoto = fit.perPhoto;
        state.decode = fit.decode;
      } else {
        const m = await measure({ ...now, manifest: withDecode(source.manifest, baseDecode) }, heldOut);
        state.heldOut = m.metrics;
        state.heldOutPerPhoto = m.perPhoto;
        state.decode = baseDecode;
      }
      measureSeconds = (performance.now() - t0) / 1000;
    } else {
      state.heldOut = null; // a checkpoint saved on cancel was not measured: say so rather than repeat old numbers
      state.heldOutPerPhoto = null;
    }
    state.rngState = rng.state;
    // The curve a checkpoint keeps ends at its own step (the window shows it after a reload).
    if (state.loss !== null && state.lossCurve.at(-1)?.[0] !== state.step) state.lossCurve.push([state.step, Number(state.loss.toFixed(4))]);
    deps.assertWritable?.(); // the library may have gone while training: never write a checkpoint into a folder made anew
    let ck: SavedCheckpoint;
    try {
      if (!withMetrics && shown !== net) blendWeights(shown, start, net, share);
      const files = { [DELTA_FILE]: weightDelta(net, start), ...(gate ? { [ARCHIVE_GATE_FILE]: Buffer.from(JSON.stringify(gate)) } : {}) };
      ck = await saveCheckpoint(deps.modelsDir, shown, source.manifest, parentId, state, optimizer, files, gate && ARCHIVE_GATE_FILE);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const kept = parentId === state.baseModelId ? 'nothing of this run was saved yet' : `checkpoint ${parentId} is kept`;
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new Error(
          `The disk is full: the checkpoint at step ${state.step} could not be saved (${kept}). Free some space and run the same command again to resume.`,
          { cause: e },
        );
      throw e;
    }
    deps.onCheckpoint?.(ck, parentId);
    parentId = ck.id;
    reportNow('saved', { checkpointId: ck.id });
    return ck;
  };

  /**
   * Training time left plus the measurements still to come: one at each checkpoint before the budget
   * ends and one at the end, each as long as the last one took (a resumed run learns it at its first).
   */
  const timeLeft = (): number => {
    const left = Math.max(0, budgetSeconds - state.trainSeconds);
    const checkpointsToCome = Math.max(0, Math.ceil((budgetSeconds - nextCheckpoint) / checkpointEvery));
    return left + measureSeconds * (1 + checkpointsToCome);
  };

  // Started last, so nothing above can leave worker threads running.
  const stepper = await StepRunner.start(net, arch, bins.centres.length, opts.threads ?? finetuneThreads(backend.name));
  try {
    while (state.trainSeconds < budgetSeconds) {
      if (opts.signal?.aborted) {
        if (!saved || saved.state.step !== state.step) saved = await save(false);
        throw new FinetuneCancelled(saved);
      }
      const t0 = performance.now();
      const frac = state.trainSeconds / budgetSeconds;
      (optimizer as unknown as { learningRate: number }).learningRate =
        state.config.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * frac)));
      const batch = makeBatch(data.train, state.config.batchSize, state.config.crop, bins, rng);
      const loss = await stepper.step(optimizer, batch);
      if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${state.step + 1} (loss ${loss}); the last checkpoint is kept`);
      state.step++;
      state.trainSeconds += (performance.now() - t0) / 1000;
      state.loss = state.loss === null ? loss : 0.95 * state.loss + 0.05 * loss;
      if (state.step % 5 === 0) state.lossCurve.push([state.step, Number(state.loss.toFixed(4))]);
      reportNow('training', { etaSeconds: timeLeft() });
      if (state.trainSeconds >= nextCheckpoint && state.trainSeconds < budgetSeconds) {
        saved = await save(true);
        nextCheckpoint = state.trainSeconds + checkpointEvery;
      }
      await new Promise((r) => setImmediate(r)); // let cancel signals and progress events through
    }
    state.finished = true;
    if (!saved || saved.state.step !== state.step || !saved.state.finished) saved = await save(true);
    const rec = recommendedCheckpoint(deps.modelsDir, run);
    const judgement = rec?.judgement ?? (state.basePerPhoto && state.heldOutPerPhoto ? judge(state.basePerPhoto, state.heldOutPerPhoto) : undefined);
    return {
      run,
      status: 'finished',
      checkpoint: saved,
      recommended: rec?.pick,
      judgement,
      base: state.base,
      heldOut: state.heldOut,
      resumedFrom: last?.id,
      gated: !!gate,
    };
  } finally {
    await stepper.stop();
    optimizer.dispose();
    net.dispose();
    start.dispose();
    if (shown !== net) shown.dispose();
    if (last) source.net.dispose();
  }
}
