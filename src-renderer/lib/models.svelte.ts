// The models Heirloom knows, kept once for the whole window so every place names a model the same way:
// its name ("Heirloom base", "family, step 120"), never its id, which only the Models list shows as a detail.
import type { ModelInfo } from '../../src-main/api/types';
import { api } from './api';
import { t } from './i18n.svelte';

export const known = $state<{ models: ModelInfo[] }>({ models: [] });

let loading: Promise<ModelInfo[]> | null = null;

/** Reloads the list (after a fine-tune saved a checkpoint, or another model became active). */
export function loadModels(): Promise<ModelInfo[]> {
  loading ??= api
    .listModels()
    .then((m) => {
      known.models = m;
      return m;
    })
    .finally(() => (loading = null));
  return loading;
}

/** Takes a list another call already returned (activate, revert). */
export function setModels(m: ModelInfo[]): void {
  known.models = m;
}

/** What a person reads: the shipped model's name, or a checkpoint's run name and step. */
export function modelLabel(m: Pick<ModelInfo, 'name' | 'kind' | 'step'>): string {
  return m.kind === 'finetuned' && m.step !== null ? t('models.nameStep', { name: m.name, step: m.step }) : m.name;
}

/** The name for a model id; the id itself only while the list is loading or for a model no longer there. */
export function modelName(id: string, fallback?: string): string {
  const m = known.models.find((x) => x.id === id);
  return m ? modelLabel(m) : (fallback ?? id);
}
