// Worker thread entry: renders the band of rows it is given into the shared output buffer.
import { parentPort } from 'node:worker_threads';
import { renderRows, RenderTask } from './render-rows';

parentPort?.on('message', (task: RenderTask & { id: number }) => {
  try {
    renderRows(task);
    parentPort!.postMessage({ id: task.id });
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
