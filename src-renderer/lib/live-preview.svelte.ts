// The photo view's live colour preview: requests are debounced, at most one is in flight (a burst of
// changes leaves the core one request behind, not a queue), and only the newest request's image is
// shown. Nothing here awaits on an input handler: the window stays responsive while the core works.
import type { ArgOf, ColourPreview } from '../../src-main/api/types';
import { api } from './api';
import { errorDetail } from './problems';

export type PreviewRequest = ArgOf<'previewColour'>;

/** Quiet time after a change before a preview is asked for. */
const DEBOUNCE_MS = 150;

export class LivePreview {
  /** The newest preview shown (null: none asked for, or cleared). */
  url = $state<string | null>(null);
  millis = $state<number | null>(null);
  /** A request is waiting or running. */
  updating = $state(false);
  error = $state<string | null>(null);

  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private next: { req: PreviewRequest; seq: number } | null = null;
  private lastKey = '';

  /** Asks for a preview of `req` (an identical request in a row is asked once). */
  request(req: PreviewRequest): void {
    const key = JSON.stringify(req);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const seq = ++this.seq;
    this.updating = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(req, seq), DEBOUNCE_MS);
  }

  /** Back to no preview: whatever is in flight is ignored when it answers. */
  clear(): void {
    this.seq++;
    this.lastKey = '';
    clearTimeout(this.timer);
    this.next = null;
    this.url = null;
    this.millis = null;
    this.updating = false;
    this.error = null;
  }

  private send(req: PreviewRequest, seq: number): void {
    if (this.inFlight) {
      this.next = { req, seq };
      return;
    }
    this.inFlight = true;
    void this.run(req, seq).finally(() => {
      this.inFlight = false;
      const n = this.next;
      this.next = null;
      if (n && n.seq === this.seq) this.send(n.req, n.seq);
    });
  }

  private async run(req: PreviewRequest, seq: number): Promise<void> {
    try {
      const res: ColourPreview = await api.previewColour(req);
      // Decoded before it is shown, so the viewer swaps images without a blank frame.
      const img = new Image();
      img.src = res.url;
      await img.decode().catch(() => undefined);
      if (seq !== this.seq) return;
      this.url = res.url;
      this.millis = res.millis;
      this.error = null;
      this.updating = false;
    } catch (e) {
      if (seq !== this.seq) return;
      this.error = errorDetail(e);
      this.updating = false;
    }
  }
}
