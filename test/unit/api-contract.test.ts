// The API's methods are written once (src-main/api/contract.ts) and that one list is what every face
// uses: validation (parseCall), the implementation (CoreApi), the window's client (makeApiClient, for
// both the desktop preload's bridge and the web bridge) and the built renderer.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { makeApiClient } from '../../src-main/api/client';
import { CodedError } from '../../src-main/contract/problems';
import { API_CONTRACT, API_METHODS } from '../../src-main/api/contract';
import { CoreApi } from '../../src-main/api/core-api';
import { ApiArgumentError, desktopExportRequest, desktopFinetuneRequest, parseCall } from '../../src-main/api/schemas';
import type { HeirloomApi, HeirloomBridge, ImportResult, JobInfo } from '../../src-main/api/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const source = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** Compile-time only (never called): the derived HeirloomApi takes what each schema says. */
function _types(api: HeirloomApi): void {
  void api.getStatus();
  void api.listPhotos(); // a defaulted argument may be left out
  void api.listPhotoIds({ filter: 'colorized' });
  void api.exportAlbum({ albumId: 1 }); // the desktop window leaves the folder to the main process
  // @ts-expect-error getPhoto needs an id
  void api.getPhoto();
  // @ts-expect-error an argument of the wrong shape
  void api.colorize({ photoIds: 'some' });
  // @ts-expect-error not in the contract (a CoreApi method for the faces only)
  void api.mediaPath('thumb', 1);
}

/** A bridge that records what the client sends through it. */
function recordingBridge(): { bridge: HeirloomBridge; sent: unknown[][] } {
  const sent: unknown[][] = [];
  const bridge: HeirloomBridge = {
    call: async (method, arg) => {
      sent.push(['call', method, arg]);
      if (method === 'deleteAlbum' && (arg as { refuse?: boolean } | undefined)?.refuse)
        return { ok: false, message: 'album 3 does not exist', problem: { code: 'album.notFound', params: { id: 3 } } };
      return { ok: true, value: `result of ${method}` };
    },
    onJobProgress: (cb) => {
      sent.push(['onJobProgress', cb]);
      return () => sent.push(['unsubscribe']);
    },
    importFiles: async (files) => {
      sent.push(['importFiles', files]);
      return { imported: [], alreadyInLibrary: 0, errors: [] } satisfies ImportResult;
    },
  };
  return { bridge, sent };
}

describe('one contract', () => {
  test("API_METHODS is the contract's keys, each with an argument schema", () => {
    assert.deepEqual(API_METHODS, Object.keys(API_CONTRACT));
    assert.equal(new Set(API_METHODS).size, API_METHODS.length);
    assert.ok(API_METHODS.length >= 25);
    for (const m of API_METHODS) assert.equal(typeof API_CONTRACT[m].arg.safeParse, 'function', m);
  });

  test('CoreApi implements every method', () => {
    for (const m of API_METHODS) assert.equal(typeof CoreApi.prototype[m], 'function', m);
  });

  test('parseCall knows exactly these methods', () => {
    for (const m of ['fooBar', 'importFiles', 'onJobProgress', 'call', 'mediaPath', 'close', 'constructor', 'toString', '__proto__', 42, null]) {
      assert.throws(
        () => parseCall(m, null),
        (e: Error) => e instanceof ApiArgumentError && /unknown method/.test(e.message),
        String(m),
      );
    }
    // Every contract method is known: a wrong argument is refused as such, never as an unknown method.
    for (const m of API_METHODS) {
      try {
        parseCall(m, null);
      } catch (e) {
        assert.ok(e instanceof ApiArgumentError && /invalid argument/.test(e.message), `${m}: ${(e as Error).message}`);
      }
    }
  });

  test("makeApiClient exposes exactly the contract's methods, plus events and dropped files", () => {
    const api = makeApiClient(recordingBridge().bridge);
    assert.deepEqual(Object.keys(api).sort(), [...API_METHODS, 'onJobProgress', 'importFiles'].sort());
    for (const k of Object.keys(api)) assert.equal(typeof (api as unknown as Record<string, unknown>)[k], 'function', k);
  });

  test('each method sends (method, arg) through the bridge and resolves with its answer', async () => {
    const { bridge, sent } = recordingBridge();
    const api = makeApiClient(bridge);
    assert.equal(await api.getPhoto(7), 'result of getPhoto');
    assert.equal(await api.getStatus(), 'result of getStatus');
    await api.colorize({ photoIds: [1, 2], saturation: 1.5 });
    for (const m of API_METHODS) await (api[m] as (a: unknown) => Promise<unknown>)({ probe: m });
    assert.deepEqual(sent.slice(0, 3), [
      ['call', 'getPhoto', 7],
      ['call', 'getStatus', undefined],
      ['call', 'colorize', { photoIds: [1, 2], saturation: 1.5 }],
    ]);
    assert.deepEqual(
      sent.slice(3),
      API_METHODS.map((m) => ['call', m, { probe: m }]),
    );
  });

  test('a refusal comes back as a CodedError: the English message and the problem the window words', async () => {
    const api = makeApiClient(recordingBridge().bridge);
    await assert.rejects(
      (api.deleteAlbum as (a: unknown) => Promise<unknown>)({ refuse: true }),
      (e: unknown) =>
        e instanceof CodedError && e.message === 'album 3 does not exist' && e.problem.code === 'album.notFound' && e.problem.params.id === 3,
    );
  });

  test("job events and dropped files go to the bridge's own members", async () => {
    const { bridge, sent } = recordingBridge();
    const api = makeApiClient(bridge);
    const cb = (_j: JobInfo): void => undefined;
    const off = api.onJobProgress(cb);
    off();
    await api.importFiles([]);
    assert.deepEqual(sent, [['onJobProgress', cb], ['unsubscribe'], ['importFiles', []]]);
  });

  test("no face lists the methods again: the preload and the window's api.ts name none", () => {
    for (const file of ['src-main/electron/preload.ts', 'src-renderer/lib/api.ts']) {
      const text = source(file);
      const named = API_METHODS.filter((m) => new RegExp(`\\b${m}\\b`).test(text));
      assert.deepEqual(named, [], file);
    }
  });

  test('the built window carries the method names, not zod (see vite.config.mjs)', () => {
    const assets = path.join(ROOT, 'dist-renderer', 'assets');
    assert.ok(fs.existsSync(assets), 'build the window first: npm run build');
    const js = fs
      .readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.readFileSync(path.join(assets, f), 'utf8'))
      .join('\n');
    for (const m of API_METHODS) assert.ok(js.includes(m), m);
    assert.doesNotMatch(js, /ZodError|\$ZodType|jitless/, 'zod is not in the window');
  });
});

test('the desktop window sends fine-tune and export requests without a folder, and may not name one', () => {
  // What FinetunePanel and ExportDialog send on the desktop: the main process adds the folder from its dialog.
  assert.ok(desktopFinetuneRequest.safeParse({ name: 'family', minutes: 5 }).success);
  assert.equal(desktopFinetuneRequest.safeParse({ name: 'family', minutes: 5, folder: '/etc' }).success, false);
  assert.ok(desktopExportRequest.safeParse({ albumId: 1 }).success);
  assert.equal(desktopExportRequest.safeParse({ albumId: 1, parentDir: '/' }).success, false);
  // The core itself still needs the folder.
  assert.throws(() => parseCall('startFinetune', { name: 'family', minutes: 5 }), ApiArgumentError);
});
