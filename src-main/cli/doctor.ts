// `heirloom doctor`: what this installation will run on, and why.
import * as os from 'node:os';
import { appVersion } from '../core/app-paths';
import { initBackend, tf } from '../core/engine/backend';
import { HeirloomCore } from '../core/service/heirloom-core';

export async function runDoctor(o: { library?: string; json?: boolean }): Promise<number> {
  const backend = await initBackend();
  const core = HeirloomCore.open({ library: o.library });
  let modelLine: string;
  let modelInfo: Record<string, unknown>;
  let code = 0;
  try {
    const res = await core.model();
    const m = res.model.manifest;
    modelInfo = { id: m.id, name: m.name, version: m.version, dir: res.model.dir, workingSize: m.workingSize, warning: res.warning };
    modelLine = `${m.name} (${m.id} v${m.version}) from ${res.model.dir}${res.warning ? `\n  warning: ${res.warning}` : ''}`;
  } catch (e) {
    modelInfo = { error: (e as Error).message };
    modelLine = `NOT USABLE: ${(e as Error).message}`;
    code = 1;
  } finally {
    core.close();
  }
  const info = {
    heirloom: appVersion(),
    node: process.versions.node,
    tfjs: tf.version.tfjs,
    platform: `${os.platform()} ${os.arch()}, ${os.cpus().length} CPU cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    backend: { name: backend.name, label: backend.label, gpu: backend.gpu, attempts: backend.attempts },
    library: core.paths.root,
    model: modelInfo,
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(info, null, 2) + '\n');
    return code;
  }
  const lines = [
    `Heirloom ${info.heirloom} (Node ${info.node}, TensorFlow.js ${info.tfjs})`,
    `Machine:  ${info.platform}`,
    `Backend:  ${backend.name} — ${backend.label}`,
    `GPU:      ${backend.gpu ? 'found, in use' : 'none in use'}`,
    ...backend.attempts.map((a) => `  ${a.ok ? 'chosen ' : 'skipped'} ${a.candidate}: ${a.why}`),
    `Library:  ${info.library}`,
    `Model:    ${modelLine}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return code;
}
