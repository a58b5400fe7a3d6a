import type { ChatInputCommandInteraction } from 'discord.js';
import type { BuildProgress, ProgressListener, ReindexReport } from '../core/knowledge-base.js';
import type { Logger } from '../logger.js';
import { truncatePlain } from './discord-limits.js';
import { t, type Language } from './i18n.js';
import { NO_MENTIONS } from './replies.js';
import { ThrottledEdits } from './throttled-edits.js';

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

/** What a rebuild did, for the admin: time, passages, what changed, and how many were embedded now or reused. */
export function describeRebuild(report: ReindexReport, language: Language): string {
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

/** A failure's reason as the admin sees it: its message, cut short. */
export function failureReason(error: unknown): string {
  return truncatePlain(error instanceof Error ? error.message : String(error), MAX_REASON_LENGTH);
}

/**
 * Runs a rebuild (/reindex's, or /corpus's after a change) while showing
 * its phases under `heading` in the deferred reply, edited at most once a
 * second. Resolves with what the rebuild resolved with once the last edit
 * went out; the caller writes the final reply.
 */
export async function withRebuildProgress<Result>(
  interaction: ChatInputCommandInteraction,
  context: { language: Language; logger: Logger },
  heading: string,
  rebuild: (onProgress: ProgressListener) => Promise<Result>,
): Promise<Result> {
  const progress = new ThrottledEdits(
    (text) => interaction.editReply({ content: text, allowedMentions: NO_MENTIONS }),
    PROGRESS_EDIT_INTERVAL_MS,
    (error) =>
      context.logger.warn(
        { err: error, command: interaction.commandName, user: interaction.user.id },
        'could not show rebuild progress',
      ),
  );
  progress.update(heading);
  try {
    return await rebuild((step) => progress.update(`${heading}\n${describeProgress(step, context.language)}`));
  } finally {
    await progress.close();
  }
}
