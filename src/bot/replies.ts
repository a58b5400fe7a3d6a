import {
  MessageFlags,
  type ChatInputCommandInteraction,
  type Message,
  type MessageComponentInteraction,
  type MessageContextMenuCommandInteraction,
  type MessageMentionOptions,
} from 'discord.js';
import type { ReplyPayload } from './discord-limits.js';

/** The interactions the bot answers with a message: slash and message commands, buttons and select menus. */
export type AnswerableInteraction =
  ChatInputCommandInteraction | MessageContextMenuCommandInteraction | MessageComponentInteraction;

/**
 * Nobody is ever pinged by the bot: not @everyone or @here, no role, no
 * user, not even the author of the message it replies to, whatever the
 * question or the article contains. Sent with every message, and set as the
 * client's default as a second guard.
 */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const satisfies MessageMentionOptions;

/**
 * Discord voids an interaction that is not acknowledged within 3 s of its
 * creation. An answer ready within this much is sent as the reply itself;
 * otherwise the interaction is deferred first, leaving the rest of the
 * window for network latency.
 */
export const ANSWER_DIRECTLY_WITHIN_MS = 1500;

export interface RespondOptions {
  /** Only the asker sees the reply. */
  ephemeral: boolean;
  /** Defer at once: the answer will certainly take long (the knowledge base is still loading). */
  deferNow?: boolean;
}

type Outcome<T> = { settled: true; value: T } | { settled: false };

function within<T>(work: Promise<T>, ms: number): Promise<Outcome<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ settled: false }), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve({ settled: true, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        // The producer's own error, unchanged: the one error handler decides what it means.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}

/**
 * Answers an interaction in time, whatever `produce` takes: directly when it
 * is quick, otherwise by deferring within Discord's window and completing
 * the deferred reply when the answer is ready. Errors from `produce` reach
 * the caller (and from there the one error handler), deferred or not.
 */
export async function respond(
  interaction: AnswerableInteraction,
  produce: () => Promise<ReplyPayload>,
  options: RespondOptions,
): Promise<void> {
  const flags = options.ephemeral ? MessageFlags.Ephemeral : undefined;
  const work = produce();
  // Observed now so that a failure while the deferral is in flight is not reported as unhandled; it is awaited below.
  work.catch(() => undefined);
  if (!options.deferNow) {
    const remaining = Math.max(
      0,
      Math.min(ANSWER_DIRECTLY_WITHIN_MS, interaction.createdTimestamp + ANSWER_DIRECTLY_WITHIN_MS - Date.now()),
    );
    const outcome = await within(work, remaining);
    if (outcome.settled) {
      await interaction.reply({ ...outcome.value, flags, allowedMentions: NO_MENTIONS });
      return;
    }
  }
  await interaction.deferReply({ flags });
  const payload = await work;
  await interaction.editReply({ ...payload, allowedMentions: NO_MENTIONS });
}

/** Replies to a message (a DM or a mention) without pinging anyone, the author included. */
export async function replyToMessage(message: Message, payload: ReplyPayload): Promise<void> {
  await message.reply({ ...payload, allowedMentions: NO_MENTIONS });
}
