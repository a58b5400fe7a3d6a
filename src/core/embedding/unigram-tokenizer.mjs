// A SentencePiece Unigram tokenizer (multilingual-e5's, XLM-R's) whose
// vocabulary is held as one JavaScript Map and an array of scores: about 20 MiB
// for 250,000 pieces, where the `tokenizers` package's character trie takes
// about 140 MiB. Everything else stays Hugging Face's own: the normalizer and
// the pre-tokenizer run in `tokenizers` (a copy of the tokenizer without its
// vocabulary), and any text that holds an added token (<mask>, <s>…) is
// tokenized by the full `tokenizers` tokenizer, loaded the first time one
// comes. The Viterbi search below follows `tokenizers`' Unigram
// encode_optimized step by step (ties, unknown characters, fused unknowns), so
// the token ids are the same: tests/core/embedding/unigram-tokenizer.test.ts compares them.
// A tokenizer this does not cover (another model type, byte fallback, another
// post-processor) is left to `tokenizers` whole: compactUnigram returns undefined.
import { readFileSync } from 'node:fs';
import { Tokenizer } from 'tokenizers';

/** tokenizers' K_UNK_PENALTY: an unknown character scores this far below the rarest piece. */
const UNKNOWN_PENALTY = 10;

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

/** Characters (code points) in a string, as `[...text].length` counts them, without the array. */
function characterCount(text) {
  let count = 0;
  for (const _character of text) count++;
  return count;
}

class UnigramVocabulary {
  constructor(pieces, unknownId, fuseUnknown) {
    /** @type {Map<string, number>} */
    this.ids = new Map();
    this.scores = new Float64Array(pieces.length);
    /** The longest piece starting with each character, in characters, to bound the search. */
    this.longestFrom = new Map();
    let lowest = Infinity;
    pieces.forEach(([piece, score], id) => {
      this.ids.set(piece, id);
      this.scores[id] = score;
      if (score < lowest) lowest = score;
      const first = piece.codePointAt(0);
      if (first === undefined) return;
      const length = characterCount(piece);
      if ((this.longestFrom.get(first) ?? 0) < length) this.longestFrom.set(first, length);
    });
    this.unknownId = unknownId;
    this.unknownScore = lowest - UNKNOWN_PENALTY;
    this.fuseUnknown = fuseUnknown;
  }

  /** The ids of one pre-tokenized word: the best-scoring segmentation into pieces (Viterbi). */
  encode(word) {
    if (word.length === 0) return [];
    const characters = [...word];
    const count = characters.length;
    // best[i]: the best path over the first i characters: its score, where its last piece starts, which piece.
    const bestScore = new Float64Array(count + 1);
    const bestStart = new Int32Array(count + 1).fill(-1);
    const bestId = new Int32Array(count + 1);
    for (let start = 0; start < count; start++) {
      const scoreSoFar = bestScore[start];
      const longest = Math.min(this.longestFrom.get(characters[start].codePointAt(0)) ?? 0, count - start);
      let hasSingleCharacter = false;
      let candidate = '';
      for (let length = 1; length <= longest; length++) {
        candidate += characters[start + length - 1];
        const id = this.ids.get(candidate);
        if (id === undefined) continue;
        const end = start + length;
        const score = this.scores[id] + scoreSoFar;
        if (bestStart[end] === -1 || score > bestScore[end]) {
          bestScore[end] = score;
          bestStart[end] = start;
          bestId[end] = id;
        }
        if (length === 1) hasSingleCharacter = true;
      }
      if (!hasSingleCharacter) {
        const end = start + 1;
        const score = this.unknownScore + scoreSoFar;
        if (bestStart[end] === -1 || score > bestScore[end]) {
          bestScore[end] = score;
          bestStart[end] = start;
          bestId[end] = this.unknownId;
        }
      }
    }
    // Back from the end; consecutive unknown characters become one token, looked up as a whole.
    const pieces = [];
    let unknownRun = '';
    for (let end = count; end > 0; end = bestStart[end]) {
      const start = bestStart[end];
      const text = characters.slice(start, end).join('');
      if (this.fuseUnknown && bestId[end] === this.unknownId) {
        unknownRun = text + unknownRun;
        continue;
      }
      if (unknownRun) pieces.push(unknownRun);
      unknownRun = '';
      pieces.push(text);
    }
    if (unknownRun) pieces.push(unknownRun);
    return pieces.reverse().map((piece) => this.ids.get(piece) ?? this.unknownId);
  }
}

/**
 * A tokenizer with `encodeBatch(texts)` (special tokens added; neither padded
 * nor truncated) and `tokenToId(token)`, from a tokenizer.json, or undefined
 * when the file is not a Unigram tokenizer this covers. `json` is the file's
 * text, when the caller has read it already.
 */
export function compactUnigram(tokenizerFile, json = readFileSync(tokenizerFile, 'utf8')) {
  const definition = JSON.parse(json);
  const { model } = definition;
  if (model?.type !== 'Unigram' || model.byte_fallback || !Number.isInteger(model.unk_id)) return undefined;
  const template = singleTemplate(definition.post_processor);
  if (!template) return undefined;

  // tokenizers always fuses unknown characters in a Unigram model (fuse_unk is not in the file).
  const vocabulary = new UnigramVocabulary(model.vocab, model.unk_id, true);
  const addedIds = new Map((definition.added_tokens ?? []).map((token) => [token.content, token.id]));
  const addedTokens = [...addedIds.keys()].filter(Boolean);
  // The same tokenizer without its vocabulary (one piece) and added tokens: for its normalizer and pre-tokenizer.
  const shell = Tokenizer.fromString(
    JSON.stringify({
      ...definition,
      added_tokens: [],
      post_processor: null,
      model: { ...model, vocab: [model.vocab[model.unk_id]], unk_id: 0 },
    }),
  );
  const normalizer = shell.getNormalizer();
  const preTokenizer = shell.getPreTokenizer();
  /** @type {Tokenizer | undefined} */
  let full;

  async function encode(text) {
    const normalized = normalizer ? normalizer.normalizeString(text) : text;
    if (addedTokens.some((token) => text.includes(token) || normalized.includes(token))) {
      // Rare (a question quoting <mask>): Hugging Face's own splitting around added tokens, with the whole vocabulary.
      full ??= Tokenizer.fromFile(tokenizerFile);
      full.disablePadding();
      full.disableTruncation();
      return full.encode(text);
    }
    const words = preTokenizer ? preTokenizer.preTokenizeString(normalized).map(([word]) => word) : [normalized];
    const ids = [...template.before, ...words.flatMap((word) => vocabulary.encode(word)), ...template.after];
    return encodingOf(ids);
  }

  return {
    encodeBatch: (texts) => Promise.all(texts.map(encode)),
    tokenToId: (token) => addedIds.get(token) ?? vocabulary.ids.get(token) ?? null,
  };
}
