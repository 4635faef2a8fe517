// The layers of ARCHITECTURE.md, checked on every file (ESLint checks the .ts files the same way; this
// also reads the renderer's .svelte files, which ESLint here does not parse).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/fixtures';

function files(dir: string, exts: string[]): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p, exts);
    return exts.some((x) => e.name.endsWith(x)) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/\bimport\s[^;]*?from\s+['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
}

test('the renderer (TypeScript and Svelte) imports nothing of src-main but the API contract', () => {
  const bad: string[] = [];
  for (const f of files(path.join(REPO_ROOT, 'src-renderer'), ['.ts', '.svelte'])) {
    for (const spec of imports(f)) {
      if (/src-main\//.test(spec) && !/src-main\/(api\/(types|contract|client)|contract\/[\w-]+)$/.test(spec))
        bad.push(`${path.relative(REPO_ROOT, f)} → ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the core imports no face (api, electron, server, cli) and no renderer', () => {
  const bad: string[] = [];
  for (const f of files(path.join(REPO_ROOT, 'src-main', 'core'), ['.ts'])) {
    for (const spec of imports(f)) {
      if (spec === 'electron' || /(^|\/)(api|electron|server|cli)(\/|$)|src-renderer/.test(spec))
        bad.push(`${path.relative(REPO_ROOT, f)} → ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});
