import { respond } from '../replies.js';
import { formatAbout } from '../reply-format.js';
import { commandBuilder, type SlashCommand } from './command.js';

/** `/about`: the article's title, its number of passages, the model and when the index was built. */
export const about: SlashCommand = {
  name: 'about',
  data: () => commandBuilder('about', 'aboutDescription').toJSON(),

  async execute(interaction, context) {
    await respond(
      interaction,
      async () => {
        const knowledgeBase = await context.knowledge.whenReady();
        return formatAbout(knowledgeBase.manifest, { language: context.language, isRebuilding: knowledgeBase.isRebuilding });
      },
      { ephemeral: true, deferNow: context.knowledge.current === undefined },
    );
  },
};
