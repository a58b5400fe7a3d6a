// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ (docs/architecture.md): what each may not import. A file is held to its own
 * layer's list and to every enclosing layer's (flat config keeps only the last options of a rule,
 * so each entry carries the lists of the layers around it).
 */
const layers = [
  { files: 'src/**', forbidden: ['**/tests/**', '**/bench/**'] },
  { files: 'src/core/**', forbidden: ['**/bot/**', '**/cli/**', '**/config/**', '**/startup/**', '**/store/**'] },
  // The first two stages of the pipeline know nothing of the stages after them.
  {
    files: 'src/core/corpus/**',
    forbidden: ['**/embedding/**', '**/index/**', '**/search/**', ...coreTop([])],
  },
  {
    files: 'src/core/embedding/**',
    forbidden: ['**/corpus/**', '**/index/**', '**/search/**', ...coreTop(['durable-files'])],
  },
  { files: 'src/store/**', forbidden: ['**/bot/**', '**/cli/**', '**/core/**', '**/startup/**', '**/charts/**'] },
  {
    files: 'src/charts/**',
    forbidden: ['**/bot/**', '**/cli/**', '**/config/**', '**/core/**', '**/startup/**', '**/store/**'],
  },
  { files: 'src/bot/**', forbidden: ['**/cli/**'] },
  { files: 'src/cli/**', forbidden: ['**/bot/**'] },
];

/**
 * The files at the top of src/core/ (what ties the stages together), but those in `allowed`.
 * @param {string[]} allowed
 */
function coreTop(allowed) {
  const top = [
    'answer',
    'compose-answer',
    'corpus-editor',
    'corpus-follower',
    'corpus-source',
    'directory-corpus',
    'durable-files',
    'index-loading',
    'knowledge-base',
    'rebuild-queue',
    'shared-corpus',
    'suggestions',
    'evaluation/',
  ];
  return top.filter((name) => !allowed.includes(name)).map((name) => `../${name}${name.endsWith('/') ? '**' : '*'}`);
}

/** @type {(outer: string, inner: string) => boolean} */
const enclosing = (outer, inner) => inner.startsWith(outer.replace(/\*\*$/, ''));
const layerRules = layers.map(({ files }) => ({
  files: [files],
  forbidden: layers.filter((layer) => enclosing(layer.files, files)).flatMap((layer) => layer.forbidden),
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.cache/', 'embeddings/', 'data/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            'src/core/embedding/*.mjs',
            'src/core/search/meaning/*.mjs',
            'scripts/*.mjs',
            'bench/*.mjs',
          ],
          // The plain-JavaScript processes and scripts, and the modules the model process imports: each small.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits or catches is how a bot dies quietly; these keep every one handled.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `const { omitted: _omitted, ...kept } = object` is how a copy without some keys is made.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'always'],
      // An async function that does not await is how an interface promising a promise is often met.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript (the model process) and tests of JSON payloads: `any` is what they handle.
    files: ['**/*.mjs', 'tests/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Payloads are plain JSON: their numeric fields are compared with discord-api-types' enums.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Event listeners in tests may be async: vitest reports what they throw.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }] },
  },
  ...layerRules.map(({ files, forbidden }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: forbidden, message: 'This import crosses the layers of docs/architecture.md.' }] },
      ],
    },
  })),
  prettier,
);
