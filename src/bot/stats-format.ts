import type { APIEmbed } from 'discord.js';
import type { Passage } from '../core/corpus/corpus.js';
import type { StatsReport } from '../store/stats.js';
import { DISCORD_LIMITS, enforceLimits, truncatePlain, type ReplyPayload } from './discord-limits.js';
import { EMBED_COLORS } from './embed-colors.js';
import { t, type Language } from './i18n.js';
import { escapeQuoted, fitEscaped } from './markdown.js';

/** The chart's file name, as the embed refers to it (`attachment://…`). */
export const STATS_CHART_FILE = 'questions-per-day.png';

export interface StatsFormatOptions {
  language: Language;
  /** The served index's paragraphs, to name quoted ones by section and number; ids are shown for the others. */
  passages: readonly Passage[];
  /** A chart is attached: the embed shows it, and says what its colours mean. */
  withChart: boolean;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}

/** Lines of a field, each one escaped and cut to a line, as many as fit in a field's value. */
function lines(entries: readonly string[], language: Language): string {
  const kept: string[] = [];
  let length = 0;
  for (const entry of entries) {
    if (length + entry.length + 1 > DISCORD_LIMITS.fieldValue) break;
    kept.push(entry);
    length += entry.length + 1;
  }
  return kept.join('\n') || t(language, 'statsNone');
}

function passageLabel(passageId: string, passages: ReadonlyMap<string, Passage>, language: Language): string {
  const passage = passages.get(passageId);
  if (!passage) return fitEscaped(passageId, 120, (escaped) => escaped);
  return fitEscaped(passage.section ?? t(language, 'openingSection'), 120, (section) =>
    t(language, 'statsPassage', { section, paragraph: passage.paragraph }),
  );
}

/**
 * `/stats` as an embed in the admin's language: the counts, feedback and
 * latency, the questions the article could not answer (what it lacks), and
 * the paragraphs quoted and down-voted most.
 */
export function formatStats(report: StatsReport, options: StatsFormatOptions): ReplyPayload {
  const { language } = options;
  const byId = new Map(options.passages.map((passage) => [passage.id, passage]));
  const latency =
    report.latencyMs.p50 === null
      ? t(language, 'statsNone')
      : t(language, 'statsLatencyValue', { p50: report.latencyMs.p50, p95: report.latencyMs.p95 ?? '—' });
  const unanswered = report.unanswered.map((entry, index) =>
    fitEscaped(
      entry.question.replace(/\s+/g, ' '),
      150,
      (question) => `${index + 1}. ${question} (${t(language, 'statsTimes', { count: entry.count })})`,
    ),
  );
  if (report.declinedWithoutText > 0)
    unanswered.push(t(language, 'statsDeclinedWithoutText', { count: report.declinedWithoutText }));
  const gaps = report.coverageGaps.map(
    (entry, index) =>
      `${index + 1}. ${escapeQuoted(truncatePlain(entry.word, 60))} (${t(language, 'statsTimes', { count: entry.count })})`,
  );
  const quoted = report.mostQuoted.map(
    (entry) =>
      `• ${passageLabel(entry.passageId, byId, language)} (${t(language, 'statsTimes', { count: entry.count })})`,
  );
  const downVoted = report.mostDownVoted.map(
    (entry) => `• ${passageLabel(entry.passageId, byId, language)}: 👎 ${entry.down} · 👍 ${entry.up}`,
  );

  const embed: APIEmbed = {
    title: report.days === 1 ? t(language, 'statsDay') : t(language, 'statsTitle', { days: report.days }),
    color: EMBED_COLORS.answer,
    fields: [
      { name: t(language, 'statsQuestions'), value: String(report.questions), inline: true },
      {
        name: t(language, 'statsAnswered'),
        value: `${report.answered} (${percent(report.answered, report.questions)})`,
        inline: true,
      },
      {
        name: t(language, 'statsPartial'),
        value: `${report.partial} (${percent(report.partial, report.questions)})`,
        inline: true,
      },
      {
        name: t(language, 'statsDeclined'),
        value: `${report.declined} (${percent(report.declined, report.questions)})`,
        inline: true,
      },
      { name: t(language, 'statsFeedback'), value: `👍 ${report.votes.up} · 👎 ${report.votes.down}`, inline: true },
      { name: t(language, 'statsLatency'), value: latency, inline: true },
      {
        name: t(language, 'statsWhere'),
        value: t(language, 'statsWhereValue', {
          server: report.byInstallation.server,
          userInServer: report.byInstallation['user-in-server'],
          botDm: report.byInstallation['bot-dm'],
          privateChannel: report.byInstallation['private-channel'],
        }),
        inline: false,
      },
      { name: t(language, 'statsUnanswered'), value: lines(unanswered, language), inline: false },
      { name: t(language, 'statsCoverageGaps'), value: lines(gaps, language), inline: false },
      { name: t(language, 'statsMostQuoted'), value: lines(quoted, language), inline: false },
      { name: t(language, 'statsMostDownVoted'), value: lines(downVoted, language), inline: false },
    ],
  };
  if (report.questions === 0) embed.description = t(language, 'statsNoQuestions');
  if (options.withChart) {
    embed.image = { url: `attachment://${STATS_CHART_FILE}` };
    embed.footer = { text: t(language, 'statsChart') };
  }
  return enforceLimits({ content: '', embeds: [embed] });
}
