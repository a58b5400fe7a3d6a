import { enforceLimits, type ReplyPayload } from '../discord-limits.js';
import { EMBED_COLORS } from '../embed-colors.js';
import { t, type Language } from '../i18n.js';
import { fitEscaped } from '../markdown.js';
import { respond } from '../replies.js';
import { commandBuilder, type SlashCommand } from './command.js';

export interface HelpFormatOptions {
  language: Language;
  botName: string;
  maxQuestionLength: number;
}

/** /help (and `help` in a DM): the ways to ask, and example questions. */
export function formatHelp(options: HelpFormatOptions): ReplyPayload {
  const { language } = options;
  const botName = fitEscaped(options.botName, 64, (escaped) => escaped);
  const examples = (['helpExample1', 'helpExample2', 'helpExample3'] as const).map((key) => `• ${t(language, key)}`);
  return enforceLimits({
    content: '',
    embeds: [
      {
        title: t(language, 'helpTitle'),
        description: t(language, 'helpBody', { botName, maxLength: options.maxQuestionLength }),
        color: EMBED_COLORS.answer,
        fields: [{ name: t(language, 'helpExamplesHeading'), value: examples.join('\n'), inline: false }],
      },
    ],
  });
}

/** `/help`: how to ask, with example questions. Needs no knowledge base, so it answers even while the model loads. */
export const help: SlashCommand = {
  name: 'help',
  data: () => commandBuilder('help', 'helpDescription').toJSON(),

  async execute(interaction, context) {
    await respond(
      interaction,
      async () =>
        formatHelp({
          language: context.language,
          botName: context.botName(),
          maxQuestionLength: context.config.limits.maxQuestionLength,
        }),
      { ephemeral: true },
    );
  },
};
