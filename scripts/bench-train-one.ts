// One backend's fine-tuning speed, in its own process (a process can hold only one tfjs backend
// choice): real batches from a shipped sample photo, real model, the trainer's own step.
//   node dist/scripts/bench-train-one.js <wasm|cpu|tensorflow> <batch> <crop> <steps> [--threads N] [--builtin-kernels | --builtin-input]
import * as path from 'node:path';
import sharp = require('sharp');
import { appRoot } from '../src-main/core/app-paths';
import { rgb8ToLab } from '../src-main/core/color/lab';
import { BackendName, initBackend, tf } from '../src-main/core/engine/backend';
import { loadModel } from '../src-main/core/engine/model-store';
import { registerWasmConvGradients } from '../src-main/core/engine/wasm-gradients';
import { makeBatch } from '../src-main/core/finetune/batches';
import { Rng } from '../src-main/core/rng';
import { StepRunner } from '../src-main/core/finetune/parallel-step';
import { binSpec, trainableCopy } from '../src-main/core/finetune/trainer';
import { flag } from './flags';

async function main(): Promise<void> {
  const [wanted, batchS, cropS, stepsS] = process.argv.slice(2);
  const builtin = process.argv.includes('--builtin-kernels');
  const backend = await initBackend(wanted as BackendName);
  if (backend.name !== wanted) {
    process.stdout.write(
      JSON.stringify({ backend: wanted, available: false, why: backend.attempts.map((a) => `${a.candidate}: ${a.why}`).join('; ') }) + '\n',
    );
    return;
  }
  if (backend.name === 'wasm' && !builtin) registerWasmConvGradients({ replaceInput: !process.argv.includes('--builtin-input') });
  const model = await loadModel(path.join(appRoot(), 'models', 'heirloom-base-v2'));
  const src = path.join(appRoot(), 'samples', '1899NycBlizzard.jpg');
  const { data, info } = await sharp(src).resize(200, 160, { fit: 'cover' }).tint('#a07050').raw().toBuffer({ resolveWithObject: true });
  const lab = rgb8ToLab(data, info.channels);
  const photos = [{ file: src, width: info.width, height: info.height, ...lab }];
  const bins = binSpec(model);
  const net = trainableCopy(model);
  const stepper = await StepRunner.start(net, 'heirloom', bins.centres.length, Number(flag('threads', '1')));
  const optimizer = tf.train.adam(1e-4);
  const rng = new Rng(1);
  const [batch, crop, steps] = [Number(batchS), Number(cropS), Number(stepsS)];
  try {
    await stepper.step(optimizer, makeBatch(photos, batch, crop, bins, rng)); // warm-up
  } catch (e) {
    process.stdout.write(JSON.stringify({ backend: wanted, available: true, trains: false, why: (e as Error).message.split('\n')[0] }) + '\n');
    return;
  }
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await stepper.step(optimizer, makeBatch(photos, batch, crop, bins, rng));
  const seconds = (performance.now() - t0) / 1000 / steps;
  await stepper.stop();
  process.stdout.write(
    JSON.stringify({
      backend: wanted,
      available: true,
      trains: true,
      threads: stepper.threads,
      batch,
      crop,
      secondsPerStep: seconds,
      imagesPerSecond: batch / seconds,
    }) + '\n',
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
