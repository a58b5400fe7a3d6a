import path from 'node:path';
import type { APIEmbed } from 'discord.js';
import type { Manifest } from '../../core/index/index-store.js';
import type { BarInForce } from '../../core/search/relevance/judge.js';
import { DISCORD_LIMITS, enforceLimits, type ReplyPayload } from '../discord-limits.js';
import { EMBED_COLORS } from '../embed-colors.js';
import { t, type Language } from '../i18n.js';
import { bulletList, fitEscaped } from '../markdown.js';
import { respond } from '../replies.js';
import type { QuestionStore } from '../../store/question-store.js';
import { commandBuilder, type SlashCommand } from './command.js';

export interface AboutFormatOptions {
  language: Language;
  isRebuilding: boolean;
  /** The dense bar in force, and where it came from. */
  bar: BarInForce;
  /** What the question log keeps, as the privacy settings say. */
  kept: QuestionStore['keeps'];
  /** The gateway shards this process runs, when SHARD_COUNT is set. */
  shards?: { count: number; ids: readonly number[] } | undefined;
  /**
   * With DATABASE_URL: the shared corpus's version the index was built from, and the passage windows this
   * process's builds embedded and took from the shared cache.
   */
  sharedCorpus?: { version: number; embedded: number; reused: number } | undefined;
}

/** A model directory is shown by its name: the server's file paths are nobody's business. */
export function displayModelName(modelId: string): string {
  return path.isAbsolute(modelId) ? path.basename(modelId) : modelId;
}

/** Discord renders `<t:…>` in each reader's own time zone and language. */
function discordTimestamp(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<t:${seconds}:f> (<t:${seconds}:R>)` : iso;
}

function describeBar(bar: BarInForce, language: Language): string {
  const value = bar.bar.toFixed(2);
  return bar.source === 'MIN_SCORE'
    ? t(language, 'aboutBarMinScore', { bar: value })
    : t(language, 'aboutBarCalibrated', { bar: value, probes: bar.probes });
}

/** What the question log keeps and for how long, in the asker's language (docs/operations.md#privacy). */
export function describeKept(kept: QuestionStore['keeps'], language: Language): string {
  return [
    t(language, kept.questions ? 'aboutKeptQuestions' : 'aboutKeptCountsOnly'),
    ...(kept.questions ? [t(language, kept.dmText ? 'aboutKeptDmText' : 'aboutKeptNoDmText')] : []),
    t(language, 'aboutKeptVotes'),
    t(language, 'aboutKeptRetention', { days: kept.retentionDays }),
  ].join(' ');
}

/** Characters of a URL that would end or break a Markdown link, percent-encoded (they mean the same in a URL). */
function markdownSafeUrl(url: string): string {
  return url.replace(/[()<>\s]/g, (character) =>
    encodeURIComponent(character).replace(/[()]/g, (paren) => (paren === '(' ? '%28' : '%29')),
  );
}

/**
 * Each document as a line: its title (a link to its source, when it has one), its byline and
 * site; as many lines as fit in a field.
 */
export function documentLines(documents: Manifest['corpus']['documents']): string {
  const lines: string[] = [];
  let length = 0;
  for (const document of documents) {
    const { metadata } = document;
    const title = fitEscaped(document.title, 120, (escaped) => escaped);
    const url =
      metadata?.sourceUrl && metadata.sourceUrl.length <= 400 ? markdownSafeUrl(metadata.sourceUrl) : undefined;
    const credits = [metadata?.byline, metadata?.siteName]
      .filter((credit): credit is string => Boolean(credit))
      .map((credit) => fitEscaped(credit, 60, (escaped) => escaped));
    const line = `• ${url ? `[${title}](${url})` : title}${credits.length > 0 ? ` — ${credits.join(' · ')}` : ''}`;
    if (length + line.length + 1 > DISCORD_LIMITS.fieldValue) break;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/** /about: the article's title, how many passages, the model, when the index was built, and what is kept. */
export function formatAbout(manifest: Manifest, options: AboutFormatOptions): ReplyPayload {
  const { language } = options;
  const titles = manifest.corpus.documents.map((document) => document.title);
  const sections = manifest.corpus.documents.flatMap((document) => document.sections);
  const intro = t(language, 'aboutIntro');
  const embed: APIEmbed = {
    title: fitEscaped(titles.join(' · '), DISCORD_LIMITS.embedTitle, (escaped) => escaped),
    description: options.isRebuilding ? `${intro}\n\n${t(language, 'aboutRebuilding')}` : intro,
    color: EMBED_COLORS.answer,
    fields: [
      { name: t(language, 'aboutPassages'), value: String(manifest.passages.length), inline: true },
      {
        name: t(language, 'aboutModel'),
        value: fitEscaped(displayModelName(manifest.model.id), DISCORD_LIMITS.fieldValue, (escaped) => escaped),
        inline: true,
      },
      { name: t(language, 'aboutBuilt'), value: discordTimestamp(manifest.builtAt), inline: true },
      { name: t(language, 'aboutBar'), value: describeBar(options.bar, language), inline: false },
    ],
  };
  const documentList = documentLines(manifest.corpus.documents);
  if (documentList) embed.fields!.push({ name: t(language, 'aboutDocuments'), value: documentList, inline: false });
  if (options.shards) {
    const ids = options.shards.ids.join(', ');
    embed.fields!.push({
      name: t(language, 'aboutShards'),
      value: fitEscaped(
        t(language, 'aboutShardsValue', { ids, count: options.shards.count }),
        DISCORD_LIMITS.fieldValue,
        (escaped) => escaped,
      ),
      inline: false,
    });
  }
  if (options.sharedCorpus)
    embed.fields!.push({
      name: t(language, 'aboutCorpus'),
      value: t(language, 'aboutCorpusValue', { ...options.sharedCorpus }),
      inline: false,
    });
  const sectionList = bulletList(sections, DISCORD_LIMITS.fieldValue);
  if (sectionList) embed.fields!.push({ name: t(language, 'aboutSections'), value: sectionList, inline: false });
  embed.fields!.push({
    name: t(language, 'aboutKeptHeading'),
    value: describeKept(options.kept, language),
    inline: false,
  });
  return enforceLimits({ content: '', embeds: [embed] });
}

/** `/about`: the article's title, its number of passages, the model, when the index was built, and what is kept. */
export const about: SlashCommand = {
  name: 'about',
  data: () => commandBuilder('about', 'aboutDescription').toJSON(),

  async execute(interaction, context) {
    await respond(
      interaction,
      async () => {
        const knowledgeBase = await context.knowledge.whenReady();
        return formatAbout(knowledgeBase.manifest, {
          language: context.language,
          isRebuilding: knowledgeBase.isRebuilding,
          bar: knowledgeBase.bar,
          kept: context.questionLog.keeps,
          shards: context.config.discord.shards,
          sharedCorpus:
            knowledgeBase.corpusVersion === undefined
              ? undefined
              : { version: knowledgeBase.corpusVersion, ...knowledgeBase.windowsBuilt },
        });
      },
      { ephemeral: true, deferNow: context.knowledge.current === undefined },
    );
  },
};
