import {
  Routes,
  type REST,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../config/config.js';
import { commands, messageCommands } from './commands/index.js';

export interface Registration {
  /** A guild's commands appear at once; global ones in every server and in DMs, after Discord propagates them. */
  scope: 'guild' | 'global';
  guildId: string | undefined;
  /** Every command's name, slash commands first. */
  names: string[];
  /** The message context-menu commands among them ("Apps → …"). */
  messageCommandNames: string[];
}

/** The definitions of the slash commands, as Discord receives them. */
export function slashCommandDefinitions(config: Config): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.map((command) => command.data(config));
}

/** The definitions of every command (slash and message context-menu), as Discord receives them. */
export function commandDefinitions(config: Config): RESTPostAPIApplicationCommandsJSONBody[] {
  return [...slashCommandDefinitions(config), ...messageCommands.map((command) => command.data(config))];
}

/**
 * Registers the commands by bulk overwrite: one PUT that makes Discord's list
 * exactly ours (stale commands disappear). To DISCORD_GUILD_ID when set,
 * globally otherwise.
 */
export async function registerCommands(rest: REST, applicationId: string, config: Config): Promise<Registration> {
  const body = commandDefinitions(config);
  const { guildId } = config.discord;
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  return {
    scope: guildId ? 'guild' : 'global',
    guildId,
    names: body.map((command) => command.name),
    messageCommandNames: messageCommands.map((command) => command.name),
  };
}
