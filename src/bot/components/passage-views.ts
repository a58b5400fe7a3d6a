import type { APIEmbed } from 'discord.js';
import type { Passage } from '../../core/corpus/corpus.js';
import type { Manifest } from '../../core/index/index-store.js';
import { DISCORD_LIMITS, enforceLimits, truncatePlain, type ReplyPayload } from '../discord-limits.js';
import { EMBED_COLORS } from '../embed-colors.js';
import { excerpt } from '../excerpt.js';
import { t, type Language } from '../i18n.js';
import { fitEscaped } from '../markdown.js';
import { citationLink, sourceUrlsOf } from '../citation-links.js';
import { splitSentences } from '../../core/corpus/windows.js';

/** Source URLs by document name: a passage from a document with a source links to it (see citation-links.ts). */
export type SourceUrls = ReadonlyMap<string, string>;

/** Room kept free under the 6000 total so that rounding in the budget can never tip a message over. */
const TOTAL_SAFETY_MARGIN = 64;

interface Entry {
  passage: Passage;
  title: string;
  /** Grey for passages shown for their surroundings, blurple for the one that matters. */
  highlighted: boolean;
}

const sectionOf = (passage: Passage, language: Language) => passage.section ?? t(language, 'openingSection');

/** Passages as embeds sharing one message's budget, each whole when it fits, its beginning otherwise. */
export function passageEmbeds(entries: readonly Entry[], footer?: string, sources?: SourceUrls): APIEmbed[] {
  const fixed = entries.reduce((sum, entry) => sum + entry.title.length, 0) + (footer?.length ?? 0);
  const budget = Math.max(
    0,
    Math.min(
      DISCORD_LIMITS.embedDescription,
      Math.floor((DISCORD_LIMITS.embedTotal - TOTAL_SAFETY_MARGIN - fixed) / Math.max(1, entries.length)),
    ),
  );
  return entries.map((entry, index) => ({
    title: entry.title,
    ...linkOf(entry.passage, sources),
    description: excerpt(entry.passage.text, [], budget) || '…',
    color: entry.highlighted ? EMBED_COLORS.answer : EMBED_COLORS.notCovered,
    ...(footer && index === entries.length - 1 ? { footer: { text: footer } } : {}),
  }));
}

/** The passage's link to its source, at its opening, when its document has one. */
function linkOf(passage: Passage, sources: SourceUrls | undefined): { url?: string } {
  const sourceUrl = sources?.get(passage.document);
  const url = sourceUrl ? citationLink(sourceUrl, splitSentences(passage.text)[0] ?? passage.text) : undefined;
  return url ? { url } : {};
}

function titled(text: string): string {
  return fitEscaped(text, DISCORD_LIMITS.embedTitle, (escaped) => escaped);
}

/** "More": the passages ranked after the quoted ones, said to be so. */
export function moreView(passages: readonly Passage[], language: Language, sources?: SourceUrls): ReplyPayload {
  const entries = passages.map((passage) => ({
    passage,
    title: titled(
      t(language, 'moreTitleEntry', { section: sectionOf(passage, language), paragraph: passage.paragraph }),
    ),
    highlighted: true,
  }));
  return enforceLimits({
    content: truncatePlain(`**${t(language, 'moreTitle')}**\n${t(language, 'moreNote')}`, DISCORD_LIMITS.content),
    embeds: passageEmbeds(entries, undefined, sources),
  });
}

/** The paragraphs of the same document before and after one, the quoted one marked. */
export function contextView(manifest: Manifest, index: number, language: Language): ReplyPayload {
  const passage = manifest.passages[index]!;
  const neighbours = [index - 1, index, index + 1]
    .map((position) => manifest.passages[position])
    .filter((candidate): candidate is Passage => candidate !== undefined && candidate.document === passage.document);
  const entries = neighbours.map((neighbour) => ({
    passage: neighbour,
    title: titled(
      t(language, 'contextEntry', {
        marker: neighbour === passage ? t(language, 'contextQuoted') : '',
        paragraph: neighbour.paragraph,
        section: sectionOf(neighbour, language),
      }),
    ),
    highlighted: neighbour === passage,
  }));
  const heading = fitEscaped(sectionOf(passage, language), 200, (section) =>
    t(language, 'contextHeading', { section }),
  );
  return enforceLimits({
    content: `**${heading}**`,
    embeds: passageEmbeds(entries, undefined, sourceUrlsOf(manifest)),
  });
}

/** A declined question's closest passage, labelled as possibly not answering it. */
export function closestView(passage: Passage, language: Language, sources?: SourceUrls): ReplyPayload {
  const entry = {
    passage,
    title: titled(
      t(language, 'moreTitleEntry', { section: sectionOf(passage, language), paragraph: passage.paragraph }),
    ),
    highlighted: false,
  };
  return enforceLimits({
    content: `**${t(language, 'closestTitle')}**`,
    embeds: passageEmbeds([entry], undefined, sources),
  });
}
