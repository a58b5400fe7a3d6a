import {
  ApplicationIntegrationType,
  InteractionContextType,
  SlashCommandBuilder,
  type ApplicationCommandOptionChoiceData,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type MessageComponentInteraction,
  type MessageContextMenuCommandInteraction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../../config/config.js';
import { ADMIN_DEFAULT_PERMISSIONS } from '../admins.js';
import type { BotContext } from '../context.js';
import { type COMMAND_NAMES, localizations, t, type Language, type MessageKey } from '../i18n.js';

export type CommandName = 'ask' | 'read' | 'about' | 'help' | 'reindex' | 'stats' | 'corpus';

/** What a command handler gets: the bot's context and the language to answer in. */
export interface CommandContext extends BotContext {
  language: Language;
}

/** One slash command: its definition as registered with Discord, and its handler. */
export interface SlashCommand {
  readonly name: CommandName;
  /** The definition depends on settings (the question length limit), so it is built from the config. */
  data(config: Config): RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Handles an invocation. Errors are not caught here: they go to the one error handler. */
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  /**
   * Suggests values for the option being typed (Discord allows 25 choices of
   * at most 100 characters, within 3 s). The router answers `[]` if it throws.
   */
  autocomplete?(
    interaction: AutocompleteInteraction,
    context: CommandContext,
  ): Promise<ApplicationCommandOptionChoiceData[]>;
}

/** A message context-menu command ("Apps → …" on a message): its definition and its handler. */
export interface MessageCommand {
  readonly name: string;
  data(config: Config): RESTPostAPIContextMenuApplicationCommandsJSONBody;
  execute(interaction: MessageContextMenuCommandInteraction, context: CommandContext): Promise<void>;
}

/**
 * Handles the buttons and select menus whose `custom_id` starts with its
 * prefix (`<prefix>:…`). Their state lives in the custom_id, so they work
 * after a restart.
 */
export interface ComponentHandler {
  readonly prefix: string;
  handle(interaction: MessageComponentInteraction, context: CommandContext): Promise<void>;
}

/**
 * A command's common definition: its English name and description with their Chinese
 * localizations. Installable to a server and to a user's own account, and usable in servers, in
 * DMs with the bot and in group DMs and DMs between users: where the app is installed only by
 * the user, the bot is not a member, so these commands answer through the interaction alone.
 */
export function commandBuilder(
  name: CommandName & keyof typeof COMMAND_NAMES,
  description: MessageKey,
): SlashCommandBuilder {
  return new SlashCommandBuilder()
    .setName(name)
    .setNameLocalizations(localizations({ name }))
    .setDescription(t('en', description))
    .setDescriptionLocalizations(localizations({ key: description }))
    .setContexts(...EVERYWHERE)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall);
}

/** Where the commands anyone may use can be used: servers, the DM with the bot, group DMs and DMs between users. */
export const EVERYWHERE = [
  InteractionContextType.Guild,
  InteractionContextType.BotDM,
  InteractionContextType.PrivateChannel,
] as const;

/**
 * An admin command's definition (/reindex, /corpus, /stats): installable to servers only, hidden
 * from members without Manage Server, and usable in servers and in the DM with the bot (where the
 * users in ADMIN_USER_IDS use it), never in a group DM or a server that did not install the app.
 */
export function adminCommandBuilder(
  name: CommandName & keyof typeof COMMAND_NAMES,
  description: MessageKey,
): SlashCommandBuilder {
  return commandBuilder(name, description)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .setDefaultMemberPermissions(ADMIN_DEFAULT_PERMISSIONS);
}
