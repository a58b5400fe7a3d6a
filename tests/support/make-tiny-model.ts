/**
 * Writes the tiny offline test model into a directory, so the CLIs (and
 * `npm run eval`) can run without downloading a model:
 *
 *   npx tsx tests/support/make-tiny-model.ts /tmp/tiny-model
 *   EMBEDDING_MODEL=/tmp/tiny-model INDEX_DIR=/tmp/tiny-index npm run eval
 *
 * Its vocabulary covers the CJK block and ASCII plus every character and
 * word of the corpus (CORPUS_PATH, default corpus/). It is a bag-of-characters
 * model with no real semantics: good for exercising the pipeline, not for
 * judging dense retrieval.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createTinyModel } from './tiny-model.js';

/** The text of the corpus (a file or a directory of .txt/.md files). */
export async function corpusText(corpusPath: string): Promise<string> {
  if ((await stat(corpusPath)).isFile()) return readFile(corpusPath, 'utf8');
  const files = (await readdir(corpusPath)).filter((name) => /\.(txt|md)$/i.test(name)).sort();
  return (await Promise.all(files.map((name) => readFile(path.join(corpusPath, name), 'utf8')))).join('\n');
}

async function main(): Promise<void> {
  const [target] = process.argv.slice(2);
  if (!target) {
    process.stderr.write('Usage: npx tsx tests/support/make-tiny-model.ts <directory>\n');
    process.exitCode = 2;
    return;
  }
  const dir = await createTinyModel(path.resolve(target), {
    vocabularyText: await corpusText(path.resolve(process.env.CORPUS_PATH ?? 'corpus')),
  });
  process.stderr.write(`Wrote the tiny test model to ${dir}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
