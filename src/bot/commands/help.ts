import { respond } from '../replies.js';
import { formatHelp } from '../reply-format.js';
import { commandBuilder, type SlashCommand } from './command.js';

/** `/help`: how to ask, with example questions. Needs no knowledge base, so it answers even while the model loads. */
export const help: SlashCommand = {
  name: 'help',
  data: () => commandBuilder('help', 'helpDescription').toJSON(),

  async execute(interaction, context) {
    await respond(
      interaction,
      async () => formatHelp({ language: context.language, botName: context.botName(), maxQuestionLength: context.config.limits.maxQuestionLength }),
      { ephemeral: true },
    );
  },
};
