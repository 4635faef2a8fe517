// What the photo view's colour panel is editing: hints, colour strength, detail of colour and model,
// against the version they started from. Changed ("dirty") settings are previewed live; Keep turns
// them into a new version, Discard goes back to the version's own.
import type { OutputInfo } from '../../src-main/api/types';
import { HintEditor, sameHints } from './hint-editor.svelte';
import type { PreviewRequest } from './live-preview.svelte';

/** The shipped models' working size (heirloom.json), what a version without a recorded one used. */
export const DEFAULT_WORKING_SIZE = 256;
export const WORKING_SIZES = { min: 128, max: 512, step: 64 };

interface Base {
  saturation: number;
  workingSize: number;
  modelId: string | null;
}

export class ColourDraft {
  readonly editor = new HintEditor();
  saturation = $state(1);
  workingSize = $state(DEFAULT_WORKING_SIZE);
  /** null: the model in use. */
  modelId = $state<string | null>(null);
  /** Preview even when nothing differs from the version (Models → Compare, or a photo with no version yet). */
  force = $state(false);
  private base = $state.raw<Base & { hints: OutputInfo['hints'] }>({ saturation: 1, workingSize: DEFAULT_WORKING_SIZE, modelId: null, hints: [] });

  readonly dirty = $derived(
    !sameHints(this.editor.hints, this.base.hints) ||
      Math.abs(this.saturation - this.base.saturation) > 1e-6 ||
      this.workingSize !== this.base.workingSize ||
      (this.modelId ?? '') !== (this.base.modelId ?? ''),
  );
  readonly previewing = $derived(this.dirty || this.force);

  /** Starts from a version's own settings (or the defaults for a photo not yet colorized). */
  from(o: OutputInfo | null): void {
    const base = {
      saturation: o?.saturation ?? 1,
      workingSize: o?.workingSize ?? DEFAULT_WORKING_SIZE,
      modelId: o?.modelId ?? null,
      hints: o?.hints ?? [],
    };
    this.base = base;
    this.saturation = Math.min(2, base.saturation);
    this.workingSize = base.workingSize;
    this.modelId = base.modelId;
    this.editor.reset(base.hints);
    this.force = false;
  }

  /** What previewColour and keepColour are sent. */
  request(photoId: number): PreviewRequest {
    return {
      photoId,
      hints: this.editor.hints,
      saturation: Math.round(this.saturation * 100) / 100,
      workingSize: this.workingSize,
      ...(this.modelId ? { modelId: this.modelId } : {}),
    };
  }
}
