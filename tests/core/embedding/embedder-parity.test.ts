import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env, pipeline } from '@xenova/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createE5ShapeModel } from '../../../bench/e5-shape-model.js';
import { TransformersEmbedder } from '../../../src/core/embedding/transformers-embedder.js';
import { ARTICLE_TEXT, makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { localModelOptions } from '../../support/tiny-model.js';

/**
 * The model process runs onnxruntime and Hugging Face's tokenizer directly; the
 * indexes people have on disk were built by transformers.js' pipeline. These
 * specify that nothing about a vector changed: the same token ids (counted
 * here, and fed to the model), and bit-identical vectors.
 */

const questions = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'src/core/evaluation/questions.json'), 'utf8')) as {
    question: string;
  }[]
).map((entry) => entry.question);
const paragraphs = ARTICLE_TEXT.split(/\n\s*\n/).filter((paragraph) => paragraph.trim());
const awkward = [
  'Hello,   World!',
  'ＡＢＣ１２３ full width',
  '英偉達市值一天蒸發了多少？',
  '😀 emoji 🚀 and ünïcödé',
  'tab\there, line\nbreak',
  'NVIDIA’s “GPU” — 杰文斯悖论',
  '  leading and trailing  ',
  // Longer than either model's token window: truncated the same way.
  '中'.repeat(700),
];
const texts = [
  ...questions.map((question) => `query: ${question}`),
  ...paragraphs.map((text) => `passage: ${text}`),
  ...awkward,
];

/** transformers.js 2's pipeline, as the model process ran it before: the reference. */
async function referenceOf(directory: string) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(directory) + path.sep;
  env.useFSCache = false;
  const extractor = await pipeline('feature-extraction', path.basename(directory), { quantized: true });
  const tokenizer = await AutoTokenizer.from_pretrained(path.basename(directory));
  return {
    counts: texts.map((text) => tokenizer.encode(text).length),
    embed: async (batch: string[]) => {
      const output = await extractor(batch, { pooling: 'mean', normalize: true });
      const [rows, dimensions] = output.dims as [number, number];
      const data = output.data as Float32Array;
      return Array.from({ length: rows }, (_, row) => data.slice(row * dimensions, (row + 1) * dimensions));
    },
    dispose: () => extractor.dispose(),
  };
}

const models: Record<string, string> = {};

beforeAll(async () => {
  models['the tiny test model (WordPiece)'] = await makeTinyModel();
  // The benchmark model's tokenizer (SentencePiece Unigram, Metaspace, XLM-R specials) on a small encoder.
  models['a small e5-shaped model (Unigram)'] = await createE5ShapeModel(
    path.join(await tempDir('e5-small-shape-'), 'e5-shape'),
    { vocabSize: 22_000, layers: 2, hidden: 32, heads: 2, intermediate: 64, maxPositions: 512 },
  );
}, 120_000);

afterAll(removeTempDirs);

describe.each(['the tiny test model (WordPiece)', 'a small e5-shaped model (Unigram)'])('given %s', (name) => {
  it('then the model process counts the same tokens as transformers.js, and embeds to bit-identical vectors', async () => {
    const directory = models[name]!;
    const reference = await referenceOf(directory);
    const embedder = await TransformersEmbedder.load({
      ...localModelOptions(directory),
    });
    try {
      expect(await embedder.countTokens(texts, 'passage')).toEqual(reference.counts);
      // One at a time (as questions are) and as a mixed-length batch (as an index build does).
      for (const text of texts.slice(0, 20)) {
        const [mine] = await embedder.embed([text], 'query');
        const [theirs] = await reference.embed([text]);
        expect(Array.from(mine!)).toEqual(Array.from(theirs!));
      }
      const batch = [...paragraphs.slice(0, 6).map((text) => `passage: ${text}`), awkward[0]!, awkward[7]!];
      const mine = await embedder.embed(batch, 'passage');
      for (const [row, text] of batch.entries()) {
        const [theirs] = await reference.embed([text]);
        const cosine = mine[row]!.reduce((sum, value, index) => sum + value * theirs![index]!, 0);
        expect(cosine).toBeGreaterThan(0.99999);
      }
    } finally {
      await embedder.close();
      await reference.dispose();
    }
  }, 120_000);
});
