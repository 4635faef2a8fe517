// Shared helpers for the integration tests: real image files made with sharp from synthetic pixels,
// temp folders, lightness comparisons, and running the real `heirloom` CLI in a child process.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import sharp = require('sharp');
import { rgb8ToL } from '../../src-main/core/color/lab';
import { lToGreyRgb, synthesizeDamage } from '../../src-main/core/restore';
import { DEFAULT_MODEL_ID } from '../../src-main/core/engine/model-registry';

/** The repository root (this file runs from dist/test/helpers/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO_ROOT, 'bin', 'heirloom.js');
export const SHIPPED_MODEL_DIR = path.join(REPO_ROOT, 'models', DEFAULT_MODEL_ID);

/** A fresh folder under the OS temp dir; remove it with `removeDir`. */
export function makeTempDir(prefix = 'heirloom-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface PixelOptions {
  /** false: a black-and-white photo stored as RGB with R = G = B. Default true. */
  colour?: boolean;
  /** Varies the picture so several photos are not identical. */
  seed?: number;
}

/**
 * A synthetic "photo" as interleaved 8-bit RGB: smooth gradients for sky and ground, a sun-like disc,
 * a dark rectangle ("a door") and a thin diagonal line, so there are edges and flat areas.
 */
export function photoPixels(width: number, height: number, opts: PixelOptions = {}): Buffer {
  const colour = opts.colour ?? true;
  const seed = opts.seed ?? 0;
  const buf = Buffer.alloc(width * height * 3);
  const cx = width * (0.3 + 0.1 * (seed % 4)),
    cy = height * 0.35,
    r = Math.max(1, Math.min(width, height) * 0.18);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = width > 1 ? x / (width - 1) : 0.5;
      const v = height > 1 ? y / (height - 1) : 0.5;
      let R: number, G: number, B: number;
      if (v < 0.6) {
        // sky: blue, lighter towards the horizon
        R = 70 + 120 * v + 30 * u;
        G = 120 + 100 * v;
        B = 200 + 40 * v;
      } else {
        // ground: green-brown gradient
        R = 90 + 80 * u;
        G = 120 + 40 * (1 - u);
        B = 40 + 30 * v;
      }
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) {
        R = 250;
        G = 210;
        B = 60;
      } // sun
      if (u > 0.65 && u < 0.85 && v > 0.45 && v < 0.9) {
        R = 110;
        G = 40;
        B = 30;
      } // door
      if (Math.abs(x - y - seed * 7) < 1.5) {
        R = 20;
        G = 20;
        B = 20;
      } // line
      R = (R + seed * 13) % 256;
      const i = (y * width + x) * 3;
      if (colour) {
        buf[i] = R;
        buf[i + 1] = G;
        buf[i + 2] = B;
      } else {
        const grey = Math.round(0.2126 * R + 0.7152 * G + 0.0722 * B);
        buf[i] = buf[i + 1] = buf[i + 2] = grey;
      }
    }
  }
  return buf;
}

/** The synthetic photo as a sharp pipeline (3-channel sRGB raw input). */
export function photoSharp(width: number, height: number, opts: PixelOptions = {}): sharp.Sharp {
  return sharp(photoPixels(width, height, opts), { raw: { width, height, channels: 3 } });
}

/**
 * Writes a synthetic photo. The format follows the file's extension unless `transform` sets one
 * (it receives the raw pipeline and may add metadata, colourspace and output options).
 */
export async function writePhoto(
  file: string,
  width: number,
  height: number,
  opts: PixelOptions & { transform?: (img: sharp.Sharp) => sharp.Sharp } = {},
): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let img = photoSharp(width, height, opts);
  if (opts.transform) img = opts.transform(img);
  else img = img.toFormat(extFormat(file));
  await img.toFile(file);
  return file;
}

function extFormat(file: string): keyof sharp.FormatEnum {
  const ext = path.extname(file).slice(1).toLowerCase();
  return (
    ({ jpg: 'jpeg', jpeg: 'jpeg', tif: 'tiff', tiff: 'tiff', png: 'png', gif: 'gif', webp: 'webp' } as Record<string, keyof sharp.FormatEnum>)[ext] ??
    'jpeg'
  );
}

/** An animated GIF: `frames` frames of width×height, each a different picture. */
export async function writeAnimatedGif(file: string, width: number, height: number, frames = 3): Promise<string> {
  const all = Buffer.concat(Array.from({ length: frames }, (_, k) => photoPixels(width, height, { seed: k * 2 + 1 })));
  await sharp(all, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ loop: 0, delay: Array(frames).fill(200) })
    .toFile(file);
  return file;
}

/** A PNG holding only a valid signature and IHDR (with correct CRC) claiming width×height, then a tiny IDAT and IEND. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // A few rows of real (compressed) data; a decoder that tried would run out long before the end.
  const idat = zlib.deflateSync(Buffer.alloc(1 + width * 3 * 2));
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** CRC-32 as PNG uses it (zlib.crc32 exists from Node 20.15/22.2; a small table version otherwise). */
export function crc32(data: Buffer): number {
  const z = zlib as unknown as { crc32?: (d: Buffer) => number };
  if (typeof z.crc32 === 'function') return z.crc32(data) >>> 0;
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export interface DecodedForCheck {
  width: number;
  height: number;
  rgb: Buffer;
}

/** Decodes as a viewer would: first frame, EXIF orientation applied, alpha on white, 8-bit sRGB. */
export async function decodeRgb(file: string): Promise<DecodedForCheck> {
  const { data, info } = await sharp(file, { pages: 1 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  assertChannels(info.channels, file);
  return { width: info.width, height: info.height, rgb: data };
}

function assertChannels(n: number, file: string): void {
  if (n !== 3) throw new Error(`${file}: expected 3 channels after decoding, got ${n}`);
}

/** Mean |ΔL| (CIELAB lightness) between two files of the same displayed size. */
export async function meanDeltaL(fileA: string, fileB: string): Promise<number> {
  const a = await decodeRgb(fileA);
  const b = await decodeRgb(fileB);
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`size differs: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
  return meanDeltaLRgb(a.rgb, b.rgb);
}

/** Mean |ΔL| between two interleaved 8-bit sRGB buffers of the same size. */
export function meanDeltaLRgb(a: Uint8Array, b: Uint8Array): number {
  return meanAbsDiff(rgb8ToL(a, 3), rgb8ToL(b, 3));
}

/** Mean |a[i] − b[i]|. */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`lengths differ or are 0: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Mean of max(R,G,B) − min(R,G,B) per pixel: how far a picture is from grey (0 when R = G = B everywhere). */
export async function meanChannelSpread(file: string): Promise<number> {
  const { rgb } = await decodeRgb(file);
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!) - Math.min(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
  return sum / (rgb.length / 3);
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** sha256 and mtime of every file under `dir` (recursively), keyed by path. */
export function snapshotFiles(dir: string): Map<string, { sha: string; mtimeMs: number; size: number }> {
  const out = new Map<string, { sha: string; mtimeMs: number; size: number }>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = fs.statSync(p);
        out.set(p, { sha: sha256File(p), mtimeMs: st.mtimeMs, size: st.size });
      }
    }
  };
  walk(dir);
  return out;
}

/** Every file under `dir`, recursively (relative paths, sorted). */
export function listFilesDeep(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  millis: number;
}

export interface CliOptions {
  /** Library folder, passed as $HEIRLOOM_LIBRARY (not as --library, so both ways get exercised). */
  library: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Run through another program first (e.g. ['unshare', ...]); the node command is appended. */
  wrapper?: string[];
}

/** The environment for a CLI child process using `library`. */
export function cliEnv(library: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HEIRLOOM_LIBRARY: library, ...extra };
  delete env.NODE_OPTIONS; // the test runner's own flags must not leak into the child
  delete env.NODE_TEST_CONTEXT; // otherwise the child thinks it is a test-runner subprocess
  return env;
}

/** Runs `node bin/heirloom.js …args` synchronously. */
export function runCli(args: string[], opts: CliOptions): CliResult {
  const t0 = Date.now();
  const env = cliEnv(opts.library, opts.env);
  const command = opts.wrapper ? opts.wrapper[0]! : process.execPath;
  const argv = opts.wrapper ? [...opts.wrapper.slice(1), process.execPath, CLI, ...args] : [CLI, ...args];
  const r = spawnSync(command, argv, {
    cwd: opts.cwd ?? REPO_ROOT,
    env,
    encoding: 'utf8',
    // Only a guard against a hung run: generous, so a busy machine never fails a test.
    timeout: opts.timeoutMs ?? 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, millis: Date.now() - t0 };
}

/** The progress line the CLI printed for one input file name, e.g. "[3/17] name.jpg: FAILED: …". */
export function progressLine(stderr: string, fileName: string): string | undefined {
  return stderr.split('\n').find((l) => /^\[\d+\/\d+\] /.test(l) && l.slice(l.indexOf('] ') + 2).startsWith(`${fileName}: `));
}

/**
 * Overwrites `length` bytes of `file` at `offset` (default: the page-aligned middle of the file) with
 * pseudo-random bytes from a fixed seed, so a "damaged disk" is the same on every run. Returns the offset.
 */
export function writeRandomBytes(file: string, offset?: number, length = 4096, seed = 12345): number {
  const at = offset ?? Math.floor(fs.statSync(file).size / 2 / length) * length;
  const buf = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, buf, 0, length, at);
  } finally {
    fs.closeSync(fd);
  }
  return at;
}

/**
 * A grey print of smooth shading with a dark door (no thin straight lines: those are real
 * structure), damaged by the seeded generator's scratches and dust; `mask` marks the damaged pixels.
 */
export async function writeScratchedPrint(
  file: string,
  width: number,
  height: number,
  seed: number,
  damage: { scratches: number; dust: number },
): Promise<{ mask: Uint8Array }> {
  const clean = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const door = x > 240 && x < 300 && y > 120 && y < 250;
      const v = door ? 60 : 140 + 50 * Math.sin(x / 41) * Math.cos(y / 37);
      clean.fill(Math.round(v), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  const damaged = synthesizeDamage(rgb8ToL(clean, 3), width, height, seed, { fade: false, grain: 0, creases: 0, ...damage });
  const rgb = Buffer.alloc(width * height * 3);
  lToGreyRgb(damaged.L, rgb);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
  return { mask: damaged.mask };
}

/** Where a scene's parts sit (in its 640×480 viewBox): moved per photo so the photos of a set differ. */
export interface SceneLayout {
  hillY: number;
  houseX: number;
  treeX: number;
  sunX: number;
}

/** The usual layout of the `v`-th photo of a set: the house moves right, the tree and the sun left. */
export const sceneLayout = (v: number): SceneLayout => ({ hillY: 250 + v * 20, houseX: 120 + v * 150, treeX: 508 - v * 90, sunX: 480 - v * 120 });

/** A scene's colours; a part with no colour (sky fade, sun, near hill, door, trunk, path) is left out. */
export interface SceneColours {
  sky: string;
  skyFade?: string;
  sun?: string;
  hill: string;
  nearHill?: string;
  wall: string;
  roof: string;
  door?: string;
  trunk?: string;
  tree: string;
  path?: string;
}

/** The colours of the e2e tests' grey "old photos" (all but the sky, which varies per photo). */
export const OLD_PHOTO_COLOURS = { hill: '#6f8f4e', wall: '#c9b28f', roof: '#8a4b32', tree: '#3f6a2f' } as const;

/**
 * Writes a small countryside picture (sky, hills, a house and a tree) drawn as SVG, as a JPEG
 * (greyscale unless `grey` is false): the e2e tests' stand-in for a family photo.
 */
export async function writeScene(
  file: string,
  o: { width: number; height: number; layout: SceneLayout; colours: SceneColours; grey?: boolean },
): Promise<void> {
  const { layout: l, colours: c } = o;
  const parts = [
    c.skyFade
      ? `<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${c.sky}"/><stop offset="1" stop-color="${c.skyFade}"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#s)"/>`
      : `<rect width="640" height="480" fill="${c.sky}"/>`,
    c.sun && `<circle cx="${l.sunX}" cy="90" r="38" fill="${c.sun}"/>`,
    `<path d="M0 330 Q160 ${l.hillY} 320 320 T640 300 V480 H0Z" fill="${c.hill}"/>`,
    c.nearHill && `<path d="M0 400 Q200 360 420 410 T640 390 V480 H0Z" fill="${c.nearHill}"/>`,
    `<rect x="${l.houseX}" y="250" width="150" height="110" fill="${c.wall}"/>`,
    `<path d="M${l.houseX - 15} 255 L${l.houseX + 75} 190 L${l.houseX + 165} 255Z" fill="${c.roof}"/>`,
    c.door && `<rect x="${l.houseX + 60}" y="300" width="32" height="60" fill="${c.door}"/>`,
    c.trunk && `<rect x="${l.treeX - 8}" y="260" width="16" height="110" fill="${c.trunk}"/>`,
    `<circle cx="${l.treeX}" cy="240" r="55" fill="${c.tree}"/>`,
    c.path && `<ellipse cx="320" cy="445" rx="60" ry="14" fill="${c.path}"/>`,
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 640 480">
    ${parts.filter(Boolean).join('\n    ')}
  </svg>`;
  let img = sharp(Buffer.from(svg));
  if (o.grey ?? true) img = img.greyscale();
  await img.jpeg({ quality: 88 }).toFile(file);
}
