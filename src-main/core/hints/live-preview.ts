// Live colour preview for the photo view: after each hint or slider change the photo is coloured again
// at screen size within about a second. The original is decoded once per photo and kept at preview
// size; each change runs the network at working size on that photo's L (with the hints), then the
// usual guided upsampling and recombination at preview size. Nothing is recorded: keeping the result
// is a colorize job at full resolution with the same hints and settings (a new version).
import sharp = require('sharp');
import { labToSrgb } from '../color/lab';
import type { LoadedModel } from '../engine/model-store';
import { decodePhoto, DecodedPhoto } from '../imaging/decode';
import { colorizePixels, finishColorize, runNetworkStage, NetworkStage } from '../pipeline/colorize';
import { resolveDecode } from '../engine/predict';
import type { PointHint, SuggestedColour } from '../../contract/hints';

/** Long side of the preview, px: sharp on a large screen, cheap to recolour. */
export const PREVIEW_LONG_SIDE = 1280;
/** Photos whose preview stays decoded (the open one and a few neighbours). */
const CACHED_PHOTOS = 4;

export interface PreviewSettings {
  hints: readonly PointHint[];
  saturation?: number;
  workingSize?: number;
}

export interface PreviewImage {
  jpeg: Buffer;
  width: number;
  height: number;
  /** Time from request to encoded preview, ms (the photo's decode excluded once cached). */
  millis: number;
}

interface Entry {
  file: string;
  photo: DecodedPhoto;
  /** The network's answer without hints, per model and working size: swatches read it. */
  plain: Map<string, NetworkStage>;
}

export class LivePreview {
  private readonly entries = new Map<number, Entry>();

  /** `fileOf(photoId)` gives the original's path. */
  constructor(private readonly fileOf: (photoId: number) => string) {}

  private async entry(photoId: number): Promise<Entry> {
    const file = this.fileOf(photoId);
    const cached = this.entries.get(photoId);
    if (cached && cached.file === file) {
      // Most recently used last, so the oldest is dropped first.
      this.entries.delete(photoId);
      this.entries.set(photoId, cached);
      return cached;
    }
    const full = await decodePhoto(file);
    const scale = Math.min(1, PREVIEW_LONG_SIDE / Math.max(full.width, full.height));
    const width = Math.max(1, Math.round(full.width * scale)),
      height = Math.max(1, Math.round(full.height * scale));
    const rgb =
      scale < 1
        ? await sharp(full.rgb, { raw: { width: full.width, height: full.height, channels: 3 } })
            .resize(width, height, { fit: 'fill' })
            .raw()
            .toBuffer()
        : full.rgb;
    const e: Entry = { file, photo: { ...full, width, height, rgb }, plain: new Map() };
    this.entries.set(photoId, e);
    while (this.entries.size > CACHED_PHOTOS) this.entries.delete(this.entries.keys().next().value!);
    return e;
  }

  async render(photoId: number, model: LoadedModel, s: PreviewSettings): Promise<PreviewImage> {
    const t0 = Date.now();
    const e = await this.entry(photoId);
    const params = { workingSize: s.workingSize, saturation: s.saturation, pointHints: s.hints };
    const px =
      s.hints.length === 0
        ? await finishColorize(e.photo, model, await this.plainStage(e, model, s.workingSize), params)
        : await colorizePixels(e.photo, model, params);
    const jpeg = await sharp(px.rgb, { raw: { width: px.width, height: px.height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer();
    return { jpeg, width: px.width, height: px.height, millis: Date.now() - t0 };
  }

  private async plainStage(e: Entry, model: LoadedModel, workingSize?: number): Promise<NetworkStage> {
    const size = workingSize ?? model.manifest.workingSize;
    const key = `${model.manifest.id}@${size}`;
    let stage = e.plain.get(key);
    if (!stage) {
      stage = await runNetworkStage(e.photo, model, { workingSize: size });
      e.plain.set(key, stage);
    }
    return stage;
  }

  /**
   * The colours the network itself thinks likely at (x, y) (fractions of width and height): the most
   * probable ab bins there, calibrated as the model decodes (prior correction), with each bin's
   * near neighbours merged into it so two shades of one colour are not offered twice (Zhang et al. 2017).
   */
  async suggest(photoId: number, model: LoadedModel, x: number, y: number, count = 6, workingSize?: number): Promise<SuggestedColour[]> {
    const e = await this.entry(photoId);
    const out = model.manifest.output;
    if (out.type !== 'ab-bins') return [];
    const stage = await this.plainStage(e, model, workingSize);
    const { raw } = stage;
    const cx = Math.min(raw.width - 1, Math.max(0, Math.floor(x * raw.width)));
    const cy = Math.min(raw.height - 1, Math.max(0, Math.floor(y * raw.height)));
    const q = raw.channels;
    const { priorCorrection: alpha } = resolveDecode(model, {});
    const logits = Array.from(
      { length: q },
      (_, k) => raw.data[(cy * raw.width + cx) * q + k]! - (out.rebalancingWeights ? alpha * Math.log(out.rebalancingWeights[k]!) : 0),
    );
    const max = Math.max(...logits);
    const p = logits.map((l) => Math.exp(l - max));
    const total = p.reduce((a, b) => a + b, 0);
    const order = p.map((v, k) => [v / total, k] as const).sort((a, b) => b[0] - a[0]);
    // The photo's lightness at the point (working-size L), so each swatch looks as it would there.
    const wl =
      stage.workL[
        Math.min(stage.workHeight - 1, Math.floor(y * stage.workHeight)) * stage.workWidth +
          Math.min(stage.workWidth - 1, Math.floor(x * stage.workWidth))
      ]!;
    const picked: { a: number; b: number; probability: number }[] = [];
    for (const [prob, k] of order) {
      const [a, b] = out.centres[k]!;
      const near = picked.find((s) => Math.hypot(s.a - a, s.b - b) <= 15);
      if (near) near.probability += prob;
      else if (picked.length < count) picked.push({ a, b, probability: prob });
      if (picked.length >= count && prob < 1e-3) break;
    }
    const L = Math.min(85, Math.max(25, wl)); // a swatch at the point's own L can be near-black or near-white
    return picked.sort((s, t) => t.probability - s.probability).map((s) => ({ color: toHex(labToSrgb(L, s.a, s.b)), probability: s.probability }));
  }

  forget(photoId?: number): void {
    if (photoId === undefined) this.entries.clear();
    else this.entries.delete(photoId);
  }
}

function toHex([r, g, b]: [number, number, number]): string {
  const h = (v: number): string =>
    Math.round(Math.min(1, Math.max(0, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}
