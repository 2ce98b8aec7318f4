// Lint for the engine, the shell, the UI, scripts, bench and tests.
// The type-aware promise rules are the point: the engine starts a lot of work
// without awaiting it, and a promise nobody handles is a crash or a silent loss.
// `recommended` (syntax-only) rides along for cheap bug catchers; its stylistic
// noise (explicit any in tests, unused args kept for signatures) is tuned below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'renderer/dist/**', 'bench/results/**', 'app/biot/generated/**', 'spec/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      // bin/ holds a plain .js launcher that tsconfig (no allowJs) leaves out.
      parserOptions: { projectService: { allowDefaultProject: ['bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // TypeScript already reports undefined names, with types and globals known.
      'no-undef': 'off',
    },
  },
  {
    // Tests read the sandbox's JSON answers loosely on purpose: the assertions are the type check.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
