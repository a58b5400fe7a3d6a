import { MessageFlags } from 'discord.js';
import type { ReindexReport } from '../../core/knowledge-base.js';
import { DatabaseUnavailableError } from '../../store/errors.js';
import { isBotAdmin } from '../admins.js';
import { UserFacingError } from '../errors.js';
import { t } from '../i18n.js';
import { describeRebuild, failureReason, withRebuildProgress } from '../rebuild-progress.js';
import { NO_MENTIONS } from '../replies.js';
import { adminCommandBuilder, type SlashCommand } from './command.js';

/**
 * `/reindex`: re-reads the corpus and rebuilds the index, showing progress
 * in an ephemeral reply. Questions keep being answered from the old index
 * meanwhile; a second /reindex joins the rebuild in progress; a failed
 * rebuild leaves the old index serving and tells the admin why.
 */
export const reindex: SlashCommand = {
  name: 'reindex',
  data: () => adminCommandBuilder('reindex', 'reindexDescription').toJSON(),

  async execute(interaction, context) {
    const { language, logger } = context;
    if (!isBotAdmin(interaction, context.config)) throw new UserFacingError('reindexNotAllowed');

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const knowledgeBase = await context.knowledge.whenReady();
    const joined = knowledgeBase.isRebuilding;
    const heading = t(language, joined ? 'reindexJoined' : 'reindexStarted');
    logger.info({ user: interaction.user.id, guild: interaction.guildId, joined }, 'reindex requested');

    let report: ReindexReport;
    try {
      report = await withRebuildProgress(interaction, context, heading, (onProgress) =>
        knowledgeBase.reindex(onProgress),
      );
    } catch (error) {
      logger.warn({ err: error, user: interaction.user.id }, 'reindex failed; the previous index keeps serving');
      // The shared corpus's database out of reach: errors.ts says to try again later.
      if (error instanceof DatabaseUnavailableError) throw error;
      throw new UserFacingError('reindexFailed', { reason: failureReason(error) }, { cause: error });
    }
    const summary = describeRebuild(report, language);
    await interaction.editReply({ content: joined ? `${heading}\n${summary}` : summary, allowedMentions: NO_MENTIONS });
  },
};
