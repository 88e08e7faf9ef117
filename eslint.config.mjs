// ESLint flat config, run by `npm run lint` and `make test`.
// typescript-eslint's recommended rules on every TypeScript file, syntax-only: no type information,
// so linting the whole tree stays a few seconds on a small machine (tsc type-checks separately).
// Plain JS files (jest config, the test reporter, .mjs fixtures) get ESLint's recommended rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.run/', 'coverage/'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // A leading underscore marks a parameter or binding kept for its position or shape.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Forward references (`let x: T;` read in a closure built before x is assigned) stay `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `cond && f()` in tight benchmark loops.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Off: it flags fail-closed defaults (`let flat = false` before the branch that proves it),
      // which the stop code writes on purpose.
      'no-useless-assignment': 'off',
    },
  },
  {
    // Tests feed hand-made frames and poke at internals; `any` there is the point, not a leak.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
