import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ContextMenuCommandBuilder,
  InteractionContextType,
} from 'discord.js';
import { UserFacingError } from '../errors.js';
import { localizations, t } from '../i18n.js';
import { answerQuestion, tooManyQuestions, validQuestion, type AnsweredQuestion } from '../questions.js';
import { respond } from '../replies.js';
import { cutCleanly } from '../suggestion-choices.js';
import type { MessageCommand } from './command.js';

/**
 * "Apps → Ask the article" on any message: that message's text is the
 * question, answered privately (with Share). Discord hands a message
 * command the message it targets, so no Message Content intent is needed.
 */
export const askTheArticle: MessageCommand = {
  name: t('en', 'askArticleCommand'),
  data: () =>
    new ContextMenuCommandBuilder()
      .setName(t('en', 'askArticleCommand'))
      .setNameLocalizations(localizations({ key: 'askArticleCommand' }))
      .setType(ApplicationCommandType.Message)
      .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),

  async execute(interaction, context) {
    const admission = context.questionLimiter.take(interaction.user.id);
    if (!admission.allowed) throw tooManyQuestions(admission, context.questionLimiter);
    const text = interaction.targetMessage.content.trim();
    if (!text) throw new UserFacingError('messageHasNoText');
    // A long message is asked by its beginning rather than refused: the asker did not write it as a question.
    const question = validQuestion(cutCleanly(text, context.config.limits.maxQuestionLength, false), Infinity);
    const receivedAt = Date.now();
    let answered: AnsweredQuestion | undefined;
    await respond(
      interaction,
      async () => {
        answered = await answerQuestion(await context.knowledge.whenReady(), question, {
          language: context.language,
          echoQuestion: true,
          source: 'context-menu',
          asker: { userId: interaction.user.id, guildId: interaction.guildId },
          ephemeral: true,
          receivedAt,
          questionLog: context.questionLog,
        });
        return answered.payload;
      },
      { ephemeral: true, deferNow: context.knowledge.current === undefined },
    );
    answered?.recordDelivered();
  },
};
