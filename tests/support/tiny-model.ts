/**
 * Generates a tiny, deterministic, transformers.js-compatible embedding model on disk,
 * so tests can exercise the real `pipeline('feature-extraction', …)` code path without
 * downloading anything.
 *
 * The "model" is a single embedding lookup: last_hidden_state = E[input_ids] * attention_mask.
 * Every ordinary token gets a pseudo-random unit vector derived from a hash of the token
 * string; special tokens, punctuation and the e5 prefixes ("query", "passage") get tiny
 * vectors. After mean pooling + normalisation the output therefore behaves like a
 * bag-of-characters (bag-of-tokens) similarity: texts sharing many characters score high.
 *
 * Files written into `dir`:
 *   config.json, tokenizer.json, tokenizer_config.json,
 *   onnx/model.onnx and onnx/model_quantized.onnx (identical float graphs).
 */
import type * as OnnxProto from 'onnx-proto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TransformersEmbedderOptions } from '../../src/core/embedding/transformers-embedder.js';

// onnx-proto is CommonJS (`module.exports = { onnx }`), so Node's ESM loader only exposes a
// default export. createRequire keeps this independent of esModuleInterop settings.
const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;

export interface TinyModelOptions {
  /** Embedding width (hidden_size). Default 64. */
  dimensions?: number;
  /** tokenizer_config.json model_max_length and config.json max_position_embeddings. Default 128. */
  maxTokens?: number;
  /** config.json model_type. Default 'bert'. */
  modelType?: string;
  /** Extra text whose characters (and ASCII words) must be in the vocabulary. */
  vocabularyText?: string;
  /**
   * The only characters the model knows. Tokens with any other character, and the special tokens, embed
   * as zeros, so a text with none of these characters embeds as a zero vector, as some real models
   * embed text they have never seen. Unset: the model knows every token of its vocabulary.
   */
  knownCharacters?: string;
}

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** Same definition transformers.js' BertPreTokenizer uses to split punctuation. */
const PUNCTUATION = /^[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]$/u;

/** Words that carry (almost) no meaning: the e5 prefixes, so they don't dominate short queries. */
const LOW_WEIGHT_WORDS = ['query', 'passage'];

const COMMON_ENGLISH_WORDS = [
  'the',
  'of',
  'and',
  'to',
  'in',
  'is',
  'for',
  'on',
  'that',
  'with',
  'as',
  'was',
  'it',
  'by',
  'at',
  'from',
  'be',
  'are',
  'this',
  'an',
  'or',
  'not',
  'but',
  'have',
  'has',
  'had',
  'his',
  'her',
  'they',
  'their',
  'we',
  'you',
  'he',
  'she',
  'i',
  'what',
  'why',
  'how',
  'who',
  'when',
  'where',
  'which',
  'will',
  'would',
  'can',
  'could',
  'do',
  'does',
  'did',
  'about',
  'more',
  'one',
  'all',
  'so',
  'if',
  'no',
  'yes',
  'there',
  'been',
  'were',
  'its',
  'than',
  'out',
  'up',
  'hello',
  'world',
  'article',
  'question',
  'answer',
  'market',
  'stock',
  'stocks',
  'china',
  'chinese',
  'american',
  'us',
  'ai',
  'model',
  'models',
  'chip',
  'chips',
  'gpu',
  'gpus',
  'nvidia',
  'deepseek',
  'openai',
  'wall',
  'street',
  'billion',
  'trillion',
  'dollar',
  'dollars',
  ...LOW_WEIGHT_WORDS,
];

function isCjk(cp: number): boolean {
  // Mirrors BertNormalizer._is_chinese_char in transformers.js.
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** What transformers.js' BertNormalizer does with lowercase=true, strip_accents=null. */
function normalizeLikeBert(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

function buildVocabulary(vocabularyText: string | undefined): string[] {
  const vocab: string[] = [];
  const seen = new Set<string>();
  const add = (token: string): void => {
    if (token.length === 0 || seen.has(token)) return;
    seen.add(token);
    vocab.push(token);
  };
  /** A non-CJK, non-punctuation char may appear inside a word, so it needs a ## form too. */
  const addChar = (ch: string): void => {
    add(ch);
    const cp = ch.codePointAt(0)!;
    if (!isCjk(cp) && !PUNCTUATION.test(ch)) add(`##${ch}`);
  };

  for (const special of SPECIAL_TOKENS) add(special);

  // Printable ASCII (uppercase is unreachable after lowercasing, but harmless).
  for (let cp = 0x21; cp <= 0x7e; cp++) addChar(String.fromCodePoint(cp));
  // Latin-1 punctuation/symbols that show up in prose (·, «, », °, ×, …).
  for (const ch of '·«»°×÷§¶©®±¥£€™…') addChar(ch);
  // General punctuation: dashes, curly quotes, ellipsis, etc.
  for (let cp = 0x2010; cp <= 0x2027; cp++) addChar(String.fromCodePoint(cp));
  // CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕 …
  for (let cp = 0x3000; cp <= 0x303f; cp++) {
    if (cp === 0x3000) continue; // ideographic space is whitespace
    addChar(String.fromCodePoint(cp));
  }
  // Full-width forms: ！＂＃…０-９…ａ-ｚ…～ (full-width uppercase lowercases to these).
  for (let cp = 0xff01; cp <= 0xff5e; cp++) addChar(String.fromCodePoint(cp));
  // CJK Unified Ideographs: covers both simplified and traditional characters.
  for (let cp = 0x4e00; cp <= 0x9fff; cp++) add(String.fromCodePoint(cp));

  for (const word of COMMON_ENGLISH_WORDS) add(word);

  if (vocabularyText) {
    const normalized = normalizeLikeBert(vocabularyText);
    for (const ch of normalized) {
      if (/\s/u.test(ch)) continue;
      addChar(ch);
    }
    for (const match of normalized.matchAll(/[a-z][a-z0-9]+/g)) add(match[0]);
  }
  return vocab;
}

/** FNV-1a over UTF-16 code units: a stable seed per token string, independent of vocab order. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes a vector of the given norm (Gaussian direction) for `token` into `out`. */
function fillTokenVector(out: Float32Array, token: string, norm: number): void {
  const random = mulberry32(hashString(token));
  const values: number[] = [];
  for (let i = 0; i < out.length; i++) {
    // Box–Muller; 1 - u keeps log() away from 0.
    const u = 1 - random();
    const v = random();
    values.push(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  const length = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  out.set(values.map((value) => (value * norm) / length));
}

function tokenWeight(token: string): number {
  if (token === '[PAD]') return 0;
  if ((SPECIAL_TOKENS as readonly string[]).includes(token)) return 0.01;
  const bare = token.startsWith('##') ? token.slice(2) : token;
  if ([...bare].length === 1 && PUNCTUATION.test(bare)) return 0.01;
  if (LOW_WEIGHT_WORDS.includes(token)) return 0.01;
  return 1;
}

function buildEmbeddings(vocab: string[], dimensions: number, knownCharacters?: string): Float32Array {
  const table = new Float32Array(vocab.length * dimensions);
  const known = knownCharacters === undefined ? undefined : new Set(knownCharacters.toLowerCase());
  const isKnown = (token: string) =>
    !known ||
    (!(SPECIAL_TOKENS as readonly string[]).includes(token) &&
      [...(token.startsWith('##') ? token.slice(2) : token)].every((character) => known.has(character)));
  vocab.forEach((token, id) => {
    const row = table.subarray(id * dimensions, (id + 1) * dimensions);
    const weight = isKnown(token) ? tokenWeight(token) : 0;
    if (weight > 0) fillTokenVector(row, token, weight);
  });
  return table;
}

function toLittleEndianBytes(view: Float32Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian; every platform onnxruntime-node ships for is too.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function buildOnnxModel(embeddings: Float32Array, vocabSize: number, dimensions: number): Uint8Array {
  const { DataType } = onnx.TensorProto;
  const { AttributeType } = onnx.AttributeProto;
  const batchBySeq = [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }];

  const graph: OnnxProto.onnx.IGraphProto = {
    name: 'tiny_bag_of_tokens',
    input: [
      { name: 'input_ids', type: { tensorType: { elemType: DataType.INT64, shape: { dim: batchBySeq } } } },
      { name: 'attention_mask', type: { tensorType: { elemType: DataType.INT64, shape: { dim: batchBySeq } } } },
    ],
    output: [
      {
        name: 'last_hidden_state',
        type: {
          tensorType: {
            elemType: DataType.FLOAT,
            shape: { dim: [...batchBySeq, { dimValue: dimensions }] },
          },
        },
      },
    ],
    initializer: [
      {
        name: 'embeddings.word_embeddings.weight',
        dataType: DataType.FLOAT,
        dims: [vocabSize, dimensions],
        rawData: toLittleEndianBytes(embeddings),
      },
      {
        name: 'unsqueeze_axes',
        dataType: DataType.INT64,
        dims: [1],
        rawData: toLittleEndianBytes(BigInt64Array.of(-1n)),
      },
    ],
    node: [
      {
        name: 'gather_embeddings',
        opType: 'Gather',
        input: ['embeddings.word_embeddings.weight', 'input_ids'],
        output: ['token_embeddings'],
        attribute: [{ name: 'axis', type: AttributeType.INT, i: 0 }],
      },
      {
        name: 'mask_to_float',
        opType: 'Cast',
        input: ['attention_mask'],
        output: ['mask_float'],
        attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }],
      },
      {
        name: 'mask_unsqueeze',
        opType: 'Unsqueeze',
        input: ['mask_float', 'unsqueeze_axes'],
        output: ['mask_expanded'],
      },
      {
        name: 'apply_mask',
        opType: 'Mul',
        input: ['token_embeddings', 'mask_expanded'],
        output: ['last_hidden_state'],
      },
    ],
  };

  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'article-bot-tests',
    producerVersion: '1',
    graph,
  }).finish();
}

function buildTokenizerJson(vocab: string[]): unknown {
  const vocabMap: Record<string, number> = {};
  vocab.forEach((token, id) => {
    vocabMap[token] = id;
  });
  const idOf = (token: string): number => vocabMap[token]!;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [idOf('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [idOf('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: vocabMap,
    },
  };
}

/** Writes the tiny model into `dir` (created if needed) and returns `dir`. */
export async function createTinyModel(dir: string, options: TinyModelOptions = {}): Promise<string> {
  const dimensions = options.dimensions ?? 64;
  const maxTokens = options.maxTokens ?? 128;
  const modelType = options.modelType ?? 'bert';
  if (!Number.isInteger(dimensions) || dimensions < 1)
    throw new Error(`dimensions must be a positive integer, got ${dimensions}`);
  if (!Number.isInteger(maxTokens) || maxTokens < 3)
    throw new Error(`maxTokens must be an integer >= 3, got ${maxTokens}`);

  const vocab = buildVocabulary(options.vocabularyText);
  const embeddings = buildEmbeddings(vocab, dimensions, options.knownCharacters);
  const onnxBytes = buildOnnxModel(embeddings, vocab.length, dimensions);

  const config = {
    ...(modelType === 'bert' ? { architectures: ['BertModel'] } : {}),
    model_type: modelType,
    hidden_size: dimensions,
    max_position_embeddings: maxTokens,
    vocab_size: vocab.length,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: dimensions * 4,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    type_vocab_size: 2,
    pad_token_id: 0,
    torch_dtype: 'float32',
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    model_max_length: maxTokens,
    do_lower_case: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
    clean_up_tokenization_spaces: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };

  await mkdir(path.join(dir, 'onnx'), { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2)),
    writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(buildTokenizerJson(vocab))),
    writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2)),
    writeFile(path.join(dir, 'onnx', 'model.onnx'), onnxBytes),
    writeFile(path.join(dir, 'onnx', 'model_quantized.onnx'), onnxBytes),
  ]);
  return dir;
}

/** How the tests load a model directory made here: from its own files, quantized, with no prefixes. */
export function localModelOptions(directory: string): TransformersEmbedderOptions {
  return {
    model: directory,
    isLocalDirectory: true,
    cacheDir: directory,
    quantized: true,
    queryPrefix: '',
    passagePrefix: '',
  };
}
