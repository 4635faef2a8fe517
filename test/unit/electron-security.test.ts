// Electron cannot run on this machine (no binary, no display), so the window's security settings
// are asserted here: the exact values main.ts uses, and what main.ts and preload.ts do with them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { APP_ENTRY, IPC_CALL, IPC_JOB, isAppUrl, parseMediaUrl, RENDERER_CSP, webPreferences } from '../../src-main/electron/security';

const SRC = path.join(__dirname, '..', '..', '..', 'src-main', 'electron');
const mainSrc = fs.readFileSync(path.join(SRC, 'main.ts'), 'utf8');
const preloadSrc = fs.readFileSync(path.join(SRC, 'preload.ts'), 'utf8');

test('webPreferences: isolated, sandboxed, no Node in the page, web security on', () => {
  const wp = webPreferences('/x/preload.js');
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.nodeIntegrationInWorker, false);
  assert.equal(wp.nodeIntegrationInSubFrames, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.preload, '/x/preload.js');
  assert.match(mainSrc, /webPreferences:\s*webPreferences\(PRELOAD\)/, 'main.ts uses these exact preferences');
  assert.doesNotMatch(mainSrc, /nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/);
});

test('CSP: nothing inline, nothing remote, no eval', () => {
  const d = Object.fromEntries(
    RENDERER_CSP.split(';')
      .map((s) => s.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  assert.deepEqual(d['default-src'], ["'none'"]);
  assert.deepEqual(d['script-src'], ["'self'"]);
  assert.deepEqual(d['style-src'], ["'self'"]);
  assert.deepEqual(d['connect-src'], ["'none'"]);
  assert.deepEqual(d['object-src'], ["'none'"]);
  assert.doesNotMatch(RENDERER_CSP, /unsafe-inline|unsafe-eval|https?:|\*/);
  assert.match(mainSrc, /Content-Security-Policy', RENDERER_CSP/);
});

test('navigation, new windows, webviews and permissions are denied; one instance only', () => {
  assert.match(mainSrc, /setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
  assert.match(mainSrc, /'will-navigate', \(ev, url\) => \{\s*if \(!isAppUrl\(url\)\) ev\.preventDefault\(\);/);
  assert.match(mainSrc, /'will-redirect'/);
  assert.match(mainSrc, /'will-attach-webview', \(ev\) => ev\.preventDefault\(\)/);
  assert.match(mainSrc, /setPermissionRequestHandler\(\(_wc, _perm, cb\) => cb\(false\)\)/);
  assert.match(mainSrc, /requestSingleInstanceLock\(\)/);
  assert.ok(isAppUrl(APP_ENTRY));
  for (const u of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'not a url']) {
    assert.equal(isAppUrl(u), false, u);
  }
});

test('IPC: one channel, sender checked, every argument parsed, free paths refused, heavy work in a utility process', () => {
  assert.match(mainSrc, new RegExp(`ipcMain\\.handle\\(IPC_CALL`));
  assert.match(mainSrc, /isAppUrl\(event\.senderFrame\.url\)/);
  assert.match(mainSrc, /const c = parseCall\(method, arg\)/);
  assert.match(mainSrc, /c\.method === 'importPaths' \|\| c\.method === 'locatePhoto'\)\s+throw/);
  // Errors come back as a CallReply with their problem (Electron would keep only a thrown error's message).
  assert.match(mainSrc, /return \{ ok: false, \.\.\.errorReply\(e\) \}/);
  assert.match(mainSrc, /utilityProcess\.fork\(HOST/);
  // The drop channel: same sender check, and its paths checked by checkDroppedPaths (test/unit/drop-paths.test.ts).
  assert.match(
    mainSrc,
    /ipcMain\.handle\(IPC_DROP, async \(event, paths: unknown\) => \{\n\s+if \(!event\.senderFrame \|\| !isAppUrl\(event\.senderFrame\.url\)\) throw/,
  );
  assert.match(mainSrc, /const checked = checkDroppedPaths\(paths\);/);
  assert.match(mainSrc, /host\.call\('importPaths', checked\.paths\)/);
  assert.doesNotMatch(mainSrc, /HeirloomCore|colorizeBatch|from '\.\.\/core\/service/, 'the core is not loaded in the main process');
  assert.equal(IPC_CALL, 'heirloom:call');
  assert.equal(IPC_JOB, 'heirloom:job');
});

test('preload: exposes only the minimal bridge, never ipcRenderer; requires nothing but electron', () => {
  assert.match(preloadSrc, /contextBridge\.exposeInMainWorld\('heirloomBridge', bridge\)/);
  assert.equal([...preloadSrc.matchAll(/exposeInMainWorld\(/g)].length, 1, 'one object only');
  // One call by method name, straight to IPC_CALL: main validates the method and its argument (parseCall).
  assert.match(preloadSrc, /call: \(method, arg\) => ipcRenderer\.invoke\(IPC_CALL, method, arg \?\? null\)/);
  assert.doesNotMatch(preloadSrc, /exposeInMainWorld\([^)]*ipcRenderer/);
  assert.match(preloadSrc, new RegExp(`const IPC_CALL = '${IPC_CALL}'`));
  assert.match(preloadSrc, new RegExp(`const IPC_JOB = '${IPC_JOB}'`));
  // Only paths of files from a trusted (real, not script-made) drop event are sent to main.
  assert.match(preloadSrc, /window\.addEventListener\(\s*'drop',\s*\(e\) => \{\s+if \(!e\.isTrusted/);
  assert.match(preloadSrc, /\.filter\(\(p\) => p !== '' && dropped\.has\(p\)\)/);
  const compiled = fs.readFileSync(path.join(__dirname, '..', '..', 'src-main', 'electron', 'preload.js'), 'utf8');
  const requires = [...compiled.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.deepEqual(requires, ['electron'], 'a sandboxed preload can only require electron');
});

test('media URLs carry a kind and a catalogue id, nothing else', () => {
  assert.deepEqual(parseMediaUrl('heirloom-media://media/thumb/12'), { kind: 'thumb', id: 12 });
  assert.deepEqual(parseMediaUrl('heirloom-media://media/output-thumb/3'), { kind: 'output-thumb', id: 3 });
  for (const u of [
    'heirloom-media://media/thumb/../../etc/passwd',
    'heirloom-media://media/file/1',
    'heirloom-media://media/thumb/1?x',
    'heirloom-media://other/thumb/1',
  ]) {
    assert.equal(parseMediaUrl(u), undefined, u);
  }
});
