import { MessageFlags } from 'discord.js';
import { renderQuestionsPerDay } from '../../charts/questions-per-day.js';
import { isBotAdmin } from '../admins.js';
import { UserFacingError } from '../errors.js';
import { localizations, t } from '../i18n.js';
import { NO_MENTIONS } from '../replies.js';
import { formatStats, STATS_CHART_FILE } from '../stats-format.js';
import { adminCommandBuilder, type SlashCommand } from './command.js';

/** The periods /stats offers; `npm run stats -- --days N` takes any. */
const PERIODS = [1, 7, 30] as const;
const DEFAULT_DAYS = 7;

/**
 * `/stats [days:1|7|30]`: the question log's report for the admins, in their
 * language and only to them, with a chart of the questions per day.
 */
export const stats: SlashCommand = {
  name: 'stats',
  data: () =>
    adminCommandBuilder('stats', 'statsDescription')
      .addIntegerOption((option) =>
        option
          .setName('days')
          .setNameLocalizations(localizations({ name: 'days' }))
          .setDescription(t('en', 'statsDaysDescription'))
          .setDescriptionLocalizations(localizations({ key: 'statsDaysDescription' }))
          .setRequired(false)
          .addChoices(...PERIODS.map((days) => ({ name: String(days), value: days }))),
      )
      .toJSON(),

  async execute(interaction, context) {
    if (!isBotAdmin(interaction, context.config)) throw new UserFacingError('adminOnly');
    const days = interaction.options.getInteger('days') ?? DEFAULT_DAYS;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const report = await context.questionLog.report(days);

    let chart: Buffer | undefined;
    if (report.questions > 0) {
      try {
        chart = await renderQuestionsPerDay(report.perDay);
      } catch (error) {
        // The numbers are the report; a chart that cannot be drawn leaves them, without the picture.
        context.logger.warn({ err: error }, 'could not draw the stats chart');
      }
    }
    const payload = formatStats(report, {
      language: context.language,
      passages: context.knowledge.current?.manifest.passages ?? [],
      withChart: chart !== undefined,
    });
    await interaction.editReply({
      ...payload,
      files: chart ? [{ attachment: chart, name: STATS_CHART_FILE }] : [],
      allowedMentions: NO_MENTIONS,
    });
  },
};
