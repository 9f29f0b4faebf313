import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

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
  // The layering (docs/architecture.md): SCIM and JumpCloud code never meet outside mapping/ and resources/.
  {
    files: ['src/scim/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/jumpcloud/**', '**/mapping/**', '**/resources/**', '**/http/**'],
              message: 'scim/ knows nothing of JumpCloud, mapping, resources or HTTP wiring.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/jumpcloud/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/scim/**', '**/mapping/**', '**/resources/**', '**/http/**'],
              message: 'jumpcloud/ knows nothing of SCIM, mapping, resources or HTTP wiring.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/mapping/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/resources/**',
                '**/http/**',
                '**/jumpcloud/client.js',
                '**/jumpcloud/transport.js',
                '**/jumpcloud/endpoints.js',
              ],
              message: 'mapping/ is pure: it may use JumpCloud types and errors, never the client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/util/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '!./*'], message: 'util/ depends on nothing else in src/.' }] },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/cli/**', 'src/sandbox.ts', 'src/emulator/main.ts', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
