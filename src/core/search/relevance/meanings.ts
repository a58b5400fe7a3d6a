import type { LexicalEvidence, LexicalIndex, LinkedWord } from '../lexical.js';
import { baseForms, type Dictionary, type MeaningLink } from '../meaning/dictionary.js';

/**
 * A linked word counts as found with this weight times the link's own (how specific the shared
 * gloss is): a synonym or a translation is evidence, but less than the word itself.
 */
export const LINK_WEIGHT = 0.9;

/** The question's words, what the article holds of each, and what the dictionary added. */
export interface MeaningEvidence extends LexicalEvidence {
  /** Per word: the article's words the dictionary linked it to, with the weight each counts for (empty when none). */
  links: LinkedWord['links'][];
  /**
   * Per word: whether the dictionary knows it (a word, not a slip of segmentation such as 钱建),
   * so that its absence from the article means something in any script.
   */
  known: boolean[];
  /**
   * Per word: how much of its meaning the article has anywhere, 0–1: the word itself, or a linked
   * word by how surely it means the same (without LINK_WEIGHT, which weighs a passage's evidence,
   * not whether the article has the meaning at all).
   */
  inArticle: number[];
}

const HAN = /\p{Script=Han}/u;
const LATIN = /^[\p{Script=Latin}' -]+$/u;

/** The passages that have all of `word`: as one of their terms, or (a long Chinese word) every one of its bigrams. */
function wholeMatches(index: LexicalIndex, word: string): Map<number, number> {
  return new Map([...index.matchesOf(word)].filter(([, match]) => match === 1));
}

function bestMatch(matches: readonly number[]): number {
  let best = 0;
  for (const match of matches) if (match > best) best = match;
  return best;
}

/**
 * Adds the dictionary's meanings to a question's lexical evidence. A word the article lacks (not
 * wholly found in any passage) counts as partly found where a passage has a synonym of it (Chinese
 * words sharing a specific English gloss) or a translation of it (an English word or two-word
 * phrase → the Chinese words it glosses).
 */
export function withMeanings(evidence: LexicalEvidence, index: LexicalIndex, dictionary: Dictionary): MeaningEvidence {
  const { words } = evidence;
  const matches = evidence.matches.map((perPassage) => [...perPassage]);
  const links = words.map((): Array<{ word: string; weight: number }> => []);
  const lacking = evidence.matches.map((perPassage) => bestMatch(perPassage) < 1);
  // Only a word the article lacks needs to be known to the dictionary (its absence is what counts).
  const known = words.map(({ word, content }, index) => lacking[index]! && content && dictionary.knows(word));
  const inArticle = evidence.matches.map(bestMatch);

  /** `discount`: LINK_WEIGHT for a synonym or a translation, 1 for the same word inflected. */
  const apply = (wordIndex: number, found: readonly MeaningLink[], discount = LINK_WEIGHT) => {
    if (!lacking[wordIndex]) return;
    for (const link of found) {
      // A linked word counts where a passage has all of it (英伟达 by its bigrams too), not a share of it.
      const present = wholeMatches(index, link.word);
      if (present.size === 0) continue;
      const weight = discount * link.weight;
      links[wordIndex]!.push({ word: link.word, weight });
      const row = matches[wordIndex]!;
      for (const [passage, match] of present) {
        row[passage] = Math.max(row[passage]!, weight * match);
        inArticle[wordIndex] = Math.max(inArticle[wordIndex]!, link.weight * match);
      }
    }
  };

  words.forEach(({ word, parts, content, specificity }, wordIndex) => {
    // A function word (分别, 这轮) carries no meaning to look up: its links would only be noise.
    if (!lacking[wordIndex] || (!content && specificity === 0)) return;
    if (HAN.test(word)) {
      apply(wordIndex, dictionary.synonyms(word));
      // A compound with one part said otherwise (分析师 where the article writes 剖析师: 分析 and 剖析 share "to analyze").
      if (links[wordIndex]!.length > 0) return;
      for (const part of parts) {
        const variants = dictionary
          .synonyms(part)
          .map((link) => ({ word: word.replace(part, link.word), weight: link.weight }));
        apply(wordIndex, variants);
      }
    } else if (LATIN.test(word)) {
      // The same English word inflected otherwise (ETFs in the question, ETF in the article) is the word itself.
      const forms = baseForms(word).slice(1);
      apply(
        wordIndex,
        forms.map((form) => ({ word: form, weight: 1 })),
        1,
      );
      apply(wordIndex, dictionary.translations(word));
    }
  });
  // English phrases of two words ("market value" → 市值) link both their words.
  for (let wordIndex = 0; wordIndex + 1 < words.length; wordIndex++) {
    const [first, second] = [words[wordIndex]!.word, words[wordIndex + 1]!.word];
    if (!LATIN.test(first) || !LATIN.test(second) || (!lacking[wordIndex] && !lacking[wordIndex + 1])) continue;
    const phrase = dictionary.translations(`${first} ${second}`);
    apply(wordIndex, phrase);
    apply(wordIndex + 1, phrase);
  }
  return { words, matches, links, known, inArticle };
}

/**
 * The words the dictionary translated, as the lexical ranker takes them (see LexicalIndex.search):
 * an English word the article has nowhere ranks by its Chinese translations, weighed by how
 * specific the word is (an everyday word says little of which passage answers). A Chinese word
 * ranks by itself: its synonyms count as evidence for the decision, not in the ranking, where
 * the looser ones (主要 → 基本, "main") outweighed the question's own words.
 */
export function linkedWords(meaning: MeaningEvidence, lexical: LexicalEvidence): LinkedWord[] {
  return meaning.words
    .map((word, index) => ({
      word: word.word,
      links: meaning.links[index]!,
      rankWeight: word.specificity,
      ranked: !HAN.test(word.word) && bestMatch(lexical.matches[index]!) === 0,
    }))
    .filter((entry) => entry.ranked && entry.links.length > 0)
    .map(({ word, links, rankWeight }) => ({ word, links, rankWeight }));
}
