// Finds models by id or folder, loads each once per process, and falls back to the shipped base
// model (with a warning) when the requested one is damaged: a broken checkpoint never stops work.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shippedModelsDir } from '../app-paths';
import { MANIFEST_FILE } from './manifest';
import { LoadedModel, loadModel, ModelLoadError } from './model-store';

export const DEFAULT_MODEL_ID = 'heirloom-base-v3';

const loaded = new Map<string, Promise<LoadedModel>>();

export interface ModelResolution {
  model: LoadedModel;
  /** Set when the requested model could not be used and the shipped one was used instead. */
  warning?: string;
}

/** A folder with heirloom.json, an id under the library's models/, or an id of a shipped model. */
export function findModelDir(spec: string, libraryModelsDir?: string): string {
  const candidates = [path.resolve(spec), ...(libraryModelsDir ? [path.join(libraryModelsDir, spec)] : []), path.join(shippedModelsDir(), spec)];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, MANIFEST_FILE))) return dir;
  }
  throw new ModelLoadError(spec, `no model with this id or folder (looked in ${candidates.join(', ')})`);
}

export function loadModelCached(dir: string): Promise<LoadedModel> {
  const key = path.resolve(dir);
  let p = loaded.get(key);
  if (!p) {
    p = loadModel(key);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

export async function resolveModel(spec: string | undefined, libraryModelsDir?: string): Promise<ModelResolution> {
  const wanted = spec ?? DEFAULT_MODEL_ID;
  try {
    return { model: await loadModelCached(findModelDir(wanted, libraryModelsDir)) };
  } catch (e) {
    if (wanted === DEFAULT_MODEL_ID) throw e;
    const fallback = await loadModelCached(findModelDir(DEFAULT_MODEL_ID));
    return { model: fallback, warning: `${(e as Error).message}. Using the shipped model ${DEFAULT_MODEL_ID} instead.` };
  }
}

/** Shipped model ids (folders in models/ with a manifest). */
export function listShippedModels(): string[] {
  const dir = shippedModelsDir();
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, MANIFEST_FILE)))
    .sort();
}
