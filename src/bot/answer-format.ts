import type { APIEmbed } from 'discord.js';
import type { Answer } from '../core/knowledge-base.js';
import { citationLink } from './citation-links.js';
import { DISCORD_LIMITS, enforceLimits, truncatePlain, type ReplyPayload } from './discord-limits.js';
import { EMBED_COLORS } from './embed-colors.js';
import { excerpt } from './excerpt.js';
import { t, type Language } from './i18n.js';
import { bulletList, escapeQuoted, escapeQuotedWithoutPreviews, fitEscaped } from './markdown.js';

const ELLIPSIS = '…';
/** Room kept free under the 6000 total so rounding in the budget can never tip a message over. */
const TOTAL_SAFETY_MARGIN = 64;
/** A long question is echoed only this far: the answer, not the question, is what the reader came for. */
const ECHOED_QUESTION_LENGTH = 300;

export interface AnswerFormatOptions {
  language: Language;
  /** The article's sections, listed when the question is not covered. */
  sections: readonly string[];
  /** Repeat the question above the answer (slash commands, where the question is otherwise hidden). */
  echoQuestion: boolean;
  /** The corpus has several documents: each quoted passage names its document's title. */
  multipleDocuments?: boolean;
  /** Source URLs by document name: a quoted passage's title links to its sentence there. */
  sourceUrls?: ReadonlyMap<string, string>;
}

/** The quoted passage's link to its source, at its best sentence (or its opening), if its document has a source. */
function sourceLink(result: Answer['results'][number], sourceUrls: AnswerFormatOptions['sourceUrls']) {
  const sourceUrl = sourceUrls?.get(result.passage.document);
  if (!sourceUrl) return undefined;
  const best = result.highlights[0];
  const quoted = best ? result.passage.text.slice(best.start, best.end) : result.passage.text;
  return citationLink(sourceUrl, quoted);
}

function formatScore(score: number): string {
  return score.toFixed(2);
}

function questionLine(question: string, language: Language): string {
  const oneLine = question.replace(/\s+/g, ' ').trim();
  // Links are echoed without their previews: the asker's link is theirs, not the bot's to repost with a card.
  return fitEscaped(
    truncatePlain(oneLine, ECHOED_QUESTION_LENGTH),
    DISCORD_LIMITS.content,
    (escaped) => t(language, 'questionEcho', { question: escaped }),
    escapeQuotedWithoutPreviews,
  );
}

/** How many of the question's words a caveat names, of those the article has and of those it lacks. */
const CAVEAT_WORDS = 3;
/** A caveat's longest word: a question's words are short; a cut one still says which it is. */
const CAVEAT_WORD_LENGTH = 40;

/**
 * The caveat above a partial answer, in the asker's language: the words of the question the
 * article has, and those it never mentions (as the question spells them, escaped).
 */
function partialCaveat(answer: Answer, language: Language): string {
  const words = (list: readonly string[], quote: boolean) =>
    list
      .slice(0, CAVEAT_WORDS)
      .map((word) => escapeQuoted(truncatePlain(word, CAVEAT_WORD_LENGTH)))
      .map((word) => (quote ? t(language, 'partialWord', { word }) : word))
      .join(t(language, 'wordSeparator'));
  const missing = words(answer.missing, true);
  return answer.covered.length > 0
    ? t(language, 'partialMentions', { covered: words(answer.covered, false), missing })
    : t(language, 'partialMissing', { missing });
}

function notCoveredEmbed(language: Language, sections: readonly string[]): APIEmbed {
  const intro = t(language, 'notCoveredBody');
  const heading = t(language, 'sectionsHeading');
  const list = bulletList(sections, DISCORD_LIMITS.embedDescription - intro.length - heading.length - 4);
  return {
    title: t(language, 'notCoveredTitle'),
    description: list ? `${intro}\n\n${heading}\n${list}` : intro,
    color: EMBED_COLORS.notCovered,
  };
}

/**
 * Turns an answer into a reply that always fits Discord's limits: one embed
 * per quoted passage (section and paragraph in the title, relevance in the
 * footer, best sentences in bold), the passages sharing the message's
 * character budget, under a caveat naming what the article lacks when the
 * answer is partial; or, when nothing is relevant, a plain statement that the
 * article does not seem to cover the question, with its sections.
 */
export function formatAnswer(answer: Answer, options: AnswerFormatOptions): ReplyPayload {
  const { language } = options;
  const echo = options.echoQuestion ? questionLine(answer.question, language) : '';
  if (answer.outcome === 'declined' || answer.results.length === 0) {
    return enforceLimits({ content: echo, embeds: [notCoveredEmbed(language, options.sections)] });
  }
  const partial = answer.outcome === 'partial';
  const content = [echo, partial ? partialCaveat(answer, language) : ''].filter(Boolean).join('\n');

  const results = answer.results.slice(0, DISCORD_LIMITS.embeds);
  const frames = results.map((result) => {
    const { passage } = result;
    const title = fitEscaped(passage.section ?? t(language, 'openingSection'), DISCORD_LIMITS.embedTitle, (section) =>
      t(language, 'passageTitle', { rank: result.rank, section, paragraph: passage.paragraph }),
    );
    const coverage = Math.round(result.coverage * 100);
    const footer = truncatePlain(
      coverage > 0
        ? t(language, 'passageFooterWithWords', { score: formatScore(result.score), coverage })
        : t(language, 'passageFooter', { score: formatScore(result.score) }),
      DISCORD_LIMITS.embedFooter,
    );
    // The document's title, shown above the passage when there is more than one document to quote from.
    const author = options.multipleDocuments ? truncatePlain(passage.title, DISCORD_LIMITS.embedAuthor) : undefined;
    return { result, title, footer, author };
  });
  const fixedCost = frames.reduce(
    (sum, frame) => sum + frame.title.length + frame.footer.length + (frame.author?.length ?? 0),
    0,
  );
  const descriptionBudget = Math.max(
    0,
    Math.min(
      DISCORD_LIMITS.embedDescription,
      Math.floor((DISCORD_LIMITS.embedTotal - TOTAL_SAFETY_MARGIN - fixedCost) / frames.length),
    ),
  );
  const embeds: APIEmbed[] = frames.map(({ result, title, footer, author }) => {
    // The citation (the embed's title) links to the quoted sentence in its source page, when there is one.
    const link = sourceLink(result, options.sourceUrls);
    return {
      ...(author ? { author: { name: author } } : {}),
      title,
      ...(link ? { url: link } : {}),
      description: excerpt(result.passage.text, result.highlights, descriptionBudget) || ELLIPSIS,
      footer: { text: footer },
      color: partial ? EMBED_COLORS.partial : EMBED_COLORS.answer,
    };
  });
  return enforceLimits({ content, embeds });
}
