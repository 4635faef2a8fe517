// Chooses the fastest TensorFlow.js backend present on this machine, and says why the better
// ones were not used: tfjs-node-gpu (CUDA) → tfjs-node (native CPU) → wasm → cpu (pure JS).
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendAttempt {
  candidate: string;
  ok: boolean;
  why: string;
}

export interface BackendChoice {
  name: BackendName;
  /** What the status bar and `heirloom doctor` show. */
  label: string;
  gpu: boolean;
  attempts: BackendAttempt[];
}

let chosen: Promise<BackendChoice> | undefined;

function shortError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].slice(0, 200);
}

async function tryNative(pkg: string): Promise<BackendAttempt> {
  try {
    // tfjs-node registers the 'tensorflow' backend with the shared tfjs-core on import.
    require(pkg);
    const ok = await tf.setBackend('tensorflow');
    return { candidate: pkg, ok, why: ok ? 'loaded libtensorflow' : 'backend did not initialise' };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'MODULE_NOT_FOUND' ? 'not installed (optional dependency; needs libtensorflow)' : shortError(e);
    return { candidate: pkg, ok: false, why };
  }
}

async function tryPortable(name: 'wasm' | 'cpu'): Promise<BackendAttempt> {
  try {
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend(name);
    await tf.ready();
    return { candidate: name === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : 'cpu (pure JavaScript)', ok, why: ok ? 'ready' : 'did not initialise' };
  } catch (e) {
    return { candidate: name, ok: false, why: shortError(e) };
  }
}

function gpuVisible(): boolean {
  // tfjs-node-gpu loads even without a usable GPU; ask TensorFlow whether it placed ops on one.
  try {
    const info = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    return info === true;
  } catch {
    return false;
  }
}

async function choose(preferred?: BackendName): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  const order: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  const start = preferred ? order.indexOf(preferred) : 0;
  for (const name of order.slice(Math.max(0, start))) {
    const attempt =
      name === 'tensorflow-gpu'
        ? await tryNative('@tensorflow/tfjs-node-gpu')
        : name === 'tensorflow'
          ? await tryNative('@tensorflow/tfjs-node')
          : await tryPortable(name);
    attempts.push(attempt);
    if (!attempt.ok) continue;
    const gpu = name === 'tensorflow-gpu' && gpuVisible();
    const label =
      name === 'tensorflow-gpu'
        ? gpu
          ? 'GPU (TensorFlow CUDA)'
          : 'CPU (TensorFlow, CUDA build without a GPU)'
        : name === 'tensorflow'
          ? 'CPU (TensorFlow native)'
          : name === 'wasm'
            ? 'CPU (WebAssembly)'
            : 'CPU (pure JavaScript, slow)';
    return { name, label, gpu, attempts };
  }
  throw new Error('No TensorFlow.js backend could be initialised: ' + attempts.map((a) => `${a.candidate}: ${a.why}`).join('; '));
}

/** Initialises the best backend once per process. HEIRLOOM_BACKEND=wasm|cpu|tensorflow forces a start point. */
export function initBackend(preferred?: BackendName): Promise<BackendChoice> {
  const env = process.env.HEIRLOOM_BACKEND as BackendName | undefined;
  // Production mode: skips tfjs' debug checks and its console banners.
  tf.env().set('PROD', true);
  chosen ??= choose(preferred ?? env);
  return chosen;
}

export { tf };
