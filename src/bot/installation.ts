import { ApplicationIntegrationType, InteractionContextType, type BaseInteraction } from 'discord.js';
import type { Installation } from '../store/installation.js';

export type { Installation } from '../store/installation.js';

/**
 * Whether the server an interaction comes from installed the app. Discord names who authorized
 * it in `authorizing_integration_owners`: the server's id under GUILD_INSTALL when the server
 * added the bot, the user's id under USER_INSTALL when the user added it to their account. A
 * payload without the field (older gateways) comes from a server that invited the bot.
 */
export function installedByServer(interaction: BaseInteraction): boolean {
  const owners = interaction.authorizingIntegrationOwners?.toJSON() ?? {};
  if (Object.keys(owners).length === 0) return true;
  return owners[ApplicationIntegrationType.GuildInstall] === interaction.guildId;
}

/**
 * Where an interaction comes from, and through whose installation: a server that installed the
 * app, a server where only the asker did (the bot is not a member), the asker's DM with the bot,
 * or a group DM or a DM between users (through the asker's installation).
 */
export function installationOf(interaction: BaseInteraction): Installation {
  if (interaction.context === InteractionContextType.PrivateChannel) return 'private-channel';
  if (interaction.context === InteractionContextType.BotDM || !interaction.inGuild()) return 'bot-dm';
  return installedByServer(interaction) ? 'server' : 'user-in-server';
}

/**
 * Answers are private by default where the asker brought the app into a server that did not
 * choose it: the server's members did not ask for the bot's messages. Share posts one for all.
 */
export function privateByDefault(interaction: BaseInteraction): boolean {
  return installationOf(interaction) === 'user-in-server';
}
