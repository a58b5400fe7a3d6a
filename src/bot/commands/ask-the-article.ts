import { ApplicationCommandType, ApplicationIntegrationType, ContextMenuCommandBuilder } from 'discord.js';
import { UserFacingError } from '../errors.js';
import { localizations, t } from '../i18n.js';
import { answerInteraction } from '../interaction-answers.js';
import { tooManyQuestions, validQuestion } from '../questions.js';
import { cutCleanly } from '../suggestion-choices.js';
import { EVERYWHERE, type MessageCommand } from './command.js';

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
      .setContexts(...EVERYWHERE)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall)
      .toJSON(),

  async execute(interaction, context) {
    const admission = await context.questionLimiter.take(interaction.user.id);
    if (!admission.allowed) throw tooManyQuestions(admission, context.questionLimiter);
    const text = interaction.targetMessage.content.trim();
    if (!text) throw new UserFacingError('messageHasNoText');
    // A long message is asked by its beginning rather than refused: the asker did not write it as a question.
    const question = validQuestion(cutCleanly(text, context.config.limits.maxQuestionLength, false), Infinity);
    await answerInteraction(
      interaction,
      { question, source: 'context-menu', ephemeral: true, receivedAt: Date.now() },
      context,
    );
  },
};
