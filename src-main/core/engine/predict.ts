// Runs a loaded model on one working-size lightness image and returns its ab prediction.
import { inputGrid } from './architectures';
import { gateWeight, photoFeatures } from './archive-gate';
import { tf } from './backend';
import type { LoadedModel } from './model-store';

/** Two colour planes at some resolution, row-major. */
export interface AbMap {
  width: number;
  height: number;
  a: Float32Array;
  b: Float32Array;
}

/** Optional user colour hints at working resolution: ab where mask = 1. */
export interface Hints {
  a: Float32Array;
  b: Float32Array;
  mask: Uint8Array;
}

/** Largest |a|, |b| kept; the sRGB gamut step afterwards narrows it further per pixel. */
const AB_LIMIT = 110;

/** Network input normalisation, shared with training/train.py: (L-50)/50, hint ab/110, mask 0/1. */
export function networkInput(channels: 1 | 4, L: Float32Array, width: number, height: number, hints?: Hints): Float32Array {
  const n = width * height;
  const x = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    x[o] = (L[i] - 50) / 50;
    if (channels === 4 && hints && hints.mask[i]) {
      x[o + 1] = hints.a[i] / 110;
      x[o + 2] = hints.b[i] / 110;
      x[o + 3] = 1;
    }
  }
  return x;
}

/** How a classification model's bin distribution becomes one colour per pixel. */
export interface DecodeOptions {
  /** Annealed-mean temperature; defaults to the manifest's. */
  temperature?: number;
  /** 0..1: how much of the training's class rebalancing to undo; defaults to the manifest's. */
  priorCorrection?: number;
  /** Multiplies the decoded ab; defaults to the manifest's (chosen on the validation split). */
  chromaGain?: number;
  /** Chroma added along each pixel's hue (ab units); defaults to the manifest's, else 0. */
  chromaLift?: number;
}

/** Every decode setting filled in. */
export type DecodeChoice = Required<DecodeOptions>;

/** A classification model's decode: per-call options over its manifest's, then the neutral defaults. */
export function resolveDecode(model: LoadedModel, opts: DecodeOptions = {}): DecodeChoice {
  const o = model.manifest.output;
  if (o.type !== 'ab-bins') throw new Error(`${model.manifest.id} has no bin decode`);
  return {
    temperature: opts.temperature ?? o.temperature,
    priorCorrection: opts.priorCorrection ?? o.priorCorrection ?? 0,
    chromaGain: opts.chromaGain ?? o.chromaGain ?? 1,
    chromaLift: opts.chromaLift ?? o.chromaLift ?? 0,
  };
}

/** Chroma (ab units) at which the lift reaches half its strength: near-grey pixels keep their hue noise small. */
const LIFT_KNEE = 10;

/** The network's raw output at its own stride: logits (Q per pixel) or tanh ab (2 per pixel). */
export interface RawPrediction {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
  /** For a gated fine-tune: how much of the fine-tuned network this photo got (0..1). */
  archiveShare?: number;
}

/** Gate weights this close to 0 or 1 run one network only. */
const GATE_EXACT = 0.01;

/** Runs the network on L (0..100) at working size (multiples of 8). */
export function runNetwork(model: LoadedModel, L: Float32Array, width: number, height: number, hints?: Hints): RawPrediction {
  const { manifest, net } = model;
  if (width % 8 !== 0 || height % 8 !== 0) throw new Error(`working size ${width}x${height} must be a multiple of 8`);
  const channels = manifest.input.channels;
  // Some networks need a coarser grid or a larger input: extend the edges, run, and crop the output back.
  const { multiple, least } = inputGrid(manifest.architecture);
  const pw = Math.max(least, Math.ceil(width / multiple) * multiple);
  const ph = Math.max(least, Math.ceil(height / multiple) * multiple);
  const input =
    pw === width && ph === height
      ? networkInput(channels, L, width, height, hints)
      : padInput(networkInput(channels, L, width, height, hints), channels, width, height, pw, ph);
  const stride = manifest.output.stride;
  // A gated fine-tune (archive-gate.ts) mixes its logits with its start network's by how much the photo is like its archive.
  const archiveShare = model.gate ? gateWeight(model.gate.gate, photoFeatures(model.gate.embedder, L, width, height)) : 1;
  const y = tf.tidy(() => {
    const x = tf.tensor4d(input, [1, ph, pw, channels]);
    const run = (n: tf.LayersModel) => n.predict(x) as tf.Tensor4D;
    let out: tf.Tensor4D;
    if (!model.gate || archiveShare > 1 - GATE_EXACT) out = run(net);
    else if (archiveShare < GATE_EXACT) out = run(model.gate.parent);
    else {
      const start = run(model.gate.parent);
      out = start.add(run(net).sub(start).mul(archiveShare));
    }
    return pw === width && ph === height ? out : out.slice([0, 0, 0, 0], [1, height / stride, width / stride, -1]);
  });
  const [, oh, ow, oc] = y.shape;
  const data = y.dataSync() as Float32Array;
  y.dispose();
  return { width: ow, height: oh, channels: oc, data, ...(model.gate ? { archiveShare } : {}) };
}

/** Pads an interleaved network input to pw x ph: L repeats its edge, hint channels stay empty. */
function padInput(x: Float32Array, channels: number, width: number, height: number, pw: number, ph: number): Float32Array {
  const out = new Float32Array(pw * ph * channels);
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(y, height - 1);
    for (let xx = 0; xx < pw; xx++) {
      const sx = Math.min(xx, width - 1);
      const src = (sy * width + sx) * channels;
      const dst = (y * pw + xx) * channels;
      if (sy === y && sx === xx) for (let c = 0; c < channels; c++) out[dst + c] = x[src + c];
      else out[dst] = x[src];
    }
  }
  return out;
}

/**
 * Classification output → ab with the annealed mean, softmax((logits − α·ln w) / T) · bin centres.
 * Training weighted each pixel's loss by the rebalancing weight w of its true bin, which tilts the
 * predicted distribution towards rare, saturated colours by a factor w; subtracting α·ln w undoes
 * that tilt (α = 1: the calibrated posterior), and T then sharpens it again towards vivid colour.
 */
export function decodeAb(model: LoadedModel, raw: RawPrediction, opts: DecodeOptions = {}): AbMap {
  const out = model.manifest.output;
  const flat = tf.tidy(() => {
    const y = tf.tensor2d(raw.data, [raw.width * raw.height, raw.channels]);
    let ab: tf.Tensor2D;
    if (out.type === 'ab-bins') {
      const q = out.centres.length;
      const { temperature: T, priorCorrection: alpha, chromaGain, chromaLift: lift } = resolveDecode(model, opts);
      let logits: tf.Tensor2D = y;
      if (alpha > 0 && out.rebalancingWeights) {
        logits = logits.sub(tf.tensor1d(out.rebalancingWeights.map((w) => alpha * Math.log(w))));
      }
      const probs = tf.softmax(logits.div(T));
      ab = tf.matMul(probs, tf.tensor2d(out.centres.flat(), [q, 2])).mul(chromaGain);
      // Lift: + c·ab/(|ab| + knee). Raising colourfulness by a constant chroma step costs less
      // squared error than multiplying, which stretches the already-far, saturated guesses most.
      if (lift > 0) {
        const chroma = ab.square().sum(1, true).sqrt();
        ab = ab.add(ab.mul(chroma.add(LIFT_KNEE).reciprocal().mul(lift)));
      }
    } else {
      ab = y.mul(out.scale);
    }
    return ab.clipByValue(-AB_LIMIT, AB_LIMIT);
  });
  const data = flat.dataSync() as Float32Array;
  flat.dispose();
  const n = raw.width * raw.height;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = data[2 * i];
    b[i] = data[2 * i + 1];
  }
  return { width: raw.width, height: raw.height, a, b };
}

/** L (0..100) at working size → ab at the model's output stride. */
export function predictAb(model: LoadedModel, L: Float32Array, width: number, height: number, hints?: Hints, decode?: DecodeOptions): AbMap {
  return decodeAb(model, runNetwork(model, L, width, height, hints), decode);
}
