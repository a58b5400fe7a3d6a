// A SentencePiece Unigram vocabulary held in typed arrays (tokenizer-json.mjs
// reads them from the file): the pieces' UTF-8 bytes, where each starts, their
// scores, and an open-addressing hash table from a piece's bytes to its id.
// About 8 MiB for multilingual-e5's 250,002 pieces, where a JavaScript Map of
// strings took about 20 and `tokenizers`' character trie about 140.
//
// encode() is the Viterbi search of `tokenizers`' Unigram encode_optimized,
// step by step (ties, unknown characters, fused unknowns), so that the token
// ids are the same: tests/core/embedding/unigram-tokenizer.test.ts compares them.

/** tokenizers' K_UNK_PENALTY: an unknown character scores this far below the rarest piece. */
const UNKNOWN_PENALTY = 10;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const EMPTY = -1;

const encoder = new TextEncoder();

export class UnigramVocabulary {
  /**
   * @param {{ pieces: Uint8Array, starts: Int32Array, scores: Float64Array, count: number }} vocabulary
   * @param {number} unknownId
   */
  constructor({ pieces, starts, scores, count }, unknownId) {
    this.pieces = pieces;
    this.starts = starts;
    this.scores = scores;
    this.unknownId = unknownId;
    let lowest = Infinity;
    for (let id = 0; id < count; id++) if (scores[id] < lowest) lowest = scores[id];
    this.unknownScore = lowest - UNKNOWN_PENALTY;
    // A table at most half full; a piece that appears twice maps to its last id, as in tokenizers' map.
    let capacity = 1024;
    while (capacity < count * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(capacity).fill(EMPTY);
    this.hashes = new Int32Array(count);
    /** The longest piece, in characters: no candidate longer than this can match. */
    this.longest = 0;
    for (let id = 0; id < count; id++) {
      let hash = FNV_OFFSET;
      let characters = 0;
      for (let at = starts[id]; at < starts[id + 1]; at++) {
        hash = Math.imul(hash ^ pieces[at], FNV_PRIME);
        if ((pieces[at] & 0xc0) !== 0x80) characters++;
      }
      this.hashes[id] = hash;
      if (characters > this.longest) this.longest = characters;
      let slot = hash & this.mask;
      while (this.table[slot] !== EMPTY && !this.samePiece(this.table[slot], hash, pieces, starts[id], starts[id + 1]))
        slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
    /** The word being encoded, in UTF-8, and where each of its characters starts (grown as needed). */
    this.word = new Uint8Array(256);
    this.characterStarts = new Int32Array(257);
  }

  /** Whether piece `id` is the bytes `from`…`to` of `bytes` (whose hash is `hash`). */
  samePiece(id, hash, bytes, from, to) {
    if (this.hashes[id] !== hash) return false;
    const start = this.starts[id];
    if (this.starts[id + 1] - start !== to - from) return false;
    for (let offset = 0; offset < to - from; offset++)
      if (this.pieces[start + offset] !== bytes[from + offset]) return false;
    return true;
  }

  /** The id of the piece spelled by `bytes` `from`…`to`, whose hash is `hash`, or -1. */
  lookup(hash, bytes, from, to) {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = this.table[slot];
      if (id === EMPTY) return -1;
      if (this.samePiece(id, hash, bytes, from, to)) return id;
    }
  }

  static hash(bytes, from, to) {
    let hash = FNV_OFFSET;
    for (let at = from; at < to; at++) hash = Math.imul(hash ^ bytes[at], FNV_PRIME);
    return hash;
  }

  /** The id of a piece, or undefined when it is not one. */
  idOf(piece) {
    const bytes = encoder.encode(piece);
    const id = this.lookup(UnigramVocabulary.hash(bytes, 0, bytes.length), bytes, 0, bytes.length);
    return id === -1 ? undefined : id;
  }

  /** Puts `word` in this.word as UTF-8 and returns how many characters it has (their starts in this.characterStarts). */
  load(word) {
    if (this.word.length < word.length * 3) this.word = new Uint8Array(word.length * 3);
    const { written } = encoder.encodeInto(word, this.word);
    if (this.characterStarts.length < written + 1) this.characterStarts = new Int32Array(written + 1);
    let count = 0;
    for (let at = 0; at < written; at++) if ((this.word[at] & 0xc0) !== 0x80) this.characterStarts[count++] = at;
    this.characterStarts[count] = written;
    return count;
  }

  /** The ids of one pre-tokenized word: the best-scoring segmentation into pieces (Viterbi). */
  encode(word) {
    if (word.length === 0) return [];
    const count = this.load(word);
    const { word: bytes, characterStarts } = this;
    // best[i]: the best path over the first i characters: its score, where its last piece starts, which piece.
    const bestScore = new Float64Array(count + 1);
    const bestStart = new Int32Array(count + 1).fill(-1);
    const bestId = new Int32Array(count + 1);
    for (let start = 0; start < count; start++) {
      const scoreSoFar = bestScore[start];
      const longest = Math.min(this.longest, count - start);
      let hasSingleCharacter = false;
      let hash = FNV_OFFSET;
      for (let length = 1; length <= longest; length++) {
        for (let at = characterStarts[start + length - 1]; at < characterStarts[start + length]; at++)
          hash = Math.imul(hash ^ bytes[at], FNV_PRIME);
        const id = this.lookup(hash, bytes, characterStarts[start], characterStarts[start + length]);
        if (id === -1) continue;
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
    // Back from the end; consecutive unknown characters become one token, looked up as a whole
    // (tokenizers always fuses unknowns in a Unigram model).
    const ids = [];
    let unknownEnd = -1;
    const closeUnknownRun = (start) => {
      const from = characterStarts[start];
      const to = characterStarts[unknownEnd];
      const id = this.lookup(UnigramVocabulary.hash(bytes, from, to), bytes, from, to);
      ids.push(id === -1 ? this.unknownId : id);
      unknownEnd = -1;
    };
    let runStart = 0;
    for (let end = count; end > 0; end = bestStart[end]) {
      const start = bestStart[end];
      if (bestId[end] === this.unknownId) {
        if (unknownEnd === -1) unknownEnd = end;
        runStart = start;
        continue;
      }
      if (unknownEnd !== -1) closeUnknownRun(runStart);
      ids.push(bestId[end]);
    }
    if (unknownEnd !== -1) closeUnknownRun(runStart);
    return ids.reverse();
  }
}
