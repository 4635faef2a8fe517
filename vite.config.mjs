// Builds the Svelte window (src-renderer) into dist-renderer/, loaded by Electron and by `heirloom serve`.
import { fileURLToPath, URL } from 'node:url';
import { defineConfig, normalizePath } from 'vite';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { API_METHODS } from './src-main/api/contract.ts';

// package.json runs vite with `--configLoader runner`, which loads this TypeScript import as ESM.
const CONTRACT = normalizePath(fileURLToPath(new URL('./src-main/api/contract.ts', import.meta.url)));

/**
 * At run time the window needs only the contract's method names (src-main/api/client.ts builds its
 * HeirloomApi from them); the argument schemas are checked on the other side. So the window gets the
 * names alone: no zod in its bundle (~90 kB) and no zod probing `new Function`, which the strict CSP
 * reports as an eval violation. Any other runtime import of the contract fails the build, on purpose.
 */
const contractNamesOnly = {
  name: 'heirloom-contract-names-only',
  enforce: 'pre',
  load(id) {
    if (normalizePath(id.split('?')[0]) === CONTRACT) return `export const API_METHODS = ${JSON.stringify(API_METHODS)};\n`;
    return null;
  },
};

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [contractNamesOnly, svelte({ preprocess: vitePreprocess() })],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    // No inline assets: everything loads from 'self' under the strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'chrome120',
  },
});
