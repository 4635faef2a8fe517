// A minimal ZIP writer (no dependency): files are stored, not deflated — photos are already
// compressed — with UTF-8 names and ZIP64 records when an archive passes 4 GiB or 65535 entries.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  /** Name inside the archive, forward slashes. */
  name: string;
  file: string;
}

const CHUNK = 1 << 20;
const MAX32 = 0xffffffff;

type Crc = (data: Buffer, value?: number) => number;
const zcrc = (zlib as unknown as { crc32?: Crc }).crc32;
let table: Uint32Array | undefined;
/** zlib.crc32 exists from Node 20.15; a table version for older 20.x. */
const crc32: Crc = zcrc ?? ((data, value = 0) => {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = (value ^ MAX32) >>> 0;
  for (const b of data) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ MAX32) >>> 0;
});

function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

function fileCrc(fd: number, size: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let crc = 0;
  for (let pos = 0; pos < size; ) {
    const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
    if (n <= 0) throw new Error('file changed while it was being zipped');
    crc = crc32(buf.subarray(0, n), crc);
    pos += n;
  }
  return crc;
}

/**
 * Writes the archive to `outFile` (which must not exist: the caller renames it into place afterwards).
 * `comment`: the archive comment (ASCII, at most 65535 bytes), e.g. the mark that Heirloom made it.
 */
export function writeZip(outFile: string, entries: readonly ZipEntry[], comment = ''): void {
  const note = Buffer.from(comment, 'latin1');
  if (note.length > 0xffff || /[^\x20-\x7e]/.test(comment)) throw new Error('a ZIP comment must be printable ASCII, at most 65535 bytes');
  const out = fs.openSync(outFile, 'wx', 0o644);
  let offset = 0;
  const write = (b: Buffer): void => {
    for (let done = 0; done < b.length; ) done += fs.writeSync(out, b, done, b.length - done);
    offset += b.length;
  };
  const central: Buffer[] = [];
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name, 'utf8');
      const fd = fs.openSync(e.file, 'r');
      try {
        const st = fs.fstatSync(fd);
        const size = st.size;
        const crc = fileCrc(fd, size);
        const { date, time } = dosDateTime(st.mtime);
        const big = size >= MAX32;
        const localOffset = offset;
        // Local header: sizes known up front (no data descriptor), ZIP64 extra only for a ≥ 4 GiB file.
        const localExtra = big ? zip64Extra([size, size]) : Buffer.alloc(0);
        const lh = Buffer.alloc(30);
        lh.writeUInt32LE(0x04034b50, 0);
        lh.writeUInt16LE(big ? 45 : 20, 4);
        lh.writeUInt16LE(0x0800, 6); // bit 11: names are UTF-8
        lh.writeUInt16LE(0, 8); // stored
        lh.writeUInt16LE(time, 10);
        lh.writeUInt16LE(date, 12);
        lh.writeUInt32LE(crc, 14);
        lh.writeUInt32LE(big ? MAX32 : size, 18);
        lh.writeUInt32LE(big ? MAX32 : size, 22);
        lh.writeUInt16LE(name.length, 26);
        lh.writeUInt16LE(localExtra.length, 28);
        write(Buffer.concat([lh, name, localExtra]));
        const buf = Buffer.allocUnsafe(CHUNK);
        for (let pos = 0; pos < size; ) {
          const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
          if (n <= 0) throw new Error('file changed while it was being zipped');
          write(buf.subarray(0, n));
          pos += n;
        }
        // Central record: ZIP64 extra holds whichever of size/offset does not fit in 32 bits.
        const z64: number[] = [];
        if (big) z64.push(size, size);
        if (localOffset >= MAX32) z64.push(localOffset);
        const extra = z64.length ? zip64Extra(z64) : Buffer.alloc(0);
        const ch = Buffer.alloc(46);
        ch.writeUInt32LE(0x02014b50, 0);
        ch.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, spec 4.5
        ch.writeUInt16LE(z64.length ? 45 : 20, 6);
        ch.writeUInt16LE(0x0800, 8);
        ch.writeUInt16LE(0, 10);
        ch.writeUInt16LE(time, 12);
        ch.writeUInt16LE(date, 14);
        ch.writeUInt32LE(crc, 16);
        ch.writeUInt32LE(big ? MAX32 : size, 20);
        ch.writeUInt32LE(big ? MAX32 : size, 24);
        ch.writeUInt16LE(name.length, 28);
        ch.writeUInt16LE(extra.length, 30);
        ch.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
        ch.writeUInt32LE(localOffset >= MAX32 ? MAX32 : localOffset, 42);
        central.push(Buffer.concat([ch, name, extra]));
      } finally {
        fs.closeSync(fd);
      }
    }
    const cdOffset = offset;
    for (const c of central) write(c);
    const cdSize = offset - cdOffset;
    const needs64 = entries.length > 0xfffe || cdOffset >= MAX32 || cdSize >= MAX32;
    if (needs64) {
      const eocd64Offset = offset;
      const r = Buffer.alloc(56);
      r.writeUInt32LE(0x06064b50, 0);
      r.writeBigUInt64LE(44n, 4);
      r.writeUInt16LE(45, 12);
      r.writeUInt16LE(45, 14);
      r.writeBigUInt64LE(BigInt(entries.length), 24);
      r.writeBigUInt64LE(BigInt(entries.length), 32);
      r.writeBigUInt64LE(BigInt(cdSize), 40);
      r.writeBigUInt64LE(BigInt(cdOffset), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeBigUInt64LE(BigInt(eocd64Offset), 8);
      loc.writeUInt32LE(1, 16);
      write(Buffer.concat([r, loc]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(needs64 ? 0xffff : entries.length, 8);
    end.writeUInt16LE(needs64 ? 0xffff : entries.length, 10);
    end.writeUInt32LE(needs64 ? MAX32 : cdSize, 12);
    end.writeUInt32LE(needs64 ? MAX32 : cdOffset, 16);
    end.writeUInt16LE(note.length, 20);
    write(Buffer.concat([end, note]));
    fs.fsyncSync(out);
  } finally {
    fs.closeSync(out);
  }
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/** Entry names from an archive's central directory (reads the whole file: for checks on small archives). */
export function listZip(file: string): string[] {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a ZIP archive');
  let count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || pos === MAX32) {
    const z = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    count = Number(buf.readBigUInt64LE(z + 32));
    pos = Number(buf.readBigUInt64LE(z + 48));
  }
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(pos) !== 0x02014b50) throw new Error('broken central directory');
    const n = buf.readUInt16LE(pos + 28);
    const x = buf.readUInt16LE(pos + 30);
    const c = buf.readUInt16LE(pos + 32);
    names.push(buf.toString('utf8', pos + 46, pos + 46 + n));
    pos += 46 + n + x + c;
  }
  return names;
}
