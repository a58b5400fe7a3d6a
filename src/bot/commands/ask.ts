import { localizations, t } from '../i18n.js';
import { privateByDefault } from '../installation.js';
import { answerInteraction } from '../interaction-answers.js';
import { tooManyQuestions, validQuestion } from '../questions.js';
import { askChoices } from '../suggestion-choices.js';
import { commandBuilder, type SlashCommand } from './command.js';

/** `/ask question:<text> private:<boolean>`: quotes the passages of the article that answer the question. */
export const ask: SlashCommand = {
  name: 'ask',
  data: (config) =>
    commandBuilder('ask', 'askDescription')
      .addStringOption((option) =>
        option
          .setName('question')
          .setNameLocalizations(localizations({ name: 'question' }))
          .setDescription(t('en', 'askQuestionDescription'))
          .setDescriptionLocalizations(localizations({ key: 'askQuestionDescription' }))
          .setRequired(true)
          .setMaxLength(config.limits.maxQuestionLength)
          .setAutocomplete(true),
      )
      .addBooleanOption((option) =>
        option
          .setName('private')
          .setNameLocalizations(localizations({ name: 'private' }))
          .setDescription(t('en', 'askPrivateDescription'))
          .setDescriptionLocalizations(localizations({ key: 'askPrivateDescription' }))
          .setRequired(false),
      )
      .toJSON(),

  async execute(interaction, context) {
    const receivedAt = Date.now();
    // Every question counts against the asker's rate limit, a refused one (empty, too long) included: each costs a reply.
    const admission = await context.questionLimiter.take(interaction.user.id);
    if (!admission.allowed) throw tooManyQuestions(admission, context.questionLimiter);
    // Checked here too: Discord enforces max_length only for clients that respect the registered definition.
    const question = validQuestion(
      interaction.options.getString('question', true),
      context.config.limits.maxQuestionLength,
    );
    const ephemeral = interaction.options.getBoolean('private') ?? privateByDefault(interaction);
    await answerInteraction(interaction, { question, source: 'slash', ephemeral, receivedAt }, context);
  },

  /** Suggestions from memory as the question is typed; none while the index is still loading. */
  async autocomplete(interaction, context) {
    const knowledgeBase = context.knowledge.current;
    if (!knowledgeBase) return [];
    return askChoices(
      knowledgeBase.manifest,
      interaction.options.getFocused(),
      context.language,
      context.config.limits.maxQuestionLength,
    );
  },
};
