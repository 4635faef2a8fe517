// Turning a PyTorch export (training/export.py) into a tfjs model, and checking that tfjs
// reproduces PyTorch's outputs on the fixed parity inputs saved with it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildNetwork } from './architectures';
import { tf } from './backend';

export interface TorchExport {
  arch: 'heirloom' | 'heirloom3' | 'beta';
  trainedSteps: number;
  cpuMinutes: number;
  centres?: Array<[number, number]>;
  rebalancingWeights?: number[];
  weights: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  parity: Array<{ name: string; inputShape: number[]; outputShape: number[] }>;
  torchVersion: string;
}

export function readTorchExport(dir: string): TorchExport {
  return JSON.parse(fs.readFileSync(path.join(dir, 'export.json'), 'utf8'));
}

function readF32(file: string): Float32Array {
  const buf = fs.readFileSync(file);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Builds the tfjs network and assigns every exported tensor to the layer weight of the same name. */
export function buildFromTorchExport(dir: string): tf.LayersModel {
  const ex = readTorchExport(dir);
  const net = buildNetwork(ex.arch, ex.centres?.length ?? 0);
  const all = readF32(path.join(dir, 'weights.bin'));
  const byName = new Map(ex.weights.map((w) => [w.name, w]));
  for (const layer of net.layers) {
    const vars = layer.weights;
    if (vars.length === 0) continue;
    const values = vars.map((v) => {
      const key = `${layer.name}/${v.originalName.split('/').pop()}`;
      const spec = byName.get(key);
      if (!spec) throw new Error(`export has no tensor ${key}`);
      if (spec.shape.join('x') !== v.shape.join('x')) throw new Error(`${key}: export shape ${spec.shape} vs tfjs ${v.shape}`);
      byName.delete(key);
      return tf.tensor(all.subarray(spec.offset, spec.offset + spec.length), spec.shape);
    });
    layer.setWeights(values);
    values.forEach((t) => t.dispose());
  }
  if (byName.size) throw new Error(`unused tensors in export: ${[...byName.keys()].join(', ')}`);
  return net;
}

export interface ParityResult {
  name: string;
  maxAbsDiff: number;
}

/** Max |tfjs − PyTorch| on each parity fixture found in `fixtureDir`. */
export function checkParity(net: tf.LayersModel, fixtureDir: string, fixtures: TorchExport['parity']): ParityResult[] {
  return fixtures.map((f) => {
    const x = tf.tensor(readF32(path.join(fixtureDir, `parity-${f.name}-input.bin`)), f.inputShape);
    const expected = readF32(path.join(fixtureDir, `parity-${f.name}-output.bin`));
    const y = net.predict(x) as tf.Tensor;
    const got = y.dataSync();
    x.dispose();
    y.dispose();
    if (got.length !== expected.length) throw new Error(`parity ${f.name}: output size ${got.length} vs ${expected.length}`);
    let max = 0;
    for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - expected[i]));
    return { name: f.name, maxAbsDiff: max };
  });
}
