// Lint for the TypeScript sources, with the layer boundaries of ARCHITECTURE.md as rules:
// the core never imports a face (api, electron, server, cli) or the renderer; the contract imports
// nothing of the app; the renderer's TypeScript imports only the contract: src-main/contract, and of
// src-main/api the types, the method contract and the client built from it (its .svelte files are
// checked by test/unit/layer-boundaries.test.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const faces = ['**/api/*', '**/api', '**/electron/*', '**/server/*', '**/cli/*', '**/cli', 'electron', '**/src-renderer/**'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-renderer/**',
      'node_modules/**',
      'runs/**',
      'release/**',
      'build/**',
      'scratch/**',
      'test-artifacts/**',
      'samples-colorized/**',
      '**/*.svelte',
      'bin/**',
      'scripts/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `catch {}` with a comment saying why is how this code base ignores an expected failure.
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Matching control characters is the point of the file-name and one-line checks.
      'no-control-regex': 'off',
      // CommonJS interop with sharp (`import sharp = require('sharp')`) is deliberate.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: faces, message: 'The core is plain Node: it never imports a face (api, electron, server, cli) or the renderer.' }] },
      ],
    },
  },
  {
    files: ['src-main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '**/src-main/**'], message: 'The contract is the bottom layer: it imports nothing of the app.' }] },
      ],
    },
  },
  {
    // The API modules the renderer imports: they must not pull the core, Node or Electron into the window.
    files: ['src-main/api/types.ts', 'src-main/api/contract.ts', 'src-main/api/client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./(types|contract)$|\\.\\./contract/)',
              message: 'A module the renderer imports may import only zod, src-main/api/types and contract, and src-main/contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'src-main/(?!api/(types|contract|client)$|contract/)',
              message: 'The renderer talks to the core only through the API contract (src-main/api/types, contract, client; src-main/contract).',
            },
          ],
        },
      ],
    },
  },
);
