// ESLint flat config (ESM: package.json has "type": "module").
// Lints workflows/, src/ and test/ with typescript-eslint's recommended rules, keeps
// workflows/ (the procedure definitions) pure: no framework, database, queue or Node I/O imports,
// and keeps controllers off the database.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const PURITY_MESSAGE =
  'workflows/ holds the procedure definition, which must stay pure: no NestJS, database, queue or Node built-in ' +
  'imports. Put I/O in src/ and pass data in.';

/** Bare Node built-ins (fs, path, crypto, ...); subpaths such as fs/promises and `node:*` are caught by patterns. */
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_') && !name.includes('/'));

/** Packages forbidden in workflows/, each also with any subpath (e.g. `typeorm/browser`, `pg/lib/...`). */
const infraPackages = ['typeorm', 'bullmq', 'ioredis', 'pg', 'better-sqlite3'];

/** Options for no-restricted-imports in workflows/; `allowGraph` lets spec files use xstate/graph. */
function workflowImportRestrictions({ allowGraph }) {
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
    files: ['workflows/**/*.ts', 'src/**/*.ts', 'test/**/*.ts'],
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
    // Tests read JSON response bodies loosely; product code stays strict.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.controller.ts'],
    rules: { 'no-restricted-imports': ['error', controllerImportRestrictions] },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', workflowImportRestrictions({ allowGraph: false })],
      'no-restricted-syntax': ['error', dynamicImportRestriction],
    },
  },
  {
    // Flat config replaces rule options wholesale, so the spec override restates the list minus xstate/graph.
    files: ['workflows/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', workflowImportRestrictions({ allowGraph: true })],
    },
  },
);
