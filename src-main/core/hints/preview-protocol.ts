// Messages between CoreApi (the thread that serves the window) and the live preview's worker thread.
import type { SuggestedColour } from '../../contract/hints';
import type { PreviewImage, PreviewSettings } from './live-preview';

export type PreviewRequest =
  | { type: 'render'; id: number; photoId: number; modelId?: string; settings: PreviewSettings }
  | { type: 'suggest'; id: number; photoId: number; modelId?: string; x: number; y: number; count: number; workingSize?: number }
  | { type: 'close' };

export type PreviewReply =
  | { type: 'rendered'; id: number; image: PreviewImage }
  | { type: 'suggested'; id: number; colours: SuggestedColour[] }
  | { type: 'failed'; id: number; message: string };
