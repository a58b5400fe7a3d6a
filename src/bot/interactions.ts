import {
  InteractionType,
  type ApplicationCommandOptionChoiceData,
  type AutocompleteInteraction,
  type Interaction,
} from 'discord.js';
import { commands, componentHandlers, messageCommands, type CommandContext } from './commands/index.js';
import type { BotContext } from './context.js';
import { replyWithError, UserFacingError } from './errors.js';
import { languageOfLocale } from './i18n.js';
import type { AnswerableInteraction } from './replies.js';

const slashCommandsByName = new Map(commands.map((command) => [command.name as string, command]));
const messageCommandsByName = new Map(messageCommands.map((command) => [command.name, command]));

/** The component handler for a custom_id: the one whose prefix is its part before the first colon. */
function componentHandlerFor(customId: string) {
  const prefix = customId.slice(0, customId.indexOf(':'));
  return componentHandlers.find((handler) => handler.prefix === prefix);
}

async function run(interaction: AnswerableInteraction, context: CommandContext): Promise<void> {
  if (context.isStopping()) throw new UserFacingError('restarting');
  if (interaction.isChatInputCommand()) {
    const command = slashCommandsByName.get(interaction.commandName);
    if (!command) throw new UserFacingError('unknownCommand');
    return command.execute(interaction, context);
  }
  if (interaction.isMessageContextMenuCommand()) {
    const command = messageCommandsByName.get(interaction.commandName);
    if (!command) throw new UserFacingError('unknownCommand');
    return command.execute(interaction, context);
  }
  const handler = componentHandlerFor(interaction.customId);
  if (!handler) throw new UserFacingError('unknownComponent');
  return handler.handle(interaction, context);
}

/** Suggestions for the option being typed; `[]` whatever goes wrong (Discord shows "no options" rather than an error). */
async function suggest(interaction: AutocompleteInteraction, context: CommandContext): Promise<void> {
  let choices: ApplicationCommandOptionChoiceData[] = [];
  try {
    const command = slashCommandsByName.get(interaction.commandName);
    if (command?.autocomplete && !context.isStopping()) choices = await command.autocomplete(interaction, context);
  } catch (error) {
    context.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed; offering no choices');
  }
  try {
    await interaction.respond(choices.slice(0, 25));
  } catch (error) {
    context.logger.warn({ err: error, command: interaction.commandName }, 'could not deliver the autocomplete choices');
  }
}

/**
 * Every interaction to its handler: slash commands and message commands by
 * name, buttons and select menus by the prefix of their custom_id,
 * autocomplete to the command's suggestions. Errors become replies in one
 * place ({@link replyWithError}); the bot's words follow the asker's locale.
 */
export async function handleInteraction(interaction: Interaction, context: BotContext): Promise<void> {
  const commandContext: CommandContext = { ...context, language: languageOfLocale(interaction.locale) };
  if (interaction.type === InteractionType.ApplicationCommandAutocomplete) {
    return suggest(interaction, commandContext);
  }
  if (
    !interaction.isChatInputCommand() &&
    !interaction.isMessageContextMenuCommand() &&
    !interaction.isMessageComponent()
  ) {
    return;
  }
  try {
    await run(interaction, commandContext);
  } catch (error) {
    await replyWithError(interaction, error, { logger: context.logger, language: commandContext.language });
  }
}
