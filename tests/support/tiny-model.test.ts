import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import { createTinyModel } from './tiny-model.js';

const DIMENSIONS = 64;
const MAX_TOKENS = 128;
const UNK_ID = 1;

/** A Chinese paragraph (simplified) in the style of the article, with full-width punctuation and ASCII. */
const PARAGRAPH =
  '元月27日DeepSeek的出现给华尔街带来微小冲击，以英伟达为代表的科技股遭受重创，相关高科技板块市值单日蒸发1万亿美元。' +
  '其中英伟达市值单日跌幅达17%，市值蒸发近6000亿美元，这一跌幅创下美股史上一个公司最大单日跌幅纪录。' +
  '“暴风雨的前夜”——那为什么会有这么大的冲击？《华尔街日报》说：人工智能的算力需求被重新评估了！';

type Extractor = FeatureExtractionPipeline;

interface Embeddings {
  dims: number[];
  rows: number[][];
}

async function embed(extractor: Extractor, texts: string[]): Promise<Embeddings> {
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  return { dims: output.dims, rows: output.tolist() as number[][] };
}

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

async function loadLikeProduction(dir: string): Promise<Extractor> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(dir) + '/';
  return pipeline('feature-extraction', path.basename(dir), { quantized: true });
}

describe('tiny test embedding model', () => {
  let root: string;
  let dir: string;
  let extractor: Extractor;
  const warnings: unknown[][] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tiny-model-'));
    dir = await createTinyModel(path.join(root, 'tiny-e5'), {
      dimensions: DIMENSIONS,
      maxTokens: MAX_TOKENS,
      vocabularyText: PARAGRAPH,
    });
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => {
      warnings.push(args);
    };
    try {
      extractor = await loadLikeProduction(dir);
      await embed(extractor, ['query: warm-up']);
    } finally {
      console.warn = originalWarn;
    }
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  describe('given a freshly generated model directory', () => {
    it('then it contains the files transformers.js loads, with both quantized and full-precision graphs', async () => {
      for (const file of [
        'config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'onnx/model.onnx',
        'onnx/model_quantized.onnx',
      ]) {
        expect((await stat(path.join(dir, file))).size, file).toBeGreaterThan(0);
      }
      const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      expect(config).toMatchObject({
        model_type: 'bert',
        hidden_size: DIMENSIONS,
        max_position_embeddings: MAX_TOKENS,
      });
      const tokenizerConfig = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8'));
      expect(tokenizerConfig).toMatchObject({
        tokenizer_class: 'BertTokenizer',
        model_max_length: MAX_TOKENS,
        do_lower_case: true,
      });
    });

    it('then transformers.js loads it from a local path and runs it without printing warnings', () => {
      expect(warnings).toEqual([]);
    });

    it('then the full-precision graph loads too when quantized is false', async () => {
      const full = await pipeline('feature-extraction', path.basename(dir), { quantized: false });
      const output = await embed(full, ['英伟达市值']);
      expect(output.dims).toEqual([1, DIMENSIONS]);
    });
  });

  describe('given a batch of prefixed query and passage texts', () => {
    it('then mean-pooled normalised output has one unit-length row of the configured width per text', async () => {
      const output = await embed(extractor, ['query: 英伟达市值', 'passage: hello world']);
      expect(output.dims).toEqual([2, DIMENSIONS]);
      for (const row of output.rows) {
        expect(row.every(Number.isFinite)).toBe(true);
        expect(Math.sqrt(dot(row, row))).toBeCloseTo(1, 5);
      }
    });

    it('then identical texts embed identically regardless of batch padding', async () => {
      const [alone] = (await embed(extractor, ['passage: 英伟达市值'])).rows;
      const [padded] = (await embed(extractor, ['passage: 英伟达市值', `passage: ${PARAGRAPH}`])).rows;
      expect(dot(alone!, padded!)).toBeCloseTo(1, 5);
    });
  });

  describe('given a Chinese sentence, a paraphrase sharing its characters and an unrelated sentence', () => {
    it('then the sentence is more similar to the paraphrase than to the unrelated sentence', async () => {
      const [sentence, paraphrase, unrelated] = (
        await embed(extractor, [
          '英伟达市值单日蒸发近6000亿美元',
          '英伟达的市值在一天之内蒸发了约6000亿美元',
          '今天天气很好，我们一起去公园散步吧',
        ])
      ).rows;
      const similar = dot(sentence!, paraphrase!);
      const different = dot(sentence!, unrelated!);
      expect(similar).toBeGreaterThan(0.6);
      expect(similar).toBeGreaterThan(different + 0.3);
    });

    it('then a prefixed query ranks the passage that answers it above an unrelated passage', async () => {
      const [query, answer, other] = (
        await embed(extractor, [
          'query: 英伟达市值蒸发了多少？',
          'passage: 英伟达市值单日跌幅达17%，市值蒸发近6000亿美元。',
          'passage: 暴风雨的前夜，那为什么会有这么大的冲击？',
        ])
      ).rows;
      expect(dot(query!, answer!)).toBeGreaterThan(dot(query!, other!));
    });
  });

  describe('given the tokenizer of the loaded pipeline', () => {
    it('then model_max_length is the configured maxTokens', () => {
      expect(extractor.tokenizer.model_max_length).toBe(MAX_TOKENS);
    });

    it('then a 500-character Chinese text encodes to more than maxTokens ids (no implicit truncation) without [UNK]', () => {
      const text = PARAGRAPH.repeat(Math.ceil(500 / PARAGRAPH.length)).slice(0, 500);
      expect([...text]).toHaveLength(500);
      const ids = extractor.tokenizer.encode(text);
      expect(ids.length).toBeGreaterThan(MAX_TOKENS);
      expect(ids).not.toContain(UNK_ID);
    });

    it('then it wraps every text in [CLS] … [SEP]', () => {
      const ids = extractor.tokenizer.encode('英伟达');
      expect(extractor.tokenizer.model.convert_tokens_to_ids(['[CLS]', '英', '伟', '达', '[SEP]'])).toEqual(ids);
    });

    it('then traditional-Chinese characters such as 輝達 and 華爾街 are not [UNK]', () => {
      const ids = extractor.tokenizer.encode('輝達的市值為何在華爾街蒸發？');
      expect(ids).not.toContain(UNK_ID);
      expect(ids.length).toBe(2 + [...'輝達的市值為何在華爾街蒸發？'].length);
    });

    it('then mixed-case English words tokenise to known pieces rather than [UNK]', () => {
      const ids = extractor.tokenizer.encode('DeepSeek shocked Wall Street, said Reuters (2025).');
      expect(ids).not.toContain(UNK_ID);
    });
  });

  describe('given no vocabularyText', () => {
    it('then the vocabulary still covers the CJK Unified Ideographs block and ASCII', async () => {
      const plainDir = await createTinyModel(path.join(root, 'plain'));
      const tokenizer = JSON.parse(await readFile(path.join(plainDir, 'tokenizer.json'), 'utf8'));
      const vocab: Record<string, number> = tokenizer.model.vocab;
      for (const token of [
        '一',
        '鿿',
        '輝',
        '達',
        '華',
        '爾',
        '街',
        '英',
        '伟',
        '达',
        'a',
        '##z',
        '9',
        '##0',
        '，',
        '。',
      ]) {
        expect(vocab, token).toHaveProperty([token]);
      }
      expect(vocab['[PAD]']).toBe(0);
      expect(vocab['[UNK]']).toBe(1);
      expect(vocab['[CLS]']).toBe(2);
      expect(vocab['[SEP]']).toBe(3);
      expect(vocab['[MASK]']).toBe(4);
    });
  });
});
