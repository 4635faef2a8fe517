// Imports a PyTorch export into models/<id>/ in the tfjs layers format, after checking parity.
//   node dist/scripts/import-torch.js <export dir> <model dir> --name "…" --version 1.0.0 [--temperature 0.38] [--prior-correction 0]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src-main/core/engine/backend';
import { saveModel } from '../src-main/core/engine/model-store';
import { buildFromTorchExport, checkParity, readTorchExport } from '../src-main/core/engine/torch-import';
import { flag } from './flags';

const PARITY_TOLERANCE = 1e-3;

async function main(): Promise<void> {
  const [exportDir, modelDir] = process.argv.slice(2);
  if (!exportDir || !modelDir)
    throw new Error(
      'usage: import-torch <export dir> <model dir> [--name N] [--version V] [--temperature T] [--prior-correction A] [--chroma-gain G] [--working-size S]',
    );
  const backend = await initBackend();
  const ex = readTorchExport(exportDir);
  const net = buildFromTorchExport(exportDir);
  const parity = checkParity(net, exportDir, ex.parity);
  console.log(`backend ${backend.name}; parity vs PyTorch: ${parity.map((p) => `${p.name} ${p.maxAbsDiff.toExponential(2)}`).join(', ')}`);
  if (parity.some((p) => p.maxAbsDiff > PARITY_TOLERANCE)) throw new Error('tfjs does not reproduce PyTorch within 1e-3');
  const id = path.basename(modelDir);
  const output =
    ex.arch !== 'beta'
      ? {
          type: 'ab-bins' as const,
          stride: 4 as const,
          centres: ex.centres!,
          temperature: Number(flag('temperature', '0.38')),
          rebalancingWeights: ex.rebalancingWeights,
          priorCorrection: Number(flag('prior-correction', '0')),
          chromaGain: Number(flag('chroma-gain', '1')),
        }
      : { type: 'ab-tanh' as const, stride: 1 as const, scale: 128 };
  await saveModel(net, modelDir, {
    format: 'heirloom-model/1',
    id,
    name: flag('name', id),
    version: flag('version', '1.0.0'),
    architecture: ex.arch,
    workingSize: Number(flag('working-size', '256')),
    input: { channels: ex.arch === 'beta' ? 1 : 4 },
    output,
    parentId: null,
    training: { framework: `PyTorch ${ex.torchVersion}`, steps: ex.trainedSteps, cpuMinutes: ex.cpuMinutes, parity },
  });
  // The parity fixtures travel with the model so the test suite can re-check them.
  const parityDir = path.join(modelDir, 'parity');
  fs.mkdirSync(parityDir);
  for (const f of ex.parity) {
    for (const part of ['input', 'output']) {
      fs.copyFileSync(path.join(exportDir, `parity-${f.name}-${part}.bin`), path.join(parityDir, `parity-${f.name}-${part}.bin`));
    }
  }
  fs.writeFileSync(path.join(parityDir, 'fixtures.json'), JSON.stringify({ tolerance: PARITY_TOLERANCE, fixtures: ex.parity }, null, 2) + '\n');
  console.log(`saved ${modelDir}`);
}

main().catch((e) => {
  console.error(`import-torch: ${(e as Error).message}`);
  process.exit(1);
});
