import { MessageFlags } from 'discord.js';
import type { BuildProgress, ReindexReport } from '../../core/knowledge-base.js';
import { ADMIN_DEFAULT_PERMISSIONS, isBotAdmin } from '../admins.js';
import { UserFacingError } from '../errors.js';
import { t, type Language } from '../i18n.js';
import { NO_MENTIONS } from '../replies.js';
import { truncatePlain } from '../discord-limits.js';
import { ThrottledEdits } from '../throttled-edits.js';
import { commandBuilder, type SlashCommand } from './command.js';

/** Discord allows about five edits of a message per five seconds; progress stays well under that. */
const PROGRESS_EDIT_INTERVAL_MS = 1000;
/** A failure's reason is shown to the admin, but not at the length of a stack of nested causes. */
const MAX_REASON_LENGTH = 1500;

function describeProgress(progress: BuildProgress, language: Language): string {
  switch (progress.phase) {
    case 'reading':
      return t(language, 'reindexReading');
    case 'embedding': {
      const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 100;
      return t(language, 'reindexEmbedding', { done: progress.done, total: progress.total, percent });
    }
    case 'writing':
      return t(language, 'reindexWriting');
  }
}

function describeReport(report: ReindexReport, language: Language): string {
  return t(language, 'reindexDone', {
    seconds: (report.durationMs / 1000).toFixed(1),
    passages: report.passages,
    previousPassages: report.previousPassages,
    added: report.added,
    removed: report.removed,
    changed: report.changed,
    embedded: report.embedded,
    reused: report.reused,
  });
}

/**
 * `/reindex`: re-reads the corpus and rebuilds the index, showing progress
 * in an ephemeral reply. Questions keep being answered from the old index
 * meanwhile; a second /reindex joins the rebuild in progress; a failed
 * rebuild leaves the old index serving and tells the admin why.
 */
export const reindex: SlashCommand = {
  name: 'reindex',
  data: () =>
    commandBuilder('reindex', 'reindexDescription').setDefaultMemberPermissions(ADMIN_DEFAULT_PERMISSIONS).toJSON(),

  async execute(interaction, context) {
    const { language, logger } = context;
    if (!isBotAdmin(interaction, context.config)) throw new UserFacingError('reindexNotAllowed');

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const knowledgeBase = await context.knowledge.whenReady();
    const joined = knowledgeBase.isRebuilding;
    const heading = t(language, joined ? 'reindexJoined' : 'reindexStarted');
    const progress = new ThrottledEdits(
      (text) => interaction.editReply({ content: text, allowedMentions: NO_MENTIONS }),
      PROGRESS_EDIT_INTERVAL_MS,
      (error) =>
        logger.warn({ err: error, command: 'reindex', user: interaction.user.id }, 'could not show reindex progress'),
    );
    progress.update(heading);
    logger.info({ user: interaction.user.id, guild: interaction.guildId, joined }, 'reindex requested');

    let report: ReindexReport;
    try {
      report = await knowledgeBase.reindex((step) =>
        progress.update(`${heading}\n${describeProgress(step, language)}`),
      );
    } catch (error) {
      await progress.close();
      logger.warn({ err: error, user: interaction.user.id }, 'reindex failed; the previous index keeps serving');
      const reason = truncatePlain(error instanceof Error ? error.message : String(error), MAX_REASON_LENGTH);
      throw new UserFacingError('reindexFailed', { reason }, { cause: error });
    }
    await progress.close();
    const summary = describeReport(report, language);
    await interaction.editReply({ content: joined ? `${heading}\n${summary}` : summary, allowedMentions: NO_MENTIONS });
  },
};
