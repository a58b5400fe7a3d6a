/** A piece of a passage that fits the model's token window. */
/** Sentence ends in Chinese and Western text; the delimiter stays with its sentence. */
const SENTENCE = /[^。！？!?；;\n]+(?:[。！？!?；;]+[”」』）)]*|\n|$)/g;

/** Splits text into sentences, keeping every character (joining them gives the text back). */
export function splitSentences(text: string): string[] {
  const sentences = text.match(SENTENCE)?.filter((sentence) => sentence.trim().length > 0) ?? [];
  return sentences.length > 0 ? sentences : [text];
}

export type TokenCounter = (texts: readonly string[]) => Promise<number[]>;

/**
 * Cuts the text into windows of whole sentences that each fit in `maxTokens`,
 * overlapping by one sentence so an answer that spans a boundary is still
 * found. A sentence that alone is too long is cut by characters. Nothing is
 * ever dropped: every character of the text is in at least one window.
 */
export async function windowsOf(text: string, maxTokens: number, countTokens: TokenCounter): Promise<string[]> {
  const [whole] = await countTokens([text]);
  if ((whole ?? 0) <= maxTokens) return [text];

  const sentences: string[] = [];
  const sentenceTexts = splitSentences(text);
  const sentenceCounts = await countTokens(sentenceTexts);
  for (const [index, sentence] of sentenceTexts.entries()) {
    if ((sentenceCounts[index] ?? 0) <= maxTokens) sentences.push(sentence);
    else sentences.push(...(await cutByCharacters(sentence, maxTokens, countTokens)));
  }

  const windows: string[] = [];
  let start = 0;
  while (start < sentences.length) {
    let end = start + 1;
    // Grow the window while it still fits; token counts of joined text are measured, not summed.
    while (end < sentences.length) {
      const [count] = await countTokens([sentences.slice(start, end + 1).join('')]);
      if ((count ?? 0) > maxTokens) break;
      end++;
    }
    windows.push(sentences.slice(start, end).join(''));
    if (end >= sentences.length) break;
    start = end - 1 > start ? end - 1 : end;
  }
  return windows;
}

async function cutByCharacters(sentence: string, maxTokens: number, countTokens: TokenCounter): Promise<string[]> {
  const characters = [...sentence];
  const pieces: string[] = [];
  let start = 0;
  while (start < characters.length) {
    // Binary search for the longest prefix that fits.
    let low = 1;
    let high = characters.length - start;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const [count] = await countTokens([characters.slice(start, start + middle).join('')]);
      if ((count ?? 0) <= maxTokens) low = middle;
      else high = middle - 1;
    }
    pieces.push(characters.slice(start, start + low).join(''));
    start += low;
  }
  return pieces;
}
