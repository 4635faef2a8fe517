// The API-level tests' shared parts: a real library with its API, and waiting on job events.
import * as path from 'node:path';
import { CoreApi } from '../../src-main/api/core-api';
import type { HeirloomApi, JobInfo } from '../../src-main/api/types';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, writeScratchedPrint } from './fixtures';

/** Resolves with the first event of job `id` that satisfies `pred`; every event of that job is pushed to `seen`. */
export function waitForJobEvent(
  api: Pick<HeirloomApi, 'onJobProgress'>,
  id: number,
  pred: (j: JobInfo) => boolean,
  seen?: JobInfo[],
): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = api.onJobProgress((j) => {
      if (j.id !== id) return;
      seen?.push(j);
      if (pred(j)) {
        off();
        resolve(j);
      }
    });
  });
}

export const jobEnded = (j: JobInfo): boolean => j.finishedAt !== null;

/** A real library at `library` with the API over it, as the web bridge makes it (paths may be typed). */
export function openTestApi(library: string): { core: HeirloomCore; api: CoreApi; close(): Promise<void> } {
  const core = HeirloomCore.open({ library });
  const api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  return {
    core,
    api,
    close: async () => {
      await api.close();
      core.close();
    },
  };
}

export type ScratchedPrintLibrary = ReturnType<typeof openTestApi> & { file: string; mask: Uint8Array; photoId: number };

/**
 * A new library (in a temp folder) holding one scratched grey print (see writeScratchedPrint), with its
 * API: the restore tests' common start. `mask` marks the damaged pixels; `close` also removes the folder.
 */
export async function openScratchedPrintLibrary(
  width: number,
  height: number,
  seed: number,
  damage: { scratches: number; dust: number },
): Promise<ScratchedPrintLibrary> {
  const dir = makeTempDir();
  const file = path.join(dir, 'photos', 'scratched.png');
  const { mask } = await writeScratchedPrint(file, width, height, seed, damage);
  const lib = openTestApi(path.join(dir, 'lib'));
  const photoId = (await lib.api.importPaths([file])).imported[0]!.id;
  return {
    ...lib,
    file,
    mask,
    photoId,
    close: async () => {
      await lib.close();
      removeDir(dir);
    },
  };
}
