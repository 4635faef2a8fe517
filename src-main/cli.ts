// The `heirloom` command line: the same core as the desktop app, for scripts and headless use.
import { Command, InvalidArgumentError, Option } from 'commander';
import { appVersion } from './core/app-paths';
import { OUTPUT_FORMATS } from './core/imaging/encode';
import { isUpscaleFactor, UPSCALE_FACTORS, type UpscaleFactor } from './core/restore/upscale';
import { addAlbumCommands } from './cli/album';
import { runDoctor } from './cli/doctor';
import { runExportCli } from './cli/export';
import { runEval } from './cli/eval';
import { EVAL_SPLITS } from './core/eval/split';
import { addFinetuneCommands } from './cli/finetune';
import { addJobsCommands } from './cli/jobs';
import { addVersionsCommand } from './cli/versions';
import { addPhotoCommands } from './cli/photos';
import { runList } from './cli/list';
import { runServe } from './cli/serve';
import { restoreSteps, runPhotoBatch } from './cli/photo-batch';

function positiveInt(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** `--upscale`: only the factors the enlarging networks have. */
function upscaleFactor(v: string): UpscaleFactor {
  const n = Number(v);
  if (!isUpscaleFactor(n))
    throw new InvalidArgumentError(`--upscale must be ${UPSCALE_FACTORS.join(' or ')} (times larger), not ${JSON.stringify(v)}`);
  return n;
}

function positiveNumber(name: string, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new InvalidArgumentError(`${name} must be a number from 0 to ${max}`);
    return n;
  };
}

function workingSize(v: string): number {
  const n = positiveInt('--size', 64, 2048)(v);
  if (n % 8 !== 0) throw new InvalidArgumentError('--size must be a multiple of 8');
  return n;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('heirloom')
    .description('Bring old black-and-white photos back in colour, privately, on this computer.')
    .version(appVersion())
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  const libraryOption = new Option('--library <dir>', 'library folder (default: $HEIRLOOM_LIBRARY or the per-user data folder)');

  const photoCommand = (name: string, description: string): Command =>
    program
      .command(name)
      .description(description)
      .argument('<inputs...>', 'photo files or folders')
      .requiredOption('--out <folder>', `where to write the ${name === 'restore' ? 'restored' : 'colorized'} photos`)
      .addOption(libraryOption)
      .option('--model <id|path>', 'model id or folder (default: the active model)')
      .option('--size <px>', 'working size: short side the network sees, multiple of 8', workingSize)
      .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('jpg'))
      .option('--quality <q>', 'JPEG quality 1-100', positiveInt('--quality', 1, 100), 92)
      .option('--saturation <factor>', 'colour strength (1 = as predicted)', positiveNumber('--saturation', 4), 1)
      .option('--hints <file.json>', 'colour hints: a JSON list of {"x","y","color"[,"size"]} for one photo, or lists keyed by file name')
      .option('--no-resume', 'start afresh instead of continuing an unfinished run of the same command');

  photoCommand('colorize', 'colorize photos (files or folders, searched recursively) into an output folder').action(async (inputs: string[], o) =>
    setExit(await runPhotoBatch(inputs, o)),
  );

  photoCommand('restore', 'repair scratches and dust, restore faded tone, then colorize (with no step flag: all three)')
    .option('--repair', 'find and fill scratches, dust and creases')
    .option('--tone', 'restore the black and white points and contrast of a faded print')
    .option('--recolor-faded', 'remove the cast of a faded colour print and bring back its colour')
    .option('--no-colorize', 'do not colorize (restore only)')
    .option('--upscale <factor>', 'enlarge 2 or 4 times with a super-resolution network, after repair and tone, before colorizing', upscaleFactor)
    .addOption(
      new Option('--torn-edges <how>', 'torn or missing corners and edges: fill them from inside the print, or crop to the part that survived')
        .choices(['fill', 'crop'])
        .default('fill'),
    )
    .action(async (inputs: string[], o) => setExit(await runPhotoBatch(inputs, o, restoreSteps(o))));

  program
    .command('doctor')
    .description('show the compute backend, versions, GPU, library and model in use, and check the catalogue')
    .addOption(libraryOption)
    .option('--json', 'machine-readable output')
    .option('--repair', 'if the catalogue is damaged: keep it aside, restore the newest good backup (or start a new one)')
    .action(async (o) => setExit(await runDoctor(o)));

  program
    .command('list')
    .description('list the originals and outputs in the catalogue')
    .addOption(libraryOption)
    .addOption(new Option('--filter <which>', 'which photos').choices(['all', 'colorized', 'uncolorized']).default('all'))
    .option('--json', 'machine-readable output')
    .action(async (o) => setExit(await runList(o)));

  program
    .command('serve')
    .description('open the Heirloom window in a browser: serves the app and its API on 127.0.0.1 with a secret token')
    .addOption(libraryOption)
    .addOption(new Option('--port <n>', 'port to listen on').argParser(positiveInt('--port', 0, 65535)).default(0, 'a free one'))
    .action(async (o) => setExit(await runServe(o)));

  addFinetuneCommands(program, libraryOption, setExit);
  addJobsCommands(program, libraryOption, setExit);
  addVersionsCommand(program, libraryOption, setExit);
  addPhotoCommands(program, libraryOption, setExit);
  addAlbumCommands(program, libraryOption, setExit);

  program
    .command('export')
    .description("export an album's colorized photos to a new folder (or .zip), optionally with the originals and a web album")
    .argument('<album>', 'album id or exact name')
    .requiredOption('--to <folder>', 'the folder to create (with --zip: the .zip file)')
    .addOption(libraryOption)
    .addOption(new Option('--format <format>', 'photo format').choices(OUTPUT_FORMATS).default('jpg'))
    .option('--max-size <px>', 'longest side in pixels (never enlarged)', positiveInt('--max-size', 16, 65535))
    .option('--quality <q>', 'JPEG quality 1-100', positiveInt('--quality', 1, 100), 90)
    .option('--names <template>', 'file names from {n} {date} {name} {album} {id}', '{n}-{name}')
    .option('--with-originals', 'also copy the originals, unchanged, into originals/')
    .option('--originals-for-uncolorized', 'export a photo that is not colorized yet as its original (else such an album is refused)')
    .option('--zip', 'make one .zip archive instead of a folder')
    .option('--html', 'add an offline web album (index.html) with a before/after slider')
    .option('--overwrite', 'replace an earlier Heirloom export at --to (only the files it wrote; files you added stay)')
    .option('--confirm-place', "export although --to is straight in the home folder or a drive's top folder, or in a folder of originals")
    .action(async (album: string, o) => setExit(await runExportCli(album, o)));

  program
    .command('eval')
    .description('turn colour photos grey, colorize them and score against the truth (PSNR, ΔE00, AuC, colourfulness, ΔL)')
    .argument('<folder>', 'folder of colour photos')
    .option('--model <id|path>', 'model id or folder')
    .option('--size <px>', 'working size', workingSize)
    .option('--temperature <t>', 'annealed-mean temperature (classification models)', positiveNumber('--temperature', 2))
    .option('--prior-correction <alpha>', 'share of the class rebalancing undone at decode time, 0..1', positiveNumber('--prior-correction', 1))
    .option('--chroma-lift <c>', "chroma added along each pixel's hue, in ab units (classification models)", positiveNumber('--chroma-lift', 40))
    .option('--saturation <factor>', 'colour strength', positiveNumber('--saturation', 4))
    .addOption(
      new Option(
        '--split <which>',
        "use only part of the folder: the training pool's held-out photos (validation) or held-out sources (sources), or a half of either",
      )
        .choices([...EVAL_SPLITS])
        .default('all'),
    )
    .option('--hints <n>', 'give the model n true-colour point hints per photo, simulated from the truth', positiveInt('--hints', 0, 1000))
    .option('--limit <n>', 'at most n photos (evenly spread)', positiveInt('--limit', 1, 1_000_000))
    .option('--json', 'machine-readable output')
    .action(async (folder: string, o) => setExit(await runEval(folder, o)));

  return program;
}

let pipesGuarded = false;

/**
 * A reader that goes away (`heirloom list | head -1`) must end the command quietly, not with an
 * EPIPE stack trace: a closed stdout exits 0 at once, a closed stderr is ignored (the work goes on).
 */
function guardClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  const gone = (e: NodeJS.ErrnoException): boolean => e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (!gone(e)) throw e;
    process.exit(0);
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (!gone(e)) throw e;
  });
}

/** Entry point used by bin/heirloom.js; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  guardClosedPipes();
  let code = 0;
  const program = buildProgram((c) => (code = c));
  program.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    if (err.code?.startsWith('commander.')) return err.exitCode ?? 2;
    process.stderr.write(`heirloom: ${err.message ?? String(e)}\n`);
    return 1;
  }
  return code;
}
