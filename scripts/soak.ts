// Crash soak (issue 14): SIGKILLs the real `heirloom` CLI at random moments while it colorizes, exports
// and fine-tunes on one real library, and after every kill checks that nothing was damaged, lost or
// left behind; then re-runs the same command to completion and checks that nothing was done twice.
//   npm run soak                       (build, then: node dist/scripts/soak.js)
//   node dist/scripts/soak.js [--kills 60] [--seed 1] [--photos 12] [--colour 8] [--size 128]
//                             [--ft-minutes 0.2] [--ft-every 0.1] [--keep] [--json <file>]
// Not part of `npm test` (it takes 10–20 minutes on 2 busy cores). Exit code 1 when any problem count is not 0.
//
// The kills are shared out evenly over five scenarios (--kills ≥ 5): colorize, export (replacing the previous
// one), finetune, and two where the person's own files are in the way:
//   resume-with-new-files           colorize --format tiff|jpg killed; before the re-run the soak, as the person,
//                                   puts a photo of its own at a result name the job planned or will plan, a
//                                   notes.txt, and now and then a new scan in the photos folder. The re-run must
//                                   leave those files as they were and give each photo exactly one result (the
//                                   next free name where the person's file took the planned one).
//   export-replace-with-user-files  an album exported once, the person adds letter.txt and my-scans/<photo>, then
//                                   export --overwrite is killed and re-run: the person's files stay (after a kill
//                                   perhaps inside the earlier export moved aside), the album's photos once each.
//
// What counts as a temp file, and what may legitimately stay after a kill (from the code's own names):
//   .<name>.<pid>.<hex>.tmp                  fs-atomic.ts writeFileAtomic (outputs, thumbs, export files, manifests)
//   .<name>.<hex>.tmp                        export/runner.ts copyAtomic (originals copied into an export)
//   .heirloom-export-<name>.<hex>.tmp        export/runner.ts, a ZIP being written
//   .heirloom-export-<name>.partial/         export/runner.ts: the unfinished export, with its resume manifest
//   .heirloom-export-<name>.old-<hex>/       export/runner.ts: an earlier export moved aside while replacing it
//   .heirloom-export-<name>.drop-<hex>/      export/runner.ts: the same, being deleted (Heirloom's files only)
//   .<checkpoint>.partial-XXXXXX/            engine/model-store.ts saveModel (mkdtemp in <library>/models)
//   heirloom.lock.<pid>.tmp, .stale-<pid>    library-lock.ts
//   .heirloom-write-test-*                   heirloom-core.ts, the output folder's write probe
//   anything in the children's TMPDIR        imaging/encode.ts (heirloom-icc-*)
// Right after a SIGKILL, the only one a resumable run legitimately keeps is the unfinished export's
// .partial folder (and the torn temp files inside it, which the finishing run drops before it moves the
// folder into place): it is what the next run continues from. A torn temp file elsewhere cannot be avoided
// by a process that is killed mid-write; it is counted ("left by kills") and must be gone once the same
// command has been run to completion. Anything of these names still there after that run is a leftover.
// SQLite's own catalogue.sqlite-wal/-shm and the lock file heirloom.lock are not temp files (the lock
// names a dead process and is taken over by the next command).
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '../src-main/core/rng';
import { CLI, photoSharp, writePhoto } from '../test/helpers/fixtures';

type Cli = 'colorize' | 'export' | 'finetune';
type Cmd = Cli | 'resume-with-new-files' | 'export-replace-with-user-files';
const CMDS: readonly Cmd[] = ['colorize', 'export', 'finetune', 'resume-with-new-files', 'export-replace-with-user-files'];
/** The CLI command a scenario kills: its progress lines and final report are that command's. */
const cliOf = (cmd: Cmd): Cli => (cmd === 'resume-with-new-files' ? 'colorize' : cmd === 'export-replace-with-user-files' ? 'export' : cmd);
const perCmd = (): Record<Cmd, number> => Object.fromEntries(CMDS.map((c) => [c, 0])) as Record<Cmd, number>;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const has = (name: string): boolean => process.argv.includes(`--${name}`);

const KILLS = Number(arg('kills', '60'));
const SEED = Number(arg('seed', '1'));
const PHOTOS = Number(arg('photos', '12'));
const COLOUR = Number(arg('colour', '8'));
const SIZE = arg('size', '128');
const FT_MINUTES = arg('ft-minutes', '0.2');
const FT_EVERY = arg('ft-every', '0.1');
const KEEP = has('keep');
const JSON_OUT = arg('json', '');
if (!Number.isInteger(KILLS) || KILLS < CMDS.length) throw new Error(`--kills must be a whole number ≥ ${CMDS.length}`);

const rng = new Rng(SEED >>> 0 || 1);
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-soak-'));
const W = {
  photos: path.join(ws, 'photos'),
  colour: path.join(ws, 'colour'),
  lib: path.join(ws, 'library'),
  out: path.join(ws, 'out'),
  exp: path.join(ws, 'export'),
  tmp: path.join(ws, 'tmp'),
  scans: path.join(ws, 'scans'), // resume-with-new-files: each episode's own copy of the photos
};
const EXPORT_TARGET = path.join(W.exp, 'family');

// ---------- the CLI in a child process, killed on demand ----------

const children = new Set<ChildProcess>(); // only these are ever killed

interface RunResult {
  code: number | null;
  killed: boolean;
  ms: number;
  stderr: string;
  stdout: string;
  /** When its last "[n/m]" progress line came, ms after the start. */
  lastProgressMs?: number;
}

/** When to kill a run: so many ms after its start, or so many ms after its output first matches a line. */
type KillAt = { afterMs: number } | { afterLine: RegExp; ms: number };

function runCli(args: string[], killAt?: KillAt): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args, '--library', W.lib], {
      env: { ...process.env, TMPDIR: W.tmp, HEIRLOOM_LIBRARY: W.lib },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stderr = '';
    let stdout = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const killIn = (ms: number): void => {
      timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          killed = process.kill(child.pid, 'SIGKILL');
        }
      }, ms);
    };
    if (killAt && 'afterMs' in killAt) killIn(killAt.afterMs);
    let lastProgressMs: number | undefined;
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/^\[\d+\/\d+\]/m.test(d.toString())) lastProgressMs = Date.now() - t0;
      if (killAt && 'afterLine' in killAt && timer === undefined && killAt.afterLine.test(stderr)) killIn(killAt.ms);
    });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    // 'close': the process is reaped (its pid is really gone, so the next command may take the lock over).
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      children.delete(child);
      resolve({ code, killed: killed && signal === 'SIGKILL', ms: Date.now() - t0, stderr, stdout, lastProgressMs });
    });
  });
}

async function mustRun(args: string[]): Promise<RunResult> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`heirloom ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

const stopChildren = (): void => {
  for (const c of children) if (c.pid && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
};
process.on('SIGINT', () => {
  stopChildren();
  process.exit(130);
});

// ---------- the commands, one "episode" each (a fresh output folder, a fresh run name) ----------

let episodeNo = 0;
interface Episode {
  cmd: Cmd;
  no: number;
  args: string[];
  outDir?: string;
  run?: string;
  /** resume-with-new-files: the photos folder it colorizes, and the result format. */
  photosDir?: string;
  format?: 'jpg' | 'tiff';
  /** export-replace-with-user-files: its own export folder, and how long its first export ran after its last photo. */
  target?: string;
  tailMs?: number;
  /** Files the soak put there as the person: each must stay byte for byte, at its path. */
  theirs: UserFile[];
}

interface UserFile {
  path: string;
  sha256: string;
}

function newEpisode(cmd: Cmd): Episode {
  const no = episodeNo++;
  const tag = String(no).padStart(3, '0');
  if (cmd === 'colorize') {
    const outDir = path.join(W.out, `ep-${tag}`);
    return { cmd, no, outDir, theirs: [], args: ['colorize', W.photos, '--out', outDir, '--size', SIZE] };
  }
  if (cmd === 'export') {
    // The same target each time: after the first, each export replaces the previous one (--overwrite).
    return { cmd, no, theirs: [], args: ['export', 'soak', '--to', EXPORT_TARGET, '--html', '--with-originals', '--overwrite'] };
  }
  if (cmd === 'resume-with-new-files') {
    // Its own copy of the photos (the same bytes: the same originals), so a new scan added to it changes
    // no other episode's photo count.
    const photosDir = path.join(W.scans, `ep-${tag}`);
    fs.mkdirSync(photosDir, { recursive: true });
    for (const n of fs.readdirSync(W.photos)) fs.copyFileSync(path.join(W.photos, n), path.join(photosDir, n));
    const outDir = path.join(W.out, `ep-${tag}`);
    const format = rng.next() < 0.5 ? 'tiff' : 'jpg';
    return { cmd, no, outDir, photosDir, format, theirs: [], args: ['colorize', photosDir, '--out', outDir, '--size', SIZE, '--format', format] };
  }
  if (cmd === 'export-replace-with-user-files') {
    // A folder of its own beside the other export (not in a folder of originals, so no --confirm-place).
    const target = path.join(W.exp, `replace-${tag}`);
    return { cmd, no, target, theirs: [], args: ['export', 'soak', '--to', target, '--overwrite'] };
  }
  const run = `soak-ft-${tag}`;
  return { cmd, no, run, theirs: [], args: ['finetune', W.colour, '--name', run, '--minutes', FT_MINUTES, '--checkpoint-every', FT_EVERY] };
}

/** The export folder an episode writes, and its hidden .partial (the resumable state a kill may leave). */
function exportTargetOf(ep: Episode): string | undefined {
  return ep.cmd === 'export' ? EXPORT_TARGET : ep.target;
}
const partialOf = (target: string): string => path.join(path.dirname(target), `.heirloom-export-${path.basename(target)}.partial`);
/** Earlier exports a kill left moved aside, between the two renames of a replace (export/runner.ts). */
function movedAside(target: string): string[] {
  const re = new RegExp(`^\\.heirloom-export-${path.basename(target)}\\.old-[0-9a-f]{8}$`);
  return fs
    .readdirSync(path.dirname(target))
    .filter((n) => re.test(n))
    .map((n) => path.join(path.dirname(target), n));
}

// ---------- looking at the library ----------

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const abs = (p: string): string => (path.isAbsolute(p) ? p : path.join(W.lib, ...p.split('/')));

function openCatalogue(): Database.Database {
  const binding = process.env.HEIRLOOM_SQLITE_BINDING;
  return new Database(path.join(W.lib, 'catalogue.sqlite'), { readonly: true, fileMustExist: true, ...(binding ? { nativeBinding: binding } : {}) });
}

interface Snapshot {
  integrity: string;
  outputs: Array<{ id: number; path: string; sha256: string | null }>;
  checkpoints: Array<{ id: string; path: string; kind: string; parentId: string | null }>;
  thumbs: string[];
  jobs: Array<{ id: number; kind: string; status: string; outDir: string | null }>;
  jobItems: Array<{ jobId: number; status: string; outputId: number | null; input: string; plannedOutput: string | null }>;
}

function snapshot(): Snapshot {
  const db = openCatalogue();
  try {
    db.pragma('busy_timeout = 5000');
    const integrity = (db.pragma('integrity_check') as Array<Record<string, string>>).map((r) => Object.values(r)[0]).join('; ');
    const outputs = db.prepare('SELECT id, path, sha256 FROM outputs ORDER BY id').all() as Snapshot['outputs'];
    const checkpoints = db.prepare('SELECT id, path, kind, parent_id AS parentId FROM model_checkpoints').all() as Snapshot['checkpoints'];
    const thumbs = (db.prepare('SELECT thumb_path AS t FROM originals WHERE thumb_path IS NOT NULL').all() as Array<{ t: string }>).map((r) => r.t);
    const jobs = (
      db.prepare('SELECT id, kind, status, params_json AS p FROM jobs').all() as Array<{ id: number; kind: string; status: string; p: string | null }>
    ).map((j) => ({
      id: j.id,
      kind: j.kind,
      status: j.status,
      outDir: j.p ? ((JSON.parse(j.p) as { outDir?: string | null }).outDir ?? null) : null,
    }));
    const jobItems = db
      .prepare('SELECT job_id AS jobId, status, output_id AS outputId, input, planned_output AS plannedOutput FROM job_items')
      .all() as Snapshot['jobItems'];
    return { integrity, outputs, checkpoints, thumbs, jobs, jobItems };
  } finally {
    db.close();
  }
}

/** Every temp-like entry (see the list at the top), as a path relative to the workspace. */
function tempEntries(): string[] {
  const found: string[] = [];
  const isTemp = (name: string): boolean =>
    name.endsWith('.tmp') ||
    name.includes('.partial') ||
    /^\.heirloom-export-.*\.(old|drop)-[0-9a-f]+$/.test(name) ||
    name.startsWith('.heirloom-write-test-') ||
    /^heirloom\.lock\.stale-\d+$/.test(name);
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (isTemp(e.name)) found.push(path.relative(ws, p) + (e.isDirectory() ? '/' : ''));
      if (e.isDirectory()) walk(p);
    }
  };
  for (const root of [W.lib, W.out, W.exp]) if (fs.existsSync(root)) walk(root);
  for (const name of fs.readdirSync(W.tmp)) found.push(path.relative(ws, path.join(W.tmp, name)));
  return found.sort();
}

/**
 * A finished export folder: complete manifest, and exactly the files it lists, all present, besides the
 * person's own files (`theirs`, paths relative to the folder). Returns problems.
 */
function exportProblems(target: string, expectedFiles: number, theirs: ReadonlySet<string> = new Set()): string[] {
  const mf = path.join(target, '.heirloom-export.json');
  if (!fs.existsSync(mf)) return [`${target}: no finished manifest`];
  const m = JSON.parse(fs.readFileSync(mf, 'utf8')) as { complete?: boolean; files?: string[] };
  if (m.complete !== true || !Array.isArray(m.files)) return [`${target}: manifest not complete`];
  const onDisk: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else if (r !== '.heirloom-export.json') onDisk.push(r);
    }
  };
  walk(target, '');
  const listed = new Set(m.files);
  const problems: string[] = [];
  for (const f of onDisk) if (!listed.has(f) && !theirs.has(f)) problems.push(`${target}: ${f} is not in its manifest`);
  for (const f of m.files) {
    const st = fs.statSync(path.join(target, ...f.split('/')), { throwIfNoEntry: false });
    if (!st || st.size === 0) problems.push(`${target}: ${f} listed but missing or empty`);
  }
  if (m.files.length !== expectedFiles) problems.push(`${target}: ${m.files.length} files, expected ${expectedFiles}`);
  for (const f of m.files) if (/ \(\d+\)\./.test(f)) problems.push(`${target}: duplicate-looking name ${f}`);
  return problems;
}

/** A fine-tune run's checkpoint folders on disk, with their saved state. */
function runCheckpointDirs(run: string): Array<{ id: string; finished: boolean; step: number }> {
  const models = path.join(W.lib, 'models');
  if (!fs.existsSync(models)) return [];
  const re = new RegExp(`^${run}-s(\\d{6})$`);
  return fs
    .readdirSync(models)
    .filter((n) => re.test(n))
    .map((id) => {
      const st = JSON.parse(fs.readFileSync(path.join(models, id, 'finetune.json'), 'utf8')) as { finished: boolean; step: number };
      return { id, finished: st.finished, step: st.step };
    })
    .sort((a, b) => a.step - b.step);
}

// ---------- counts ----------

const counts = {
  kills: perCmd(),
  finishedBeforeKill: perCmd(),
  completions: perCmd(),
  userFilesPlaced: 0, // not a problem: how many of the person's files the two scenarios put in the way
  integrityFailures: 0,
  tempLeftByKills: 0,
  leftoverTempFiles: 0,
  danglingRows: 0,
  lostOutputs: 0,
  duplicates: 0,
  failedReruns: 0,
  userFilesLost: 0, // one of the person's files gone, moved, or changed
  wrongResults: 0, // a job item's recorded sha256 is not the file at its path
};
const killPhase = Object.fromEntries(CMDS.map((c) => [c, {}])) as Record<Cmd, Record<string, number>>;
const problems: string[] = [];
const tempKinds: Record<string, number> = {};

function problem(kind: keyof typeof counts, what: string, n = 1): void {
  (counts[kind] as number) += n;
  problems.push(`[${kind}] ${what}`);
  process.stdout.write(`  PROBLEM ${kind}: ${what}\n`);
}

/** Invariants that hold at every moment, killed or not: (a) integrity, (c) no dangling rows, (d) nothing listed before is lost. */
function checkInvariants(before: Snapshot | undefined, label: string): Snapshot {
  const s = snapshot();
  if (s.integrity !== 'ok') problem('integrityFailures', `${label}: integrity_check: ${s.integrity}`);
  for (const o of s.outputs) {
    if (!fs.existsSync(abs(o.path))) problem('danglingRows', `${label}: output #${o.id} → missing ${o.path}`);
  }
  for (const c of s.checkpoints) {
    if (c.kind === 'finetuned' && !fs.existsSync(path.join(abs(c.path), 'heirloom.json')))
      problem('danglingRows', `${label}: checkpoint ${c.id} → missing ${c.path}/heirloom.json`);
  }
  for (const t of s.thumbs) if (!fs.existsSync(abs(t))) problem('danglingRows', `${label}: thumbnail row → missing ${t}`);
  if (before) {
    const now = new Map(s.outputs.map((o) => [o.id, o]));
    for (const o of before.outputs) {
      const n = now.get(o.id);
      if (!n || n.path !== o.path) problem('lostOutputs', `${label}: output #${o.id} (${o.path}) no longer listed`);
      else if (o.sha256 && fs.existsSync(abs(o.path)) && sha256(abs(o.path)) !== o.sha256)
        problem('lostOutputs', `${label}: output #${o.id} (${o.path}) changed on disk`);
    }
    const ckNow = new Set(s.checkpoints.map((c) => c.id));
    for (const c of before.checkpoints) if (!ckNow.has(c.id)) problem('lostOutputs', `${label}: checkpoint ${c.id} no longer listed`);
  }
  return s;
}

// ---------- the person's own files, in the way (the two user-file scenarios) ----------

/** Saves one of the person's files (never over an existing one) and remembers its sha256. */
function placeTheirs(ep: Episode, file: string, bytes: Buffer, note = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes, { flag: 'wx' });
  ep.theirs.push({ path: file, sha256: sha256(file) });
  counts.userFilesPlaced++;
  process.stdout.write(`  (the person saves ${path.relative(ws, file)}${note ? `, ${note}` : ''})\n`);
}

/** A black-and-white photo none of the library's photos is (its own seed), as a scanner saves it. */
function greyPhoto(format: 'jpg' | 'tiff', seed: number): Promise<Buffer> {
  return photoSharp(360, 270, { colour: false, seed })
    .toFormat(format === 'jpg' ? 'jpeg' : 'tiff')
    .toBuffer();
}

/**
 * The photos of a resume-with-new-files episode whose result name (<stem>.<format>) is still free, so
 * not finished yet; `planned` when the killed job already recorded that name for its item.
 */
function unfinishedPhotos(ep: Episode): Array<{ stem: string; planned: boolean }> {
  const s = snapshot();
  const jobIds = new Set(s.jobs.filter((j) => j.outDir === ep.outDir).map((j) => j.id));
  const planned = new Set(s.jobItems.filter((i) => jobIds.has(i.jobId) && i.status === 'pending' && i.plannedOutput).map((i) => i.plannedOutput!));
  return fs
    .readdirSync(ep.photosDir!)
    .map((n) => path.parse(n).name)
    .map((stem) => ({ stem, file: path.join(ep.outDir!, `${stem}.${ep.format}`) }))
    .filter((p) => !fs.existsSync(p.file))
    .map((p) => ({ stem: p.stem, planned: planned.has(p.file) }));
}

/**
 * As the person would between the crash and the re-run: a new scan in the photos folder now and then
 * (it joins the resumed job), a photo of their own at a result name the killed job planned and one at a
 * name it would plan, and (after the first kill) a notes.txt. The re-run must keep all of them.
 */
async function addTheirFilesToOutput(ep: Episode, k: number): Promise<void> {
  const seed = 10_000 + 100 * ep.no + 10 * k;
  if (rng.next() < 0.5) {
    const scan = path.join(ep.photosDir!, `new-scan-${k + 1}.jpg`);
    await writePhoto(scan, 400 + 8 * k, 300, { colour: false, seed });
    process.stdout.write(`  (a new scan in the photos folder: ${path.relative(ws, scan)})\n`);
  }
  if (k === 0) placeTheirs(ep, path.join(ep.outDir!, 'notes.txt'), Buffer.from(`Ask Aunt Vera who is on the 1952 photos (episode ${ep.no}).\n`));
  const free = unfinishedPhotos(ep);
  const pick = (list: typeof free): string | undefined => (list.length ? list[rng.int(0, list.length - 1)]!.stem : undefined);
  const stems = [
    { stem: pick(free.filter((p) => p.planned)), note: 'a name the killed job planned' },
    { stem: pick(free.filter((p) => !p.planned)), note: 'a name the job would plan' },
  ];
  for (const [j, { stem, note }] of stems.entries())
    if (stem) placeTheirs(ep, path.join(ep.outDir!, `${stem}.${ep.format}`), await greyPhoto(ep.format!, seed + 1 + j), note);
}

/** The export the scenario replaces: made once, whole; then the person adds a letter and a folder of their scans. */
async function exportThenAddTheirs(ep: Episode): Promise<void> {
  const target = ep.target!;
  const label = `#${ep.no} ${ep.cmd} first export`;
  // The replace does this same work again (then the renames): kill delays are drawn over this run.
  const first = await mustRun(['export', 'soak', '--to', target]);
  timing[ep.cmd] = first.ms;
  ep.tailMs = first.ms - (first.lastProgressMs ?? first.ms);
  process.stdout.write(`${label}: ${(first.ms / 1000).toFixed(1)} s, ${ep.tailMs} ms of it after the last photo\n`);
  for (const p of exportProblems(target, plainExportFiles())) problem('duplicates', `${label}: ${p}`);
  placeTheirs(ep, path.join(target, 'letter.txt'), Buffer.from('Dear Anna, here are the photos from the attic. Love, Grandpa\n'));
  placeTheirs(ep, path.join(target, 'my-scans', 'grandma-1952.jpg'), await greyPhoto('jpg', 20_000 + ep.no));
}

/** The person's files of an export episode, relative to its folder (as exportProblems takes them). */
function theirRelPaths(ep: Episode): Set<string> {
  const target = ep.target;
  return new Set(target ? ep.theirs.map((f) => path.relative(target, f.path).split(path.sep).join('/')) : []);
}

/**
 * Each of the person's files, byte for byte, at its path — or, right after a kill of an export replace,
 * inside the earlier export moved aside (the next run puts it back). Anywhere else it counts as lost.
 */
function checkTheirFiles(ep: Episode, label: string, afterKill: boolean): void {
  for (const f of ep.theirs) {
    const places = [f.path];
    if (afterKill && ep.target) places.push(...movedAside(ep.target).map((a) => path.join(a, path.relative(ep.target!, f.path))));
    const same = (p: string): boolean => fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true && sha256(p) === f.sha256;
    if (!places.some(same)) problem('userFilesLost', `${label}: the person's ${path.relative(ws, f.path)} is gone or changed`);
  }
}

/** Where a resume-with-new-files photo's one result belongs: its name, or the next free one where the person's file took it. */
function expectedResult(ep: Episode, photo: string): string {
  const stem = path.parse(photo).name;
  const theirs = new Set(ep.theirs.map((f) => f.path));
  for (let n = 1; ; n++) {
    const candidate = path.join(ep.outDir!, `${stem}${n === 1 ? '' : ` (${n})`}.${ep.format}`);
    if (!theirs.has(candidate)) return candidate;
  }
}

/**
 * After the finishing run of resume-with-new-files: one job, done, one item per photo (new scans
 * included), each with one result at its expected name whose file is what the catalogue recorded; and
 * nothing else in the folder but the person's files.
 */
function checkResumeResults(ep: Episode, s: Snapshot, label: string): void {
  const outDir = ep.outDir!;
  const photos = fs.readdirSync(ep.photosDir!).sort();
  const jobs = s.jobs.filter((j) => j.kind === 'colorize' && j.outDir === outDir);
  if (jobs.length !== 1 || jobs[0]!.status !== 'done')
    problem('duplicates', `${label}: ${jobs.length} colorize jobs for ${outDir} (${jobs.map((j) => j.status).join(', ')}); expected one, done`);
  const items = s.jobItems.filter((i) => jobs.some((j) => j.id === i.jobId));
  if (items.length !== photos.length) problem('duplicates', `${label}: ${items.length} job items for ${photos.length} photos`);
  const rows = new Map(s.outputs.map((o) => [o.id, o]));
  for (const it of items) {
    const o = it.outputId === null ? undefined : rows.get(it.outputId);
    if (it.status !== 'done' || !o) {
      problem('duplicates', `${label}: ${path.basename(it.input)} is ${it.status}, with no result`);
      continue;
    }
    const want = expectedResult(ep, path.basename(it.input));
    if (abs(o.path) !== want)
      problem('duplicates', `${label}: ${path.basename(it.input)} → ${path.basename(o.path)}, expected ${path.basename(want)}`);
    const st = fs.statSync(abs(o.path), { throwIfNoEntry: false });
    if (!o.sha256 || !st?.isFile() || sha256(abs(o.path)) !== o.sha256)
      problem('wrongResults', `${label}: ${o.path} is not the file output #${o.id} recorded (sha256 ${o.sha256?.slice(0, 12) ?? 'none'})`);
  }
  const allowed = new Set([...photos.map((p) => expectedResult(ep, p)), ...ep.theirs.map((f) => f.path)]);
  const extra = fs
    .readdirSync(outDir)
    .filter((n) => !n.startsWith('.'))
    .filter((n) => !allowed.has(path.join(outDir, n)));
  if (extra.length) problem('duplicates', `${label}: ${outDir} also holds ${extra.join(', ')}`, extra.length);
  const outRows = s.outputs.filter((o) => path.dirname(abs(o.path)) === outDir);
  if (outRows.length !== photos.length)
    problem('duplicates', `${label}: ${outRows.length} catalogue outputs in ${outDir} for ${photos.length} photos`);
}

// ---------- one episode: kills, then a run to completion ----------

const expectedExportFiles = (): number => PHOTOS * 4 + 1; // photo, original, web before/after each; index.html
const plainExportFiles = (): number => PHOTOS; // export without --html/--with-originals: the photos only
const timing = perCmd(); // an uninterrupted run of each, from which its kill delays are drawn

/** The command's own final report was printed: its work was complete when the kill came (it was exiting). */
function reportedDone(cmd: Cli, r: RunResult): boolean {
  if (cmd === 'colorize') return /^heirloom: \d+ colorized/m.test(r.stderr);
  if (cmd === 'export') return /^heirloom: exported /m.test(r.stderr);
  return /finished at step/.test(r.stdout);
}

function progressFraction(cmd: Cli, stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  if (cmd === 'finetune') {
    const last = lines.at(-1) ?? '';
    if (!last) return 'start-up (no output yet)';
    if (/resuming from|reading photos/.test(last)) return 'reading photos / loading model';
    if (/measuring the starting model/.test(last)) return 'measuring the start model, or training to the 1st checkpoint';
    if (/measuring on held-out/.test(last)) return 'measuring and saving a checkpoint';
    if (/checkpoint .* saved/.test(last)) return 'training after a checkpoint';
    return 'training';
  }
  const done = lines
    .map((l) => /^\[(\d+)\/(\d+)\]/.exec(l))
    .filter(Boolean)
    .at(-1);
  if (!done)
    return lines.some((l) => /continuing|web album|writing/.test(l))
      ? 'start-up (resumed)'
      : cmd === 'colorize'
        ? 'start-up (model load)'
        : 'start-up (plan)';
  const f = Number(done[1]) / Number(done[2]);
  return f >= 1 ? 'after the last photo (finishing)' : f < 1 / 3 ? 'first third of the photos' : f < 2 / 3 ? 'second third' : 'last third';
}

/** Checks after the re-run finished: (e) no duplicates and a complete result; and no temp file left anywhere. */
function checkCompleted(ep: Episode, s: Snapshot, label: string): void {
  if (ep.cmd === 'colorize') {
    const outDir = ep.outDir!;
    const files = fs.readdirSync(outDir).filter((n) => !n.startsWith('.'));
    const want = fs
      .readdirSync(W.photos)
      .map((n) => `${path.parse(n).name}.jpg`)
      .sort();
    const dupNames = files.filter((n) => /\(\d+\)\./.test(n));
    if (dupNames.length) problem('duplicates', `${label}: ${dupNames.join(', ')}`, dupNames.length);
    if (files.length !== PHOTOS || JSON.stringify(files.sort()) !== JSON.stringify(want)) {
      problem('duplicates', `${label}: ${outDir} holds ${files.length} results for ${PHOTOS} photos`, Math.max(1, Math.abs(files.length - PHOTOS)));
    }
    const rows = s.outputs.filter((o) => path.dirname(abs(o.path)) === outDir);
    if (rows.length !== PHOTOS)
      problem(
        'duplicates',
        `${label}: ${rows.length} catalogue outputs in ${outDir} for ${PHOTOS} photos`,
        Math.max(1, Math.abs(rows.length - PHOTOS)),
      );
    if (new Set(rows.map((r) => r.path)).size !== rows.length) problem('duplicates', `${label}: two outputs rows share a path in ${outDir}`);
    for (const r of rows)
      if (r.sha256 && sha256(abs(r.path)) !== r.sha256) problem('duplicates', `${label}: ${r.path} is not the file its row recorded`);
    const jobs = s.jobs.filter((j) => j.kind === 'colorize' && j.outDir === outDir);
    if (jobs.length !== 1 || jobs[0]!.status !== 'done')
      problem('duplicates', `${label}: ${jobs.length} colorize jobs for ${outDir} (${jobs.map((j) => j.status).join(', ')}); expected one, done`);
    for (const j of jobs) {
      const items = s.jobItems.filter((i) => i.jobId === j.id);
      const done = items.filter((i) => i.status === 'done' && i.outputId !== null);
      if (items.length !== PHOTOS || done.length !== PHOTOS)
        problem('duplicates', `${label}: job ${j.id} has ${items.length} items, ${done.length} done`);
    }
  } else if (ep.cmd === 'export') {
    for (const p of exportProblems(EXPORT_TARGET, expectedExportFiles())) problem('duplicates', `${label}: ${p}`);
  } else if (ep.cmd === 'resume-with-new-files') {
    checkResumeResults(ep, s, label);
    checkTheirFiles(ep, label, false);
  } else if (ep.cmd === 'export-replace-with-user-files') {
    // The album's photos once each and the manifest; the person's files besides, back in place (not in an .old- folder).
    for (const p of exportProblems(ep.target!, plainExportFiles(), theirRelPaths(ep))) problem('duplicates', `${label}: ${p}`);
    checkTheirFiles(ep, label, false);
  } else {
    const dirs = runCheckpointDirs(ep.run!);
    const last = dirs.at(-1);
    if (!last?.finished) problem('duplicates', `${label}: run ${ep.run} has no final checkpoint (${dirs.map((d) => d.id).join(', ') || 'none'})`);
    const rows = new Map(s.checkpoints.map((c) => [c.id, c]));
    for (const d of dirs) {
      // A checkpoint saved on disk but never listed is an output the catalogue lost.
      if (!rows.has(d.id)) problem('lostOutputs', `${label}: checkpoint folder ${d.id} is not in the catalogue`);
    }
    for (const c of s.checkpoints)
      if (c.parentId && !rows.has(c.parentId)) problem('danglingRows', `${label}: checkpoint ${c.id}'s parent ${c.parentId} is not listed`);
  }
  const temps = tempEntries();
  if (temps.length) problem('leftoverTempFiles', `${label}: ${temps.join(', ')}`, temps.length);
}

/** Kill-time temp files: the export's own .partial (and what is inside it) is the resumable state. */
function countKillTemps(ep: Episode, label: string): void {
  const target = exportTargetOf(ep);
  for (const t of tempEntries()) {
    const inPartial = target !== undefined && path.join(ws, t).startsWith(partialOf(target));
    if (inPartial) {
      tempKinds['export .partial (resumable state)'] = (tempKinds['export .partial (resumable state)'] ?? 0) + (t.endsWith('.partial/') ? 1 : 0);
      if (t.endsWith('.tmp')) tempKinds['torn .tmp inside the export .partial'] = (tempKinds['torn .tmp inside the export .partial'] ?? 0) + 1;
      continue;
    }
    const kind = t.endsWith('.tmp')
      ? `torn .tmp in ${t
          .split('/')
          .slice(0, t.startsWith('library/') ? 2 : 1)
          .join('/')}`
      : t.includes('.partial-')
        ? 'torn checkpoint save (.partial-)'
        : /\.old-[0-9a-f]+\/$/.test(t)
          ? 'earlier export moved aside (.old-, put back by the next run)'
          : /\.drop-[0-9a-f]+\/$/.test(t)
            ? 'earlier export being deleted (.drop-, removed by the next run)'
            : `other: ${path.basename(t)}`;
    tempKinds[kind] = (tempKinds[kind] ?? 0) + 1;
    counts.tempLeftByKills++;
    process.stdout.write(`  (left by the kill, to be cleaned by the next run: ${t}) ${label}\n`);
  }
}

/**
 * (d) for exports: the earlier finished export is still there, whole (it is replaced only by a whole
 * one) — or, killed between the two renames of a replace, whole in its ".old-" folder, which the next
 * export puts back (export/runner.ts restoreMovedAside). The person's files there are not Heirloom's.
 */
function checkEarlierExport(ep: Episode, target: string, label: string): void {
  const where = fs.existsSync(target) ? target : (movedAside(target)[0] ?? target);
  const expected = ep.cmd === 'export' ? expectedExportFiles() : plainExportFiles();
  for (const p of exportProblems(where, expected, theirRelPaths(ep))) problem('lostOutputs', `${label}: ${p}`);
}

/**
 * When the k-th kill of an episode comes. A fresh run is killed anywhere in its measured duration
 * (start-up, model load, mid-photo, mid-write, the final rename); a resumed one has less left to do, so
 * somewhere in the first 70 % of that. An export replace touches the person's files only in its last
 * milliseconds (the earlier export moved aside, their files carried across), which a moment drawn over
 * seconds of start-up rarely meets: half of its first kills come after its last photo, within the first
 * half of the time its first export took from there to exiting.
 */
function killMoment(ep: Episode, k: number): { killAt: KillAt; when: string } {
  const cmd = ep.cmd;
  if (ep.tailMs !== undefined && k === 0 && rng.next() < 0.5) {
    const ms = rng.int(0, Math.ceil(ep.tailMs / 2)); // the renames come first, then the report and the close
    return { killAt: { afterLine: new RegExp(`^\\[${PHOTOS}/${PHOTOS}\\]`, 'm'), ms }, when: `${ms} ms after its last photo` };
  }
  const delay = Math.round(30 + rng.next() * timing[cmd] * (k === 0 ? 1.05 : 0.7));
  return { killAt: { afterMs: delay }, when: `after ${(delay / 1000).toFixed(1)} s` };
}

async function episode(cmd: Cmd, kills: number): Promise<void> {
  const ep = newEpisode(cmd);
  if (cmd === 'export-replace-with-user-files') await exportThenAddTheirs(ep);
  const target = exportTargetOf(ep);
  let finishedEarly = false;
  for (let k = 0; k < kills && !finishedEarly; k++) {
    const label = `#${ep.no} ${cmd} kill ${k + 1}/${kills}`;
    const before = checkInvariants(undefined, `${label} (before)`);
    const exportBefore = target !== undefined && fs.existsSync(target);
    const { killAt, when } = killMoment(ep, k);
    const r = await runCli(ep.args, killAt);
    if (!r.killed) {
      // It finished before the kill came: not a kill; the run is complete.
      counts.finishedBeforeKill[cmd]++;
      // The machine got faster than when it was measured (the cores are shared): a fresh run's time is
      // the new measure, so later kills land inside the run again rather than after it.
      if (k === 0 && r.code === 0) timing[cmd] = r.ms;
      if (r.code !== 0) problem('failedReruns', `${label}: exited ${r.code} before the kill: ${r.stderr.trim().split('\n').at(-1)}`);
      finishedEarly = true;
      break;
    }
    counts.kills[cmd]++;
    // Reported and let go of the library: it had ended, and running it again is a new request (a colorize
    // would then add "name (2).jpg" by design). Reported but still holding it: the re-run must resume.
    const reported = reportedDone(cliOf(cmd), r);
    const done = reported && !fs.existsSync(path.join(W.lib, 'heirloom.lock'));
    const phase = done
      ? 'after it reported and released the library (exiting)'
      : reported
        ? 'after its final report, while closing'
        : progressFraction(cliOf(cmd), r.stderr);
    killPhase[cmd][phase] = (killPhase[cmd][phase] ?? 0) + 1;
    process.stdout.write(`${label}: SIGKILL ${when} (${phase})\n`);
    checkInvariants(before, label);
    countKillTemps(ep, label);
    if (exportBefore) checkEarlierExport(ep, target!, label);
    checkTheirFiles(ep, label, true);
    if (done) {
      finishedEarly = true;
      break;
    }
    // Between the crash and the re-run, the person saves files of their own where the job writes.
    if (cmd === 'resume-with-new-files') await addTheirFilesToOutput(ep, k);
  }
  const label = `#${ep.no} ${cmd} completion`;
  if (!finishedEarly) {
    const before = snapshot();
    const r = await runCli(ep.args);
    if (r.code !== 0) problem('failedReruns', `${label}: exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    checkInvariants(before, label);
  }
  counts.completions[cmd]++;
  checkCompleted(ep, snapshot(), label);
}

// ---------- main ----------

async function setup(): Promise<void> {
  for (const d of Object.values(W)) fs.mkdirSync(d, { recursive: true });
  // Old black-and-white photos to colorize, and a colour archive to fine-tune on (≥ 64 px short side, ≥ 2 usable;
  // heldOutCount keeps half of a small archive to measure on: 8 photos → 4 trained on, 4 held out).
  for (let k = 0; k < PHOTOS; k++)
    await writePhoto(path.join(W.photos, `old-${String(k).padStart(2, '0')}.jpg`), 480 + 16 * k, 360, { colour: false, seed: k });
  for (let k = 0; k < COLOUR; k++)
    await writePhoto(path.join(W.colour, `colour-${String(k).padStart(2, '0')}.jpg`), 160 + 4 * k, 128, { seed: k + 3 });

  // One uninterrupted run of each command: it makes the library real (photos, outputs, an album, a
  // fine-tuned run) and measures how long each takes, from which the kill delays are drawn.
  const first = newEpisode('colorize');
  timing.colorize = (await mustRun(first.args)).ms;
  counts.completions.colorize++;
  checkCompleted(first, checkInvariants(undefined, 'setup colorize'), 'setup colorize');
  const db = openCatalogue();
  const ids = (db.prepare('SELECT id FROM originals ORDER BY id').all() as Array<{ id: number }>).map((r) => String(r.id));
  db.close();
  await mustRun(['album', 'create', 'soak']);
  await mustRun(['album', 'add', 'soak', ...ids]);
  const ex = newEpisode('export');
  timing.export = (await mustRun(ex.args)).ms;
  counts.completions.export++;
  checkCompleted(ex, checkInvariants(undefined, 'setup export'), 'setup export');
  const ft = newEpisode('finetune');
  timing.finetune = (await mustRun(ft.args)).ms;
  counts.completions.finetune++;
  checkCompleted(ft, checkInvariants(undefined, 'setup finetune'), 'setup finetune');
  // The same photos, so about the same time; export-replace-with-user-files measures its own first export.
  timing['resume-with-new-files'] = timing.colorize;
  process.stdout.write(
    `uninterrupted runs: colorize ${(timing.colorize / 1000).toFixed(1)} s, export ${(timing.export / 1000).toFixed(1)} s, finetune ${(timing.finetune / 1000).toFixed(1)} s\n`,
  );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  process.stdout.write(`soak: ${KILLS} kills, seed ${SEED}, workspace ${ws}\n`);
  await setup();

  // Quotas: an equal share of the kills each (the remainder at random), so every scenario gets ≥ ⌊kills/5⌋.
  const share = Math.floor(KILLS / CMDS.length);
  const quota = Object.fromEntries(CMDS.map((c) => [c, share])) as Record<Cmd, number>;
  for (let r = KILLS - CMDS.length * share; r > 0; r--) quota[CMDS[rng.int(0, CMDS.length - 1)]!]++;
  const left = (): number => CMDS.reduce((n, c) => n + quota[c] - counts.kills[c], 0);
  while (left() > 0) {
    // The next command, weighted by the kills it still needs; 1–3 kills of the same run before it is finished.
    let pick = rng.next() * left();
    const cmd = CMDS.find((c) => (pick -= quota[c] - counts.kills[c]) < 0) ?? CMDS.find((c) => quota[c] > counts.kills[c])!;
    const chain = Math.min(rng.int(1, 3), quota[cmd] - counts.kills[cmd]);
    await episode(cmd, chain);
  }

  // The library as a whole, by the product's own full check.
  const doctor = await runCli(['doctor', '--json']);
  if (doctor.code !== 0) problem('integrityFailures', `heirloom doctor exited ${doctor.code}`);

  const total = CMDS.reduce((n, c) => n + counts.kills[c], 0);
  const fails =
    counts.integrityFailures +
    counts.leftoverTempFiles +
    counts.danglingRows +
    counts.lostOutputs +
    counts.duplicates +
    counts.failedReruns +
    counts.userFilesLost +
    counts.wrongResults;
  const lines = [
    '',
    `soak finished in ${((Date.now() - t0) / 60000).toFixed(1)} min (seed ${SEED}, ${PHOTOS} photos, ${COLOUR} colour photos for fine-tuning)`,
    `kills: ${total} (${CMDS.map((c) => `${c} ${counts.kills[c]}`).join(', ')}); ` +
      `runs that finished before their kill: ${CMDS.map((c) => `${c} ${counts.finishedBeforeKill[c]}`).join(', ')}`,
    `runs completed and checked for duplicates: ${CMDS.map((c) => `${c} ${counts.completions[c]}`).join(', ')}`,
    ...CMDS.map(
      (c) =>
        `  ${c} killed during: ${Object.entries(killPhase[c])
          .map(([p, n]) => `${p} ${n}`)
          .join(', ')}`,
    ),
    `temp files left by kills (all to be removed by the next run): ${counts.tempLeftByKills}` +
      (Object.keys(tempKinds).length
        ? ` — ${Object.entries(tempKinds)
            .map(([k, n]) => `${k}: ${n}`)
            .join(', ')}`
        : ''),
    `integrity failures: ${counts.integrityFailures}`,
    `leftover temp files (after the completing run): ${counts.leftoverTempFiles}`,
    `dangling rows: ${counts.danglingRows}`,
    `lost outputs: ${counts.lostOutputs}`,
    `duplicates: ${counts.duplicates}`,
    `failed re-runs: ${counts.failedReruns}`,
    `user files placed in the way: ${counts.userFilesPlaced}; user files lost or changed: ${counts.userFilesLost}`,
    `results not the file the catalogue recorded: ${counts.wrongResults}`,
    fails === 0 && total >= KILLS ? 'RESULT: OK' : `RESULT: FAILED\n${problems.join('\n')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ seed: SEED, timing, counts, killPhase, tempKinds, problems }, null, 2) + '\n');
  if (!KEEP && fails === 0) fs.rmSync(ws, { recursive: true, force: true });
  else process.stdout.write(`workspace kept: ${ws}\n`);
  process.exitCode = fails === 0 && total >= KILLS ? 0 : 1;
}

main().catch((e: unknown) => {
  stopChildren();
  process.stderr.write(`soak: ${(e as Error).stack ?? String(e)}\n(workspace kept: ${ws})\n`);
  process.exitCode = 1;
});
