// Measures the monochrome test (core/imaging/monochrome.ts) on what it must tell apart: the shipped
// historic samples, the 36 real damaged prints (all black and white at heart), toned prints made from
// pool photos turned grey (core/imaging/toning.ts: sepia, selenium, gold, cyanotype, yellowed, foxed,
// faint cool and mixed tints) — all expected monochrome — and pool colour photos, expected colour.
//   node dist/scripts/monochrome-eval.js [--colour 400] [--toned 300] [--size 512] [--tsv out.tsv]
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { rgb8ToL } from '../src-main/core/color/lab';
import { isHeldOutSourcePhoto } from '../src-main/core/eval/split';
import { judgeMonochrome, type MonochromeVerdict } from '../src-main/core/imaging/monochrome';
import { TONINGS, tonedPrint } from '../src-main/core/imaging/toning';
import { Rng } from '../src-main/core/rng';
import { DEFAULT_POOL, loadPhotoAtMost, poolPhotos, seededShuffle } from './eval-photos';
import { flag } from './flags';
import { REAL_DAMAGE, realPart } from './real-masks';

const nColour = Number(flag('colour', '400'));
const nToned = Number(flag('toned', '300'));
const size = Number(flag('size', '512'));
const tsv = flag('tsv', '');
const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

interface Row {
  set: string;
  /** Thresholds are chosen on the tune part; the report part says how they hold elsewhere. */
  part: 'tune' | 'report';
  name: string;
  expected: boolean;
  v: MonochromeVerdict;
}

async function pixelsOf(file: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file)
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

const judge = (p: { rgb: Uint8Array; width: number; height: number }): MonochromeVerdict => judgeMonochrome(p.rgb, p.width, p.height);

/** Pool photos (colour and toned) fall in the tune or the report part by their name's md5. */
const partOfName = (name: string): Row['part'] =>
  parseInt(crypto.createHash('md5').update(name).digest('hex').slice(-1), 16) % 2 === 0 ? 'tune' : 'report';

async function main(): Promise<void> {
  const rows: Row[] = [];
  const realTune = new Set(realPart('tune'));
  const folder = async (set: string, dir: string): Promise<void> => {
    for (const f of fs
      .readdirSync(dir)
      .filter((f) => /\.(jpe?g|png|tiff?)$/i.test(f))
      .sort())
      rows.push({
        set,
        part: set === 'samples' || realTune.has(f) ? 'tune' : 'report',
        name: f,
        expected: true,
        v: judge(await pixelsOf(path.join(dir, f))),
      });
  };
  await folder('samples', SAMPLES);
  await folder('real-damage', REAL_DAMAGE);
  // Colour photos and toned prints come from different pool photos, from every source but the held-out ones.
  const names = seededShuffle(
    poolPhotos(DEFAULT_POOL, (f) => !isHeldOutSourcePhoto(f)),
    new Rng(101),
  );
  for (const name of names.slice(0, nColour)) {
    const p = await loadPhotoAtMost(DEFAULT_POOL, name, size);
    rows.push({ set: 'pool-colour', part: partOfName(name), name, expected: false, v: judge(p) });
  }
  const rng = new Rng(7);
  for (const [k, name] of names.slice(nColour, nColour + nToned).entries()) {
    const p = await loadPhotoAtMost(DEFAULT_POOL, name, size);
    const kind = TONINGS[k % TONINGS.length]!;
    const rgb = tonedPrint(rgb8ToL(p.rgb, 3), p.width, p.height, kind, rng.int(0, 2 ** 31 - 1));
    rows.push({ set: `toned-${kind}`, part: partOfName(name), name, expected: true, v: judge({ rgb, width: p.width, height: p.height }) });
  }
  const sets = [...new Set(rows.map((r) => r.set))];
  for (const part of ['tune', 'report'] as const) {
    console.log(`${part} part:`);
    for (const set of sets) {
      const rs = rows.filter((r) => r.set === set && r.part === part);
      if (!rs.length) continue;
      const wrong = rs.filter((r) => r.v.monochrome !== r.expected).map((r) => r.name);
      const which = wrong.length ? `: ${wrong.slice(0, 6).join(', ')}${wrong.length > 6 ? ', …' : ''}` : '';
      console.log(`  ${set.padEnd(20)} ${String(rs.length).padStart(4)} photos, ${wrong.length} misjudged${which}`);
    }
  }
  const wrong = rows.filter((r) => r.v.monochrome !== r.expected).length;
  console.log(`all: ${rows.length} photos, ${wrong} misjudged`);
  if (tsv) {
    const keys = Object.keys(rows[0]?.v ?? {}) as (keyof MonochromeVerdict)[];
    const head = ['set', 'part', 'name', 'expected', ...keys].join('\t');
    const lines = rows.map((r) => [r.set, r.part, r.name, r.expected, ...keys.map((k) => r.v[k])].join('\t'));
    fs.writeFileSync(tsv, [head, ...lines].join('\n') + '\n');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
