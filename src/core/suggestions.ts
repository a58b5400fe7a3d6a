import type { Passage } from './corpus/corpus.js';
import type { Manifest } from './index/index-store.js';
import { searchParts, taggedWords } from './search/lexical.js';
import { normalizeText } from './corpus/normalize.js';
import { FUNCTION_TAGS, wordSpecificity } from './search/relevance/specificity.js';
import { splitSentences } from './corpus/windows.js';

/**
 * What to offer someone who does not know what to ask: the article's
 * topics (for example questions that are sure to be answerable), and the
 * sections and paragraphs that match what they have typed so far. Computed
 * from the served index, whatever the corpus, and kept per index.
 */

/** Paragraphs scanned for topics: enough to find a large corpus's recurring names without a long pause. */
const TOPIC_SCAN_LIMIT = 400;
const WORD_OR_NAME = /^[\p{Script=Han}\p{Script=Latin}\p{N}]+$/u;

interface ArticleIndex {
  topics: string[];
  /** Each passage's text as search sees it (simplified, lower case). */
  normalized: string[];
  sections: Array<{ title: string; normalized: string; firstPassage: number }>;
}

const byManifest = new WeakMap<Manifest, ArticleIndex>();

function articleIndex(manifest: Manifest): ArticleIndex {
  let index = byManifest.get(manifest);
  if (!index) {
    const sections: ArticleIndex['sections'] = [];
    manifest.passages.forEach((passage, position) => {
      if (passage.section && !sections.some((section) => section.title === passage.section)) {
        sections.push({ title: passage.section, normalized: normalizeText(passage.section), firstPassage: position });
      }
    });
    index = {
      topics: findTopics(manifest.passages.slice(0, TOPIC_SCAN_LIMIT)),
      normalized: manifest.passages.map((passage) => normalizeText(passage.text)),
      sections,
    };
    byManifest.set(manifest, index);
  }
  return index;
}

/**
 * Names and rare terms that recur across paragraphs (英伟达, DeepSeek, 杰文斯):
 * runs of one to three words with no function word at either end, as
 * specific as a name in the language at large, found in at least two
 * paragraphs; a run inside a longer one found almost as often gives way to
 * it (伟达 to 英伟达). Most recurring first.
 */
function findTopics(passages: readonly Passage[]): string[] {
  const found = new Map<string, Set<number>>();
  passages.forEach((passage, position) => {
    const words = taggedWords(passage.text);
    for (let start = 0; start < words.length; start++) {
      for (let length = 1; length <= 3 && start + length <= words.length; length++) {
        const run = words.slice(start, start + length);
        if (!run.every(({ word }) => WORD_OR_NAME.test(word))) break;
        if (FUNCTION_TAGS.test(run[0]!.tag) || FUNCTION_TAGS.test(run.at(-1)!.tag)) continue;
        const text = run.map(({ word }) => word).join('');
        const characters = [...text].length;
        if (characters < 2 || characters > 12 || /^\p{N}+$/u.test(text)) continue;
        const tag = length === 1 ? run[0]!.tag : undefined;
        if (wordSpecificity({ word: text, tag, parts: searchParts(text) }) < 1) continue;
        if (!found.has(text)) found.set(text, new Set());
        found.get(text)!.add(position);
      }
    }
  });
  const recurring = [...found].filter(([, where]) => where.size >= 2);
  const kept = recurring.filter(
    ([text, where]) =>
      !recurring.some(
        ([other, elsewhere]) => other !== text && other.includes(text) && elsewhere.size >= where.size * 0.8,
      ),
  );
  kept.sort((left, right) => right[1].size - left[1].size || right[0].length - left[0].length);
  return kept.map(([text, where]) => surfaceForm(text, passages[[...where][0]!]!.text));
}

/** The topic as the article writes it (DeepSeek, not deepseek), when it can be found so. */
function surfaceForm(normalized: string, text: string): string {
  const at = text.toLowerCase().indexOf(normalized);
  return at >= 0 && text.slice(at, at + normalized.length).toLowerCase() === normalized
    ? text.slice(at, at + normalized.length)
    : normalized;
}

/** The article's most recurring topics, for example questions it is sure to answer. */
export function articleTopics(manifest: Manifest, count: number): string[] {
  return articleIndex(manifest).topics.slice(0, count);
}

export interface TextMatch {
  kind: 'section' | 'paragraph';
  /** A section's title, or a paragraph's opening sentence. */
  text: string;
  /** The passage it leads to: a section's first paragraph, or the paragraph itself. */
  passage: number;
}

/** A paragraph's first sentence, without surrounding space. */
export function openingOf(text: string): string {
  return (splitSentences(text)[0] ?? text).trim();
}

/**
 * Sections whose titles, then paragraphs whose text, contain everything
 * typed (each space-separated part, compared as search compares:
 * simplified, lower case). Sections first; both in the article's order.
 */
export function matchTyped(manifest: Manifest, typed: string, limit: number): TextMatch[] {
  const parts = normalizeText(typed).split(/\s+/).filter(Boolean);
  if (parts.length === 0 || limit <= 0) return [];
  const index = articleIndex(manifest);
  const containsAll = (text: string) => parts.every((part) => text.includes(part));
  const matches: TextMatch[] = index.sections
    .filter((section) => containsAll(section.normalized))
    .map((section) => ({ kind: 'section' as const, text: section.title, passage: section.firstPassage }));
  for (let position = 0; position < index.normalized.length && matches.length < limit; position++) {
    if (containsAll(index.normalized[position]!)) {
      matches.push({ kind: 'paragraph', text: openingOf(manifest.passages[position]!.text), passage: position });
    }
  }
  return matches.slice(0, limit);
}
