// Types of unigram-tokenizer.mjs (plain JavaScript, for the model process), for the tests.
export interface CompactEncoding {
  getIds(): number[];
  getLength(): number;
  getTypeIds(): number[];
}
export interface CompactUnigramTokenizer {
  encodeBatch(texts: string[]): Promise<CompactEncoding[]>;
  tokenToId(token: string): number | null;
}
export declare function compactUnigram(tokenizerFile: string, bytes?: Uint8Array): CompactUnigramTokenizer | undefined;
