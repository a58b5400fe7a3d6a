import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { XLM_ROBERTA_POST_PROCESSOR } from '../../../bench/e5-shape-model.js';
import { compactUnigram } from '../../../src/core/embedding/unigram-tokenizer.mjs';
import { ARTICLE_TEXT, removeTempDirs, tempDir } from '../../support/fixtures.js';

/**
 * The model process holds a SentencePiece Unigram vocabulary (e5's) itself,
 * compactly, and must give exactly the token ids Hugging Face's `tokenizers`
 * gives for the same tokenizer.json: indexes on disk were built from those.
 */

afterAll(removeTempDirs);

/** A deterministic pseudo-random sequence, so a failure can be reproduced. */
function randomSequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * An XLM-R-like tokenizer.json over the article: its characters and many of its
 * words as pieces (some scores equal, to exercise ties), a normalizer, Metaspace,
 * the <s> … </s> template, and added tokens. Rare characters are left out, so
 * that unknown characters (and runs of them) occur.
 */
function unigramTokenizer(options: { byteFallback?: boolean; prependScheme?: 'always' | 'first' } = {}) {
  const random = randomSequence(7);
  const pieces = new Map<string, number>();
  const characters = [...new Set([...ARTICLE_TEXT.normalize('NFKC').toLowerCase()])].filter((c) => !/\s/u.test(c));
  characters.forEach((character, index) => {
    if (index % 17 !== 5) pieces.set(character, -8 - Math.floor(random() * 4));
  });
  for (const letter of 'abcdefghijklmnopqrstuvwxyz0123456789') pieces.set(letter, -9);
  const text = ARTICLE_TEXT.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  for (let index = 0; index < 6000; index++) {
    const start = Math.floor(random() * (text.length - 6));
    const length = 2 + Math.floor(random() * 4);
    const piece = (random() < 0.3 ? '▁' : '') + text.slice(start, start + length);
    pieces.set(piece, -Math.round(random() * 12 * 4) / 4);
  }
  for (const word of ['▁the', '▁of', '▁nvidia', '▁deepseek', '▁gpu', '▁how', '▁what', 'ing', 'ed', '▁a', 's'])
    pieces.set(word, -6 - Math.floor(random() * 3));
  // Pieces whose JSON spelling has escapes.
  for (const piece of ['▁"quoted"', 'back\\slash', '▁tab\there', '"']) pieces.set(piece, -7);
  pieces.set('▁', -3);
  const vocab: Array<[string, number]> = [
    ['<s>', 0],
    ['<pad>', 0],
    ['</s>', 0],
    ['<unk>', 0],
    ...pieces,
    ['<mask>', 0],
  ];
  const special = (id: number, content: string, lstrip = false) => ({
    id,
    content,
    single_word: false,
    lstrip,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      special(0, '<s>'),
      special(1, '<pad>'),
      special(2, '</s>'),
      special(3, '<unk>'),
      special(vocab.length - 1, '<mask>', true),
      // Added tokens that are not special: one matched in the normalized text, a whole word only;
      // one that swallows the spaces after it.
      { ...special(vocab.length, '[nvda]'), single_word: true, normalized: true, special: false },
      { ...special(vocab.length + 1, '<br>'), rstrip: true, special: false },
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Lowercase' },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: {
      type: 'Metaspace',
      replacement: '▁',
      prepend_scheme: options.prependScheme ?? 'always',
      split: true,
    },
    post_processor: XLM_ROBERTA_POST_PROCESSOR,
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 3, vocab, byte_fallback: options.byteFallback ?? false },
  };
}

/** Writes a tokenizer.json; `asciiOnly` spells every other character as a \u escape (as Python's json does). */
async function writeTokenizer(definition: object, { asciiOnly = false } = {}): Promise<string> {
  const file = path.join(await tempDir('unigram-'), 'tokenizer.json');
  const json = JSON.stringify(definition, null, asciiOnly ? 2 : undefined);
  writeFileSync(
    file,
    asciiOnly
      ? json.replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
      : json,
  );
  return file;
}

const paragraphs = ARTICLE_TEXT.split(/\n\s*\n/).filter((paragraph) => paragraph.trim());
const texts = [
  ...paragraphs.map((paragraph) => `passage: ${paragraph}`),
  'query: 英伟达市值一天蒸发了多少？',
  'query: 英偉達市值一天蒸發了多少？',
  'query: How much did Nvidia lose in a single day?',
  'Ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ１２３ and   many    spaces',
  '😀 emoji 🚀 and ünïcödé 𠀀𠀁 (characters outside the vocabulary, in a run)',
  'tab\there, line\nbreak',
  '  leading and trailing  ',
  'a question that quotes <mask> and </s> literally',
  '<s>',
  '<mask>   and  <pad><unk>',
  'NVIDIA is [NVDA], not x[nvda]x; [Nvda]s',
  'line<br>   break <br>',
  '＜mask＞ (a full-width spelling, which is no added token)',
  'say "quoted" with a back\\slash and a\ttab "',
  'a NUL \u0000 character, and\u0000\u0000inside a word',
  '',
  ' ',
  '中'.repeat(700),
];

const variants = {
  'a SentencePiece Unigram tokenizer.json': { definition: unigramTokenizer(), asciiOnly: false },
  'one written with every non-ASCII character escaped, and indented': {
    definition: unigramTokenizer(),
    asciiOnly: true,
  },
  'one whose Metaspace prepends to the first piece only': {
    definition: unigramTokenizer({ prependScheme: 'first' }),
    asciiOnly: false,
  },
};

describe.each(Object.keys(variants))('given %s', (variant) => {
  it('then every text gets the token ids and type ids that `tokenizers` gives, special tokens included', async () => {
    const { definition, asciiOnly } = variants[variant as keyof typeof variants];
    const file = await writeTokenizer(definition, { asciiOnly });
    const compact = compactUnigram(file)!;
    expect(compact).toBeDefined();
    const reference = Tokenizer.fromFile(file);
    reference.disablePadding();
    reference.disableTruncation();
    const mine = await compact.encodeBatch(texts);
    const theirs = await reference.encodeBatch(texts);
    const unknown = theirs.flatMap((encoding) => encoding.getIds()).filter((id) => id === 3).length;
    expect(unknown).toBeGreaterThan(5);
    texts.forEach((text, index) => {
      expect({ text, ids: mine[index]!.getIds() }).toEqual({ text, ids: theirs[index]!.getIds() });
      expect(mine[index]!.getTypeIds()).toEqual(theirs[index]!.getTypeIds());
      expect(mine[index]!.getLength()).toBe(theirs[index]!.getLength());
    });
    for (const token of ['<pad>', '<mask>', '▁the', '▁"quoted"', 'not a piece'])
      expect(compact.tokenToId(token)).toBe(reference.tokenToId(token));
  });
});

describe('given a tokenizer.json the compact tokenizer does not cover', () => {
  it('then one with byte fallback, or a WordPiece tokenizer, is left to `tokenizers` whole', async () => {
    expect(compactUnigram(await writeTokenizer(unigramTokenizer({ byteFallback: true })))).toBeUndefined();
    const wordPiece = {
      ...unigramTokenizer(),
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: { '[UNK]': 0 } },
    };
    expect(compactUnigram(await writeTokenizer(wordPiece))).toBeUndefined();
  });
});
