// Enlarging a photo ×2 or ×4 with a super-resolution network (ESRGAN "slim", an RDN from the
// @upscalerjs/esrgan-slim npm package, MIT, trained on clean DIV2K; where models/upscaler holds
// Heirloom's fine-tune of it on scans for a factor, that one), tile by tile so memory stays bounded,
// with progress and cancel.
//
// It works on the photo's RGB, not on L alone: the network was trained on RGB and costs the same for
// one grey channel as for three, and a colour photo (never colorized) keeps sharp colour edges. A black
// and white photo goes in as R = G = B and comes out grey again (the channels are averaged), so the
// colorize step after it still sees a grey photo and recombines its colour on the enlarged, full-size L.
//
// Tiles: each tile's core (`tile` px) is run with `margin` px of real neighbouring pixels around it
// (so neighbouring tiles overlap by 2 × margin) and only the core is kept. The margin is wider than the
// network's receptive field (about 10 input px for slim ×2 and ×4), so every kept pixel is computed from
// exactly the pixels the whole photo would give it: no seams and nothing to blend. At the photo's edges
// the tile edge is the photo edge, as in a whole-photo run. Memory: one tile's activations plus the
// 8-bit output (a 1 MP photo ×4 is 16 MP × 3 bytes = 48 MB); nothing else grows with the photo.
//
// ×4 from Heirloom's folder is its ×2 network run twice when upscaler.json says so (`"x4": {"passes":
// 2, "network": "x2"}`): on scans that was measured sharper than the ×4 network itself (model card).
// The second pass then works on the first one's enlarged result, tile by tile in the same way.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appRoot } from '../app-paths';
import { initBackend, tf } from '../engine/backend';

export const UPSCALE_FACTORS = [2, 4] as const;
export type UpscaleFactor = (typeof UPSCALE_FACTORS)[number];

export const isUpscaleFactor = (n: unknown): n is UpscaleFactor => n === 2 || n === 4;

/** Input px of real context kept around each tile's core (more than the network's receptive field). */
export const UPSCALE_MARGIN = 16;
/** A tile's core in input px: with the margins, a 224² input, where wasm runs the slim net in 2–4 s. */
export const UPSCALE_TILE = 192;
/** Largest output the step makes (px); a bigger result would not fit in memory alongside colorizing. */
export const UPSCALE_MAX_OUTPUT_PIXELS = 100_000_000;

const PACKAGE = '@upscalerjs/esrgan-slim';
/** Heirloom's own fine-tune of the package's networks on scans (training/upscale_train.py), per factor. */
export const UPSCALER_DIR = (): string => path.join(appRoot(), 'models', 'upscaler');
/** The manifest of that folder: what the catalogue records and where the weights started. */
export const UPSCALER_MANIFEST = 'upscaler.json';

export interface Upscaler {
  factor: UpscaleFactor;
  /** What the catalogue records, e.g. 'esrgan-slim-scans@1.1.0' (Heirloom's fine-tune) or 'esrgan-slim@1.0.0'. */
  model: string;
  /** One pass's network: it enlarges by factor, or by √factor when it runs twice. */
  net: tf.LayersModel;
  /** How many times the network runs: 2 makes ×4 from a ×2 network. */
  passes: 1 | 2;
}

/** How upscaler.json says a factor is made: its own network (the default) or another one run twice. */
interface FactorEntry {
  passes?: number;
  network?: string;
}

/** The folder of the network that makes this factor: ×4 may be the ×2 network run twice. */
const networkFolder = (factor: UpscaleFactor, entry: FactorEntry | undefined): { folder: string; passes: 1 | 2 } =>
  factor === 4 && entry?.passes === 2 && entry.network === 'x2' ? { folder: 'x2', passes: 2 } : { folder: `x${factor}`, passes: 1 };

export interface UpscaleOptions {
  /** Core size of a tile in input px (default UPSCALE_TILE). */
  tile?: number;
  /** Context around each core in input px (default UPSCALE_MARGIN). */
  margin?: number;
  /** The photo is black and white: the result is made grey again (R = G = B). */
  grey?: boolean;
  /** Called after each tile: tiles done, tiles in all. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between tiles; an abort stops with an AbortError. */
  signal?: AbortSignal;
}

export interface UpscaledPixels {
  rgb: Buffer;
  width: number;
  height: number;
}

/** The installed esrgan-slim package's folder (its `exports` hide package.json, so walk up from its entry file). */
export function esrganPackageDir(): string {
  let entry: string;
  try {
    entry = require.resolve(PACKAGE);
  } catch {
    throw new Error(`Enlarging needs the ${PACKAGE} package, which is not installed (run npm install).`);
  }
  for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE) return dir;
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE} is installed without its package.json.`);
  }
}

const loaded = new Map<UpscaleFactor, Promise<Upscaler>>();

/**
 * A ×factor network from its folder on disk (model.json and weights read as files, never fetched):
 * Heirloom's fine-tuned one (a folder with upscaler.json and x2/, x4/) or an upscalerjs ESRGAN package
 * (package.json and models/x2/, models/x4/). scripts/upscale-eval.ts compares any of them this way.
 */
export async function loadUpscalerFrom(dir: string, factor: UpscaleFactor): Promise<Upscaler> {
  await initBackend(); // never build the net on tfjs' default pure-JS backend by accident
  const own = fs.existsSync(path.join(dir, UPSCALER_MANIFEST));
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, own ? UPSCALER_MANIFEST : 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    factors?: Record<string, FactorEntry>;
  };
  const name = pkg.name.replace(/^@upscalerjs\//, '');
  const { folder, passes } = networkFolder(factor, own ? pkg.factors?.[`x${factor}`] : undefined);
  const modelDir = own ? path.join(dir, folder) : path.join(dir, 'models', folder);
  try {
    return { factor, model: `${name}@${pkg.version}`, net: await loadNetwork(modelDir), passes };
  } catch (e) {
    throw new Error(`The ×${factor} enlarging model in ${modelDir} cannot be used: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}

/** Networks by folder: ×4 as the ×2 network run twice shares the ×2 one's weights instead of loading a copy. */
const networks = new Map<string, Promise<tf.LayersModel>>();

function loadNetwork(modelDir: string): Promise<tf.LayersModel> {
  const key = path.resolve(modelDir);
  let p = networks.get(key);
  if (!p) {
    p = (async () => {
      const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as {
        modelTopology: object;
        weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
      };
      const bin = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((f) => fs.readFileSync(path.join(modelDir, f)))));
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
      // From the files on disk, never over the network.
      return tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }),
      );
    })();
    networks.set(key, p);
    p.catch(() => networks.delete(key));
  }
  return p;
}

/** Whether Heirloom's folder makes this factor (with its own network or another one run twice). */
function tunedFor(factor: UpscaleFactor): boolean {
  const file = path.join(UPSCALER_DIR(), UPSCALER_MANIFEST);
  if (!fs.existsSync(file)) return false;
  const entry = (JSON.parse(fs.readFileSync(file, 'utf8')) as { factors?: Record<string, FactorEntry> }).factors?.[`x${factor}`];
  return !!entry && fs.existsSync(path.join(UPSCALER_DIR(), networkFolder(factor, entry).folder, 'model.json'));
}

/** The ×2 or ×4 network, loaded once per process: Heirloom's fine-tune for scans when shipped, else the package's. */
export function loadUpscaler(factor: UpscaleFactor): Promise<Upscaler> {
  if (!isUpscaleFactor(factor)) throw new Error(`Enlarging works ×2 or ×4, not ×${String(factor)}.`);
  let p = loaded.get(factor);
  if (!p) {
    p = loadUpscalerFrom(tunedFor(factor) ? UPSCALER_DIR() : esrganPackageDir(), factor);
    loaded.set(factor, p);
    p.catch(() => loaded.delete(factor));
  }
  return p;
}

/** Tile cores along one axis: [start, end) pairs covering 0..n. */
function spans(n: number, tile: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += tile) out.push([s, Math.min(n, s + tile)]);
  return out;
}

function abortError(): Error {
  const e = new Error('Enlarging was cancelled.');
  e.name = 'AbortError';
  return e;
}

/** Enlarges interleaved 8-bit RGB by the upscaler's factor. */
export async function upscaleRgb(up: Upscaler, rgb: Uint8Array, width: number, height: number, opts: UpscaleOptions = {}): Promise<UpscaledPixels> {
  if (rgb.length !== width * height * 3) throw new Error(`upscaleRgb: ${rgb.length} bytes for ${width}×${height} RGB`);
  const W = width * up.factor,
    H = height * up.factor;
  if (W * H > UPSCALE_MAX_OUTPUT_PIXELS) {
    throw new Error(
      `Enlarging ×${up.factor} would make a ${((W * H) / 1e6).toFixed(0)} MP photo; at most ${UPSCALE_MAX_OUTPUT_PIXELS / 1e6} MP can be made.`,
    );
  }
  const tile = Math.max(8, Math.floor(opts.tile ?? UPSCALE_TILE));
  if (up.passes === 1) return enlargePass(up.net, up.factor, { rgb, width, height }, tile, opts, 0, tileCount(width, height, tile));
  // Twice ×2: progress runs over both passes' tiles.
  const total = tileCount(width, height, tile) + tileCount(2 * width, 2 * height, tile);
  const half = await enlargePass(up.net, 2, { rgb, width, height }, tile, opts, 0, total);
  return enlargePass(up.net, 2, half, tile, opts, tileCount(width, height, tile), total);
}

const tileCount = (width: number, height: number, tile: number): number => spans(height, tile).length * spans(width, tile).length;

/** One run of the network over the photo, tile by tile; progress counts on from `doneBefore` of `total`. */
async function enlargePass(
  net: tf.LayersModel,
  f: number,
  photo: { rgb: Uint8Array; width: number; height: number },
  tile: number,
  opts: UpscaleOptions,
  doneBefore: number,
  total: number,
): Promise<UpscaledPixels> {
  const { rgb, width, height } = photo;
  const margin = Math.max(0, Math.floor(opts.margin ?? UPSCALE_MARGIN));
  const W = width * f,
    H = height * f;
  const out = Buffer.alloc(W * H * 3);
  const ys = spans(height, tile),
    xs = spans(width, tile);
  let done = doneBefore;
  for (const [y0, y1] of ys) {
    for (const [x0, x1] of xs) {
      if (opts.signal?.aborted) throw abortError();
      // The core plus its margin, clipped to the photo.
      const iy0 = Math.max(0, y0 - margin),
        iy1 = Math.min(height, y1 + margin);
      const ix0 = Math.max(0, x0 - margin),
        ix1 = Math.min(width, x1 + margin);
      const tw = ix1 - ix0,
        th = iy1 - iy0;
      const input = new Float32Array(tw * th * 3);
      for (let y = 0; y < th; y++) {
        const src = ((iy0 + y) * width + ix0) * 3;
        for (let k = 0; k < tw * 3; k++) input[y * tw * 3 + k] = rgb[src + k]!;
      }
      const y = tf.tidy(() => net.predict(tf.tensor4d(input, [1, th, tw, 3])) as tf.Tensor4D);
      let px: Float32Array;
      try {
        px = (await y.data()) as Float32Array; // async: a Ctrl-C or a cancel is heard between tiles
      } finally {
        y.dispose();
      }
      // Keep only the core's pixels, rounded into the output.
      const ow = tw * f;
      const cy0 = (y0 - iy0) * f,
        cx0 = (x0 - ix0) * f;
      const ch = (y1 - y0) * f,
        cw = (x1 - x0) * f;
      for (let yy = 0; yy < ch; yy++) {
        let s = ((cy0 + yy) * ow + cx0) * 3;
        let d = ((y0 * f + yy) * W + x0 * f) * 3;
        for (let xx = 0; xx < cw; xx++, s += 3, d += 3) {
          if (opts.grey) {
            const v = Math.round((px[s]! + px[s + 1]! + px[s + 2]!) / 3);
            out[d] = out[d + 1] = out[d + 2] = v < 0 ? 0 : v > 255 ? 255 : v;
          } else {
            for (let c = 0; c < 3; c++) {
              const v = Math.round(px[s + c]!);
              out[d + c] = v < 0 ? 0 : v > 255 ? 255 : v;
            }
          }
        }
      }
      done++;
      opts.onProgress?.(done, total);
    }
  }
  return { rgb: out, width: W, height: H };
}
