// Typed ESLint over the whole workspace: the rules that catch real defects in async Node code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.data/**',
      'coverage/**',
      'packages/db/migrations/**',
      '**/drizzle.config.ts',
      'services/web/dist/**',
      'services/web/app/api/schema.gen.ts',
      'services/web/app/route-tree.gen.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // One TypeScript program for the whole workspace (the root tsconfig includes every package):
      // the project service would build one program per package tsconfig and run out of heap.
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      // Fastify handlers and hooks are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an as-const object and a union (erasable TypeScript only).',
        },
        {
          selector: 'TSModuleDeclaration[kind="namespace"]',
          message: 'No namespaces (erasable TypeScript only).',
        },
      ],
    },
  },
  {
    // Only the config package reads the environment.
    files: ['**/*.ts'],
    ignores: ['packages/config/**', 'scripts/**', 'vitest.config.ts', 'packages/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through @permed/config.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The browser app is its own TypeScript program (DOM, JSX, bundler resolution).
    files: ['services/web/app/**/*.{ts,tsx}', 'services/web/vite.config.ts'],
    languageOptions: {
      parserOptions: { project: './services/web/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
