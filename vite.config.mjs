// Builds the Svelte window (src-renderer) into dist-renderer/, loaded by Electron and by `heirloom serve`.
import { defineConfig } from 'vite';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [svelte({ preprocess: vitePreprocess() })],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    // No inline assets: everything loads from 'self' under the strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'chrome120',
  },
});
