import { DiscordAPIError, HTTPError, MessageFlags, RESTJSONErrorCodes, type Message } from 'discord.js';
import { CorpusEditError } from '../core/corpus/corpus-edit-error.js';
import { ModelUnavailableError } from '../core/embedding/embedder.js';
import { EmptyQuestionError } from '../core/knowledge-base.js';
import { DatabaseUnavailableError } from '../store/errors.js';
import { corpusProblemMessage } from './corpus-problems.js';
import { installationOf } from './installation.js';
import type { Logger } from '../logger.js';
import { t, type Language, type MessageKey, type MessageParams } from './i18n.js';
import { NO_MENTIONS, type AnswerableInteraction } from './replies.js';
import { DISCORD_LIMITS, truncatePlain } from './discord-limits.js';
import { questionSourceOf, reportQuestion } from './question-events.js';

/**
 * An expected problem the user can do something about (an empty or too long
 * question, a command they may not use, a rebuild that failed): it becomes a
 * clear reply in the user's language, ephemeral where Discord allows it, and
 * is not logged as an error.
 */
export class UserFacingError extends Error {
  readonly ephemeral: boolean;

  constructor(
    readonly key: MessageKey,
    readonly params: MessageParams = {},
    options: { ephemeral?: boolean; cause?: unknown } = {},
  ) {
    super(t('en', key, params), { cause: options.cause });
    this.name = 'UserFacingError';
    this.ephemeral = options.ephemeral ?? true;
  }
}

/** Discord error codes meaning the reply can no longer be delivered: retrying or apologising is pointless. */
const UNDELIVERABLE_CODES = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownMessage,
  // The 3 s window or the 15 min token expired.
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.MissingPermissions,
]);

function isUndeliverable(error: unknown): boolean {
  return error instanceof DiscordAPIError && typeof error.code === 'number' && UNDELIVERABLE_CODES.has(error.code);
}

/** Problems the core reports that are the user's to fix. */
function asUserFacing(error: unknown): UserFacingError | undefined {
  if (error instanceof UserFacingError) return error;
  if (error instanceof EmptyQuestionError) return new UserFacingError('emptyQuestion', {}, { cause: error });
  // The model hung or died (and is being started again): the question was fine, asking again will work.
  if (error instanceof ModelUnavailableError) return new UserFacingError('modelUnavailable', {}, { cause: error });
  // A /corpus change or /reindex needs the shared corpus's database: nothing was changed, and it may be tried again.
  if (error instanceof DatabaseUnavailableError)
    return new UserFacingError('sharedDatabaseUnavailable', {}, { cause: error });
  if (error instanceof CorpusEditError) {
    const { key, params } = corpusProblemMessage(error.problem);
    return new UserFacingError(key, params, { cause: error });
  }
  return undefined;
}

export interface ErrorReplyContext {
  logger: Logger;
  language: Language;
}

type Target = AnswerableInteraction | Message;

function isInteraction(target: Target): target is AnswerableInteraction {
  return 'applicationId' in target && 'token' in target && !('author' in target);
}

function describe(target: Target): Record<string, string | null> {
  if (isInteraction(target)) {
    const what: Record<string, string> = target.isMessageComponent()
      ? { component: target.customId }
      : { command: target.commandName };
    return {
      ...what,
      user: target.user.id,
      guild: target.guildId,
      channel: target.channelId,
      installation: installationOf(target),
    };
  }
  return {
    source: target.inGuild() ? 'mention' : 'dm',
    user: target.author.id,
    guild: target.guildId,
    channel: target.channelId,
  };
}

async function deliverToInteraction(
  interaction: AnswerableInteraction,
  text: string,
  ephemeral: boolean,
): Promise<void> {
  const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
  if (interaction.deferred) {
    // A deferred reply (edited or not: discord.js marks it replied once edited) keeps the
    // visibility chosen when deferring; replacing it with the message completes it.
    await interaction.editReply({ content: text, embeds: [], allowedMentions: NO_MENTIONS });
  } else if (interaction.replied) {
    await interaction.followUp({ content: text, flags, allowedMentions: NO_MENTIONS });
  } else {
    await interaction.reply({ content: text, flags, allowedMentions: NO_MENTIONS });
  }
}

/**
 * The one place where errors become replies, for slash commands and for
 * messages alike. Expected problems get their clear message; anything else
 * is logged with its context and the user gets a short apology, never a
 * stack trace and never silence. It never throws: a reply that cannot be
 * delivered (an expired interaction, a deleted channel) is logged instead.
 */
export async function replyWithError(target: Target, error: unknown, context: ErrorReplyContext): Promise<void> {
  const { logger, language } = context;
  const where = describe(target);
  const expected = asUserFacing(error);
  const source = questionSourceOf(target);
  // A reply Discord refused was for a question already counted when it was answered.
  if (source && !(error instanceof DiscordAPIError || error instanceof HTTPError)) {
    const outcome = expected ? (expected.key === 'rateLimited' ? 'rate_limited' : 'refused') : 'failed';
    reportQuestion({ source, outcome });
  }
  if (expected) {
    // Refusals are everyday traffic: at info, what and why, not who and where (the question log keeps only keyed
    // hashes of askers, and the log should not undo that); the ids are there at debug, for tracing one case.
    const { user: _user, guild: _guild, channel: _channel, ...what } = where;
    logger.info({ ...what, problem: expected.key }, 'told the user about a problem they can fix');
    logger.debug({ ...where, problem: expected.key }, 'the problem was told to this user, here');
  } else if (isUndeliverable(error)) {
    // The failure was sending the reply itself; a second attempt would fail the same way.
    logger.warn({ err: error, ...where }, 'a reply could not be delivered');
    return;
  } else {
    logger.error({ err: error, ...where }, 'failed to answer');
  }

  const text = truncatePlain(
    expected ? t(language, expected.key, expected.params) : t(language, 'unexpected'),
    DISCORD_LIMITS.content,
  );
  try {
    if (isInteraction(target)) await deliverToInteraction(target, text, expected?.ephemeral ?? true);
    else await target.reply({ content: text, allowedMentions: NO_MENTIONS });
  } catch (replyError) {
    logger.warn({ err: replyError, ...where }, 'could not deliver the error reply');
  }
}
