/** Jest on Node 20 cannot load ESM, so swc compiles our TypeScript and the ESM-only packages to CommonJS. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const fs = require('node:fs');
const path = require('node:path');

/** Packages published as ES modules only; Jest must compile them too. Found by reading node_modules. */
function esmPackages() {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  for (const entry of fs.readdirSync(root)) {
    const dirs = entry.startsWith('@') ? fs.readdirSync(path.join(root, entry)).map((d) => `${entry}/${d}`) : [entry];
    for (const name of dirs) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
        if (pkg.type === 'module') names.push(name);
      } catch {
        /* not a package */
      }
    }
  }
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/workflows/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${['@nestjs/[^/]+', ...esmPackages()].join('|')})/)`],
  // web/i18n.js imports the server's /labels.js module; its unit test gives it one standing in a WITA city.
  // file-type's exports offer only `import` and `module-sync`, which a require() from Jest never matches.
  moduleNameMapper: { '^/labels\\.js$': '<rootDir>/test/support/web-labels-module.ts', '^(\\.{1,2}/.*)\\.js$': '$1', '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  globalSetup: '<rootDir>/test/global-setup.cjs',
  testTimeout: 30000,
  maxWorkers: 2,
};
