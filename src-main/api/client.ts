// The window's typed HeirloomApi, built the same way for both faces from the contract's method list:
// over the desktop preload's bridge (IPC) or over the web bridge (HTTP + WebSocket). No face lists the
// methods itself, so a method added to contract.ts reaches the window with no other edit.
import { API_METHODS, type HeirloomApi, type HeirloomBridge, type RpcApi } from './contract';
import { fromErrorReply } from '../contract/problems';

export function makeApiClient(bridge: HeirloomBridge): HeirloomApi {
  // Each method only forwards (method, arg); the other side validates both (schemas.ts parseCall).
  // A refusal comes back as a CodedError: its message in English, its problem for the window's words.
  const call = async (m: (typeof API_METHODS)[number], arg?: unknown): Promise<unknown> => {
    const r = await bridge.call(m, arg);
    if (r.ok) return r.value;
    throw fromErrorReply(r);
  };
  const rpc = Object.fromEntries(API_METHODS.map((m) => [m, (arg?: unknown) => call(m, arg)])) as unknown as RpcApi;
  return {
    ...rpc,
    onJobProgress: (cb) => bridge.onJobProgress(cb),
    importFiles: (files) => bridge.importFiles(files),
  };
}
