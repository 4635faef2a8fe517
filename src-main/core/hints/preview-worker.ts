// Worker thread of the photo view's live colour preview (live-preview.ts): every hint or slider change
// runs the network and the recombination, about half a second of one thread, which must not be the
// thread serving the window. It opens its own catalogue connection (as the jobs worker does) to find
// the photo's original and the model to use, and keeps the decoded previews between requests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit } from '../jobs/worker-protocol';
import { HeirloomCore } from '../service/heirloom-core';
import { LivePreview } from './live-preview';
import type { PreviewReply, PreviewRequest } from './preview-protocol';

const port = parentPort;
if (!port) throw new Error('preview-worker.js must run in a worker thread');

const init = workerData as WorkerInit;
const core = HeirloomCore.open({ library: init.library, install: init.install, role: 'worker' });
const preview = new LivePreview((photoId) => {
  const row = core.catalogue.getOriginal(photoId);
  if (!row) throw new Error(`photo ${photoId} is not in the library`);
  if (!fs.existsSync(row.path)) throw new Error(`the original file of photo ${photoId} is missing (${path.basename(row.path)})`);
  return row.path;
});

async function answer(m: Exclude<PreviewRequest, { type: 'close' }>): Promise<PreviewReply> {
  const { model } = await core.model(m.modelId);
  if (m.type === 'render') return { type: 'rendered', id: m.id, image: await preview.render(m.photoId, model, m.settings) };
  return { type: 'suggested', id: m.id, colours: await preview.suggest(m.photoId, model, m.x, m.y, m.count, m.workingSize) };
}

port.on('message', (m: PreviewRequest) => {
  if (m.type === 'close') {
    core.close();
    port.close();
    return;
  }
  answer(m).then(
    (r) => port.postMessage(r),
    (e: Error) => port.postMessage({ type: 'failed', id: m.id, message: e.message } satisfies PreviewReply),
  );
});
