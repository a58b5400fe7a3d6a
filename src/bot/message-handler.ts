import type { Message } from 'discord.js';
import type { BotContext } from './context.js';
import { replyWithError, UserFacingError } from './errors.js';
import { languageOfText } from './i18n.js';
import { answerQuestion, tooManyQuestions, validQuestion } from './questions.js';
import { replyToMessage } from './replies.js';
import { formatHelp } from './commands/help.js';

export interface MessageQuestion {
  /** The question with the bot's mention removed. */
  text: string;
  source: 'dm' | 'mention';
}

/**
 * Whether a message is addressed to the bot, and what it asks: any DM, or a
 * server message that mentions the bot by name (not through @everyone, a
 * role, or a reply that pings it). Bots, including this one, are ignored.
 */
export function questionOf(message: Message, botUserId: string): MessageQuestion | undefined {
  if (message.author.bot || message.author.id === botUserId || message.system) return undefined;
  if (!message.inGuild()) return { text: message.content.trim(), source: 'dm' };
  const mentions = new RegExp(`<@!?${botUserId}>`, 'g');
  if (!message.content.match(mentions)) return undefined;
  return { text: message.content.replace(mentions, ' ').replace(/\s+/g, ' ').trim(), source: 'mention' };
}

/** `help`, `帮助`, `幫助` (or nothing but the mention) ask for the help text rather than the article. */
export function isHelpRequest(text: string): boolean {
  return /^[/!]?(help|帮助|幫助|\?|？)?[.!。！]?$/i.test(text.trim());
}

/**
 * Answers DMs and mentions like /ask, replying to the message. The bot's
 * words follow the language the question is written in. A user over the
 * rate limit is told to slow down once, and further questions are ignored
 * until the limit admits them again.
 */
export async function handleMessage(message: Message, context: BotContext): Promise<void> {
  const receivedAt = Date.now();
  const botUserId = message.client.user.id;
  const request = questionOf(message, botUserId);
  if (!request) return;
  const language = languageOfText(request.text);
  try {
    if (context.isStopping()) throw new UserFacingError('restarting');
    if (isHelpRequest(request.text)) {
      await replyToMessage(
        message,
        formatHelp({
          language,
          botName: context.botName(),
          maxQuestionLength: context.config.limits.maxQuestionLength,
        }),
      );
      return;
    }
    const admission = await context.questionLimiter.take(message.author.id);
    if (!admission.allowed) {
      // Told once per flood; answering every further message would only add to the flood.
      if (admission.repeated) {
        context.logger.debug(
          { user: message.author.id, source: request.source },
          'ignored a question from a user who was already told to slow down',
        );
        return;
      }
      throw tooManyQuestions(admission, context.questionLimiter);
    }
    const question = validQuestion(request.text, context.config.limits.maxQuestionLength);
    if (!context.knowledge.current && message.channel.isSendable()) {
      // The model is still loading: show that the bot is at it. Purely cosmetic, so a failure is ignored.
      await message.channel.sendTyping().catch(() => undefined);
    }
    const knowledgeBase = await context.knowledge.whenReady();
    const answered = await answerQuestion(knowledgeBase, question, {
      language,
      echoQuestion: false,
      source: request.source,
      asker: { userId: message.author.id, guildId: message.guildId },
      // Messages reach the bot only where it is a member: a server that invited it, or its own DMs.
      installation: request.source === 'mention' ? 'server' : 'bot-dm',
      receivedAt,
      questionLog: context.questionLog,
      ephemeral: false,
    });
    await replyToMessage(message, answered.payload);
    answered.recordDelivered();
  } catch (error) {
    await replyWithError(message, error, { logger: context.logger, language });
  }
}
