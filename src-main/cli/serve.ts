// `heirloom serve`: runs the real window in a browser against a library, over 127.0.0.1 with a token.
import { CoreApi } from '../api/core-api';
import { HeirloomCore } from '../core/service/heirloom-core';
import { defaultRendererDir, startBridge } from '../server/web-bridge';

export async function runServe(o: { library?: string; port?: number; renderer?: string }): Promise<number> {
  const core = HeirloomCore.open({ library: o.library, holder: '`heirloom serve`' });
  const api = new CoreApi(core, {
    mediaUrl: (kind, id) => `/media/${kind}/${id}`,
    importByPath: true,
    importByDialog: false,
  });
  let bridge;
  try {
    bridge = await startBridge({ api, port: o.port, rendererDir: o.renderer ?? defaultRendererDir() });
  } catch (e) {
    core.close();
    throw e;
  }
  process.stdout.write(`Heirloom is running at ${bridge.url}\n`);
  process.stderr.write(`Library: ${core.paths.root}\nOpen the address above in a browser on this computer. Press Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      process.stderr.write('heirloom: stopping (finishing the current photo)…\n');
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await bridge.close();
  await api.close();
  core.close();
  return 0;
}
