import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The layering: what each folder of src/ may import, exactly as its README (src/<folder>/README.md) states it.
 * `may`: modules it may import anything from; `types`: modules it may import types from and nothing else. An entry
 * is a folder (`scim`: every module in it) or one module (`jumpcloud/errors`); `config` is src/config.ts. Any other
 * import of a module of src/ is refused. Change a README and this table together.
 */
const FOLDER_RULES = {
  auth: { may: ['config', 'coordination/primitives', 'scim/errors'], types: ['tenancy/org-secrets'] },
  cli: { may: ['*'] },
  coordination: { may: ['config', 'observability'] },
  debug: { may: ['config', 'scim', 'mapping', 'observability', 'util'], types: ['jumpcloud/observed'] },
  doctor: { may: ['jumpcloud', 'mapping', 'resources', 'scim', 'util'] },
  emulator: { may: [] },
  http: {
    may: [
      'resources',
      'scim',
      'mapping',
      'jumpcloud',
      'auth',
      'coordination',
      'observability',
      'debug',
      'util',
      'config',
    ],
  },
  jumpcloud: { may: ['config', 'util', 'coordination/primitives'], types: ['observability'] },
  mapping: {
    may: ['scim', 'jumpcloud/types', 'jumpcloud/errors', 'jumpcloud/failure-kinds', 'util', 'config'],
    types: ['jumpcloud/observed', 'observability/exchange'],
  },
  observability: { may: ['config', 'util'], types: ['jumpcloud/observed'] },
  recording: { may: ['jumpcloud', 'http', 'observability', 'util'] },
  resources: {
    may: [
      'scim',
      'mapping',
      'jumpcloud',
      'coordination/primitives',
      'coordination/lock-keys',
      'observability',
      'util',
      'config',
    ],
  },
  scim: { may: ['util'] },
  tenancy: { may: ['jumpcloud'] },
  util: { may: [] },
};

/** Import specifiers (relative to a file one folder below src/) that reach `entry`. */
const specifiers = (entry) =>
  entry === 'config' ? ['../config.js'] : entry.includes('/') ? [`../${entry}.js`] : [`../${entry}/*`];

const layering = Object.entries(FOLDER_RULES).map(([folder, { may, types = [] }]) => {
  if (may.includes('*')) return { files: [`src/${folder}/**`] };
  const allowed = [...may, ...types].flatMap(specifiers).map((s) => `!${s}`);
  const said = `src/${folder}/README.md: ${folder}/ may import ${may.join(', ') || 'nothing else in src/'}${
    types.length ? `, and only types from ${types.join(', ')}` : ''
  }.`;
  const patterns = [{ group: ['../*.js', '../*/**', ...allowed], message: said }];
  if (types.length) patterns.push({ group: types.flatMap(specifiers), allowTypeImports: true, message: said });
  return {
    files: [`src/${folder}/**`],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
    },
  };
});

/**
 * The files at src/ itself: app.ts, bridge.ts and server.ts compose the process and may import any folder (they are
 * what wires the HTTP edge to the rest); config.ts and the sandbox entry are held to what they need.
 */
const ROOT_RULES = {
  'src/config.ts': {
    may: ['./tenancy/*', './config-table.js'],
    said: 'config.ts reads the environment (as config-table.ts declares it) and the org secrets file only.',
  },
  'src/sandbox.ts': { may: ['./config.js', './cli/*'], said: 'the sandbox entry only starts the CLI sandbox session.' },
};
for (const [file, { may, said }] of Object.entries(ROOT_RULES))
  layering.push({
    files: [file],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['./*.js', './*/**', ...may.map((m) => `!${m}`)], message: said }] },
      ],
    },
  });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scratch/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...layering,
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/cli/**', 'src/sandbox.ts', 'src/emulator/main.ts', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
