// `npm run build`: compiles src/ to dist/ (tsconfig.build.json) and copies
// every file of src/ that is not TypeScript beside its compiled neighbours:
// the model and download processes (.mjs) and the data files the code reads
// at run time (probes.json, questions.json). `npm install` runs it (prepare).
//
// `--if-stale` (what `npm start` runs first, as prestart) builds only when
// something the build reads is newer than the last build, so a `git pull`
// never leaves `npm start` running old code, and an unchanged tree starts at once.
// `--out-dir DIR` builds into DIR instead of dist/ (the tests do; DIR must be
// inside the project, where node_modules/ resolves).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(ROOT, 'src');
const outDirFlag = process.argv.indexOf('--out-dir');
const OUTPUT = outDirFlag === -1 ? path.join(ROOT, 'dist') : path.resolve(process.argv[outDirFlag + 1] ?? 'dist');
const STAMP = path.join(OUTPUT, '.built');
const INPUTS = [SOURCE, 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((input) =>
  path.resolve(ROOT, input),
);

function* filesUnder(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else yield full;
  }
}

function newestInput() {
  let newest = 0;
  for (const input of INPUTS) {
    const files = statSync(input).isDirectory() ? filesUnder(input) : [input];
    for (const file of files) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

function isStale() {
  return !existsSync(STAMP) || statSync(STAMP).mtimeMs < newestInput();
}

/**
 * The dictionary the relevance decision looks meanings up in (CC-CEDICT as an SQLite file) is made
 * here, once, beside its module in src/, so that the copy below carries it into the build too.
 */
async function ensureDictionary() {
  const { DICTIONARY_FILE_NAME, buildDictionary, isDictionaryCurrent } =
    await import('../src/core/search/meaning/build-dictionary.mjs');
  const file = path.join(SOURCE, 'core', 'search', 'meaning', DICTIONARY_FILE_NAME);
  if (isDictionaryCurrent(file)) return;
  const started = Date.now();
  await buildDictionary(file);
  console.error(`Built the dictionary from CC-CEDICT in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

async function build() {
  await ensureDictionary();
  rmSync(OUTPUT, { recursive: true, force: true });
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    console.error('Cannot build: TypeScript is not installed. Run `npm install` (with dev dependencies) first.');
    process.exit(1);
  }
  const compiled = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', OUTPUT],
    {
      stdio: 'inherit',
    },
  );
  if (compiled.status !== 0) {
    console.error('The build failed (see the TypeScript errors above).');
    process.exit(compiled.status ?? 1);
  }
  let assets = 0;
  for (const file of filesUnder(SOURCE)) {
    if (file.endsWith('.ts')) continue;
    const target = path.join(OUTPUT, path.relative(SOURCE, file));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(file, target);
    assets++;
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  console.error(`Built ${path.relative(ROOT, OUTPUT)}/ (and copied ${assets} files that are not TypeScript).`);
}

if (!process.argv.includes('--if-stale') || isStale()) await build();
