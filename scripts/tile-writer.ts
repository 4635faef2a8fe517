// Writes detector training tiles in the layout training/damage_train.py reads: tiles-L.u8 (L × 2.55,
// one byte a pixel), tiles-mask.u8 (0/1) and meta.json (tile side, count, damaged share, and more).
import * as fs from 'node:fs';
import * as path from 'node:path';

export class TileWriter {
  tiles = 0;
  private damaged = 0;
  private readonly lFile: number;
  private readonly mFile: number;

  constructor(
    private readonly out: string,
    readonly tile: number,
  ) {
    fs.mkdirSync(out, { recursive: true });
    this.lFile = fs.openSync(path.join(out, 'tiles-L.u8'), 'w');
    this.mFile = fs.openSync(path.join(out, 'tiles-mask.u8'), 'w');
  }

  /** Cuts the tile at (x0, y0) out of an L plane (0..100) and its mask, both `width` wide. */
  add(L: Float32Array, mask: Uint8Array, width: number, x0: number, y0: number): void {
    const t = this.tile;
    const lb = Buffer.alloc(t * t),
      mb = Buffer.alloc(t * t);
    for (let y = 0; y < t; y++) {
      for (let x = 0; x < t; x++) {
        const k = (y0 + y) * width + x0 + x;
        lb[y * t + x] = Math.round(Math.min(100, Math.max(0, L[k]!)) * 2.55);
        mb[y * t + x] = mask[k] ? 1 : 0;
        this.damaged += mb[y * t + x]!;
      }
    }
    fs.writeSync(this.lFile, lb);
    fs.writeSync(this.mFile, mb);
    this.tiles++;
  }

  close(extra: Record<string, unknown>): { tiles: number; damagedShare: number } {
    fs.closeSync(this.lFile);
    fs.closeSync(this.mFile);
    const meta = { tiles: this.tiles, tile: this.tile, damagedShare: this.damaged / Math.max(1, this.tiles * this.tile * this.tile), ...extra };
    fs.writeFileSync(path.join(this.out, 'meta.json'), JSON.stringify(meta, null, 2));
    return meta;
  }
}
