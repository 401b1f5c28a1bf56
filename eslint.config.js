// Lint rules: the type-aware checks that catch real server bugs (floating promises,
// promises passed where a callback is expected) on top of the recommended sets,
// and the layering of the tree (DESIGN.md, Layout): no import cycles, and which
// folder may import which.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const NOT_OUTSIDE = (folder, ...allowed) => ({
  target: `./${folder}`,
  from: '.',
  except: [`./${folder}`, './node_modules', ...allowed],
  message: `${folder}/ imports only ${['itself', ...allowed.map((a) => a.slice(2))].join(', ')} from this repository`,
});

const ONLY_BIN_IMPORTS_BIN = {
  target: ['./protocol', './scanner-drivers', './server-client', './server', './main', './renderer', './testing', './bench', './build', './*.ts'],
  from: './bin',
  message: 'only bin/ (and the station app’s command entry, main/electron/cli.ts) imports bin/',
};

/** Which folder may import which: true of every file, tests included. */
const LAYERS = [
  NOT_OUTSIDE('protocol'),
  NOT_OUTSIDE('scanner-drivers', './protocol'),
  NOT_OUTSIDE('server-client', './protocol'),
  // The station's screen: its bridge's contract and the drivers that run in a browser.
  NOT_OUTSIDE('renderer', './protocol', './main/bridge/contract.ts', './scanner-drivers/browser.ts', './scanner-drivers/camera', './scanner-drivers/wedge', './scanner-drivers/types.ts'),
  {
    target: './server',
    from: ['./main', './renderer', './scanner-drivers', './bin'],
    message: 'the servers never import the station (main/, renderer/, scanner-drivers/) nor bin/',
  },
  { target: './main/core', from: './main/electron', message: 'the station core does not import the Electron shell' },
  ONLY_BIN_IMPORTS_BIN,
];

/** What only tests, test support and benchmarks may import. */
const TEST_SUPPORT = [
  {
    target: '.',
    from: './**/testing/**',
    message: 'test support (testing/) is for tests and benchmarks only',
  },
  // A server test may drive a real station client end to end; the servers themselves never import it.
  { target: './server', from: './server-client', message: 'the servers never import the station client (server-client/)' },
];
const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', 'bench/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '**/dist/**', 'artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      // How import-x reads the files it follows (no-cycle parses every module on a path) and resolves `./x.js` to x.ts.
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: TESTS,
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...LAYERS, ...TEST_SUPPORT] }] },
  },
  {
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'the station core does not import electron: main/electron/ wires it in' }], patterns: ['electron/*'] }],
    },
  },
  {
    // The packaged station app is the gate PC's `gatepost` command too: this entry
    // point runs bin/'s station-side commands, as bin/gatepost.js does.
    files: ['main/electron/cli.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...LAYERS, ...TEST_SUPPORT].filter((z) => z !== ONLY_BIN_IMPORTS_BIN) }] },
  },
);
