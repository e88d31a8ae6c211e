// ESLint flat config (ESM: package.json has "type": "module").
// Lints workflows/, src/, test/, bench/ and web/ with typescript-eslint's recommended rules, keeps
// workflows/ (the procedure definitions) pure: no framework, database, queue or Node I/O imports,
// fences its sealed versions behind the registry, and keeps controllers off the database.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const PURITY_MESSAGE =
  'workflows/ holds the procedure definition, which must stay pure: no NestJS, database, queue or Node built-in ' +
  'imports. Put I/O in src/ and pass data in.';

/** Bare Node built-ins (fs, path, crypto, ...); subpaths such as fs/promises and `node:*` are caught by patterns. */
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_') && !name.includes('/'));

/** Packages forbidden in workflows/, each also with any subpath (e.g. `typeorm/browser`, `pg/lib/...`). */
const infraPackages = ['typeorm', 'bullmq', 'ioredis', 'pg', 'better-sqlite3'];

const REGISTRY_MESSAGE =
  'A sealed workflow version is reached only through workflows/registry.ts (contract §13): ask it for the ' +
  "case's version (findWorkflow, workflowOf, newestWorkflow), and take the domain's words from workflows/domain.ts.";

const SEALED_MESSAGE =
  'A sealed workflow version is self-contained (contract §13): it imports only its own folder, ' +
  "workflows/domain.ts (the domain's words) and workflows/definition.ts (the shape the registry reads); never another version.";

/** A version's folder, seen from outside workflows/ (`../../workflows/cooperation/v1/rules.js`). */
const versionFolder = { regex: '(^|/)workflows/[^/]+/v\\d+(/|$)', message: REGISTRY_MESSAGE };
/** A version's folder, seen from elsewhere inside workflows/ (`./cooperation/v2/index.js`, `./v1/machine.js`). */
const versionFolderWithin = { regex: '(^|/)v\\d+(/|$)', message: REGISTRY_MESSAGE };
/** Out of a version's own folder, except to the two shared files. */
const leavingTheVersion = { regex: '^\\.\\./(?!\\.\\./(domain|definition)\\.js$)', message: SEALED_MESSAGE };

/**
 * Options for no-restricted-imports in workflows/; `allowGraph` lets spec files use xstate/graph, and
 * `fence` is the version rule for the file's place (see the config below).
 */
function workflowImportRestrictions({ allowGraph, fence }) {
  return {
    paths: [
      ...[...infraPackages, ...nodeBuiltins].map((name) => ({ name, message: PURITY_MESSAGE })),
      ...(allowGraph
        ? []
        : [{ name: 'xstate/graph', message: 'xstate/graph is test tooling: import it only from *.spec.ts files.' }]),
    ],
    patterns: [
      { group: ['@nestjs/*'], message: PURITY_MESSAGE },
      { group: ['node:*'], message: PURITY_MESSAGE },
      { group: infraPackages.map((name) => `${name}/*`), message: PURITY_MESSAGE },
      { group: nodeBuiltins.map((name) => `${name}/*`), message: PURITY_MESSAGE },
      ...(fence ? [fence] : []),
    ],
  };
}

/** Dynamic `import('node:fs')` etc. slip past no-restricted-imports; catch the literal forms too. */
// esquery's regex literals cannot contain '/', so slashes are written as \x2F.
const forbiddenDynamicImport = `^(node:|@nestjs/|(${[...infraPackages, ...nodeBuiltins].join('|')})(/|$))`
  .replace(/\./g, '\\.')
  .replace(/\//g, '\\x2F');

const dynamicImportRestriction = {
  selector: `ImportExpression[source.value=/${forbiddenDynamicImport}/]`,
  message: PURITY_MESSAGE,
};

const CONTROLLER_MESSAGE =
  'A controller never touches the database: it calls its feature\'s service, which reads through Database or ' +
  'the engine (issue 16 §2, conventions.md "Features own their data").';

/** What a `*.controller.ts` may not import: the database layer, the ORM or a driver. */
const controllerImportRestrictions = {
  paths: ['typeorm', 'pg', 'better-sqlite3'].map((name) => ({ name, message: CONTROLLER_MESSAGE })),
  patterns: [
    { group: ['typeorm/*', 'pg/*', 'better-sqlite3/*'], message: CONTROLLER_MESSAGE },
    { group: ['**/database/*', '**/database/**', 'src/database', 'src/database/**'], message: CONTROLLER_MESSAGE },
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**'],
  },
  {
    files: ['workflows/**/*.ts', 'src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // The web app: plain ES modules for the browser, no build step. Its undefined names (browser globals
    // or typos) are caught by `npm run typecheck:web` (tsc --checkJs with the DOM library), not by no-undef.
    files: ['web/**/*.js'],
    extends: [tseslint.configs.recommended],
    languageOptions: { sourceType: 'module', ecmaVersion: 2022 },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON response bodies loosely; product code stays strict.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Outside workflows/, no file names a version's folder: the registry is the only way in.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [versionFolder] }] },
  },
  {
    // Controllers call services; they never reach the database (and, like all of src/, no version's files).
    files: ['src/**/*.controller.ts'],
    rules: { 'no-restricted-imports': ['error', { ...controllerImportRestrictions, patterns: [...controllerImportRestrictions.patterns, versionFolder] }] },
  },
  // Flat config replaces rule options wholesale, so each place below restates the purity list with its own fence.
  ...[false, true].flatMap((spec) => {
    const ts = spec ? '*.spec.ts' : '*.ts';
    const rule = (fence) => ['error', workflowImportRestrictions({ allowGraph: spec, fence })];
    return [
      // Inside workflows/ but outside a version (the registry is the one exception).
      { files: [`workflows/**/${ts}`], rules: { 'no-restricted-imports': rule(versionFolderWithin), ...(spec ? {} : { 'no-restricted-syntax': ['error', dynamicImportRestriction] }) } },
      ...(spec ? [] : [{ files: ['workflows/registry.ts'], rules: { 'no-restricted-imports': rule(null) } }]),
      // Inside a sealed version: its own folder and the two shared files only.
      { files: [`workflows/*/v*/**/${ts}`], rules: { 'no-restricted-imports': rule(leavingTheVersion) } },
    ];
  }),
);
