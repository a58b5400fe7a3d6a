// A SentencePiece Unigram tokenizer (multilingual-e5's, XLM-R's) whose
// vocabulary is held in typed arrays (unigram-vocabulary.mjs), read from the
// file's bytes without parsing it as JSON objects (tokenizer-json.mjs): about
// 8 MiB for 250,000 pieces, where the `tokenizers` package's character trie
// takes about 140 MiB. Everything else stays Hugging Face's own: a copy of the
// tokenizer whose vocabulary is one piece (the splitter, a few MiB) normalizes
// and pre-tokenizes each text (and splits one that spells an added token,
// <mask>, <s>…, around it, with the token's flags), and the Viterbi search
// finds each word's pieces as `tokenizers`' Unigram does, so the token ids are the same:
// tests/core/embedding/unigram-tokenizer.test.ts compares them.
// A tokenizer this does not cover (another model type, byte fallback, another
// post-processor) is left to `tokenizers` whole: compactUnigram returns undefined.
import { readFileSync } from 'node:fs';
import { Tokenizer } from 'tokenizers';
import { readTokenizerJson, readUnigramVocabulary } from './tokenizer-json.mjs';
import { UnigramVocabulary } from './unigram-vocabulary.mjs';

/**
 * The special tokens put around a single sequence, from a TemplateProcessing
 * or RobertaProcessing (every type id 0, as for XLM-R), or undefined for any
 * other post-processor.
 */
function singleTemplate(postProcessor) {
  if (postProcessor === null || postProcessor === undefined) return { before: [], after: [] };
  if (postProcessor.type === 'RobertaProcessing')
    return { before: [postProcessor.cls[1]], after: [postProcessor.sep[1]] };
  if (postProcessor.type !== 'TemplateProcessing') return undefined;
  const before = [];
  const after = [];
  let sequenceSeen = false;
  for (const piece of postProcessor.single) {
    const item = piece.Sequence ?? piece.SpecialToken;
    if (!item || item.type_id !== 0) return undefined;
    if (piece.Sequence) {
      if (sequenceSeen) return undefined;
      sequenceSeen = true;
    } else {
      const ids = postProcessor.special_tokens?.[item.id]?.ids;
      if (!ids) return undefined;
      (sequenceSeen ? after : before).push(...ids);
    }
  }
  return sequenceSeen ? { before, after } : undefined;
}

/** An encoding with the interface of `tokenizers`' that the model process uses. */
function encodingOf(ids) {
  return { getIds: () => ids, getLength: () => ids.length, getTypeIds: () => ids.map(() => 0) };
}

/**
 * A tokenizer with `encodeBatch(texts)` (special tokens added; neither padded
 * nor truncated) and `tokenToId(token)`, from a tokenizer.json, or undefined
 * when the file is not a Unigram tokenizer this covers. `bytes` are the
 * file's, when the caller has read it already.
 */
export function compactUnigram(tokenizerFile, bytes = readFileSync(tokenizerFile)) {
  const { definition, vocabulary: span } = readTokenizerJson(bytes);
  const { model } = definition;
  if (model?.type !== 'Unigram' || model.byte_fallback || !Number.isInteger(model.unk_id) || !span) return undefined;
  const template = singleTemplate(definition.post_processor);
  if (!template) return undefined;
  let pieces;
  try {
    pieces = readUnigramVocabulary(bytes, span);
  } catch {
    return undefined; // not a list of [piece, score]: tokenizers says what is wrong with it
  }
  if (model.unk_id >= pieces.count) return undefined;
  const vocabulary = new UnigramVocabulary(pieces, model.unk_id);

  const addedTokens = definition.added_tokens ?? [];
  const addedIds = new Map(addedTokens.map((token) => [token.content, token.id]));
  // The splitter: the same tokenizer with a vocabulary of one piece that is also the unknown
  // one, and no post-processor. tokenizers splits a text around its added tokens (with their
  // flags), normalizes and pre-tokenizes the rest (where a piece is in the text included, as
  // Metaspace's "first" needs); each word, wholly unknown, comes back as one token (unknowns are
  // fused) spelling the word. Added tokens are renumbered 1, 2, … so that their ids tell them
  // apart from words (id 0).
  const splitter = Tokenizer.fromString(
    JSON.stringify({
      ...definition,
      added_tokens: addedTokens.map((token, index) => ({ ...token, id: index + 1 })),
      post_processor: null,
      decoder: null,
      model: { type: 'Unigram', unk_id: 0, vocab: [['\u0000', 0]], byte_fallback: false },
    }),
  );
  splitter.disablePadding();
  splitter.disableTruncation();
  const normalizer = splitter.getNormalizer();
  const preTokenizer = splitter.getPreTokenizer();
  const contents = addedTokens.map((token) => token.content).filter(Boolean);

  /** The ids of a split text: its words' pieces, and its added tokens. */
  function idsOfSplit(split) {
    const ids = [...template.before];
    const splitIds = split.getIds();
    const words = split.getTokens();
    for (let index = 0; index < splitIds.length; index++) {
      if (splitIds[index] === 0) ids.push(...vocabulary.encode(words[index]));
      else ids.push(addedTokens[splitIds[index] - 1].id);
    }
    ids.push(...template.after);
    return encodingOf(ids);
  }

  /**
   * The ids of a text in which no added token can match (none is spelled in it, as written or
   * normalized), from the normalizer and pre-tokenizer called directly: the splitter's encode
   * runs on another thread, and the hop costs more than tokenizing a question. Undefined otherwise.
   */
  function directIds(text) {
    const normalized = normalizer ? normalizer.normalizeString(text) : text;
    if (contents.some((content) => text.includes(content) || normalized.includes(content))) return undefined;
    const words = preTokenizer ? preTokenizer.preTokenizeString(normalized).map(([word]) => word) : [normalized];
    const ids = [...template.before];
    for (const word of words) ids.push(...vocabulary.encode(word));
    ids.push(...template.after);
    return encodingOf(ids);
  }

  async function encodeBatch(texts) {
    const encodings = texts.map(directIds);
    const rest = texts.flatMap((text, index) => (encodings[index] ? [] : [index]));
    if (rest.length) {
      const splits = await splitter.encodeBatch(rest.map((index) => texts[index]));
      rest.forEach((index, position) => (encodings[index] = idsOfSplit(splits[position])));
    }
    return encodings;
  }

  return {
    encodeBatch,
    tokenToId: (token) => addedIds.get(token) ?? vocabulary.idOf(token) ?? null,
  };
}
