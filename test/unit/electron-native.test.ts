// The desktop app opens the catalogue with a better-sqlite3 built for Electron's ABI, named by
// HEIRLOOM_SQLITE_BINDING (node_modules stay on Node's ABI for the tests). Checked here with a copy of
// Node's own binding: the variable is honoured, and a wrong one fails loudly instead of silently.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const catalogueJs = path.join(__dirname, '..', '..', 'src-main', 'core', 'catalogue', 'catalogue.js');
const coreJs = path.join(__dirname, '..', '..', 'src-main', 'core', 'service', 'heirloom-core.js');
const nodeBinding = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

function openWith(binding: string, dir: string): { status: number | null; stderr: string } {
  const code = `const { Catalogue } = require(${JSON.stringify(catalogueJs)}); Catalogue.open(${JSON.stringify(path.join(dir, 'c.sqlite'))}).close(); console.log('ok');`;
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, HEIRLOOM_SQLITE_BINDING: binding }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('HEIRLOOM_SQLITE_BINDING chooses the SQLite binding; a missing one is an error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-native-'));
  try {
    const copy = path.join(dir, 'electron-abi', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(nodeBinding, copy);
    assert.equal(openWith(copy, dir).status, 0);
    const bad = openWith(path.join(dir, 'nope', 'better_sqlite3.node'), dir);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Cannot find module|nope/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the desktop app passes the binding to HeirloomCore.open; HEIRLOOM_SQLITE_BINDING still overrides it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-native-'));
  try {
    const copy = path.join(dir, 'electron-abi', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(nodeBinding, copy);
    const open = (binding: string, env: NodeJS.ProcessEnv): { status: number | null; stderr: string } => {
      const o = { library: path.join(dir, 'lib'), install: { sqliteBinding: binding } };
      const code = `const { HeirloomCore } = require(${JSON.stringify(coreJs)}); HeirloomCore.open(${JSON.stringify(o)}).close(); console.log('ok');`;
      const r = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    };
    const { HEIRLOOM_SQLITE_BINDING: _unset, ...env } = process.env;
    assert.equal(open(copy, env).status, 0);
    const missing = path.join(dir, 'nope', 'better_sqlite3.node');
    const bad = open(missing, env);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Cannot find module|nope/);
    assert.equal(open(missing, { ...env, HEIRLOOM_SQLITE_BINDING: copy }).status, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
