#!/usr/bin/env node
// `npm start` / packaging: builds better-sqlite3 for Electron's ABI into build/electron-native/, and
// leaves node_modules on Node's ABI so `npm test` keeps working. The app then loads this copy through
// better-sqlite3's `nativeBinding` option (electron/main.ts passes it to the core as `install.sqliteBinding`).
// Rebuilding node_modules in place (electron-builder install-app-deps) would break every Node test
// until the next `npm rebuild`. sharp and tfjs-node use N-API, which Electron loads as they are.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'electron-native');
const TARGET = path.join(OUT, 'better_sqlite3.node');
const STAMP = path.join(OUT, 'stamp.json');

const electron = require('electron/package.json').version;
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqlite = require('better-sqlite3/package.json').version;
const want = { electron, betterSqlite3: sqlite, platform: process.platform, arch: process.arch };

function upToDate() {
  try {
    return fs.existsSync(TARGET) && JSON.stringify(JSON.parse(fs.readFileSync(STAMP, 'utf8'))) === JSON.stringify(want);
  } catch {
    return false;
  }
}

function run(cmd, args, cwd) {
  console.log(`heirloom: ${path.basename(cmd)} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

if (upToDate()) process.exit(0);
const work = path.join(OUT, 'better-sqlite3');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
fs.cpSync(sqliteDir, work, { recursive: true, filter: (src) => path.basename(src) !== 'build' || path.dirname(src) !== sqliteDir });

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
// 1. A prebuilt binary for this Electron (downloads from GitHub); 2. compile against Electron's headers.
const ok =
  run(bin('prebuild-install'), ['--runtime=electron', `--target=${electron}`, `--arch=${process.arch}`, `--platform=${process.platform}`], work) ||
  run(
    bin('node-gyp'),
    ['rebuild', '--release', `--target=${electron}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
    work,
  );
const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
if (!ok || !fs.existsSync(built)) {
  console.error(
    `heirloom: could not build better-sqlite3 ${sqlite} for Electron ${electron} (needs internet, or a C++ toolchain and Electron's headers).`,
  );
  process.exit(1);
}
fs.copyFileSync(built, TARGET);
fs.writeFileSync(STAMP, JSON.stringify(want));
fs.rmSync(work, { recursive: true, force: true });
console.log(`heirloom: better-sqlite3 for Electron ${electron} → ${path.relative(ROOT, TARGET)}`);
