import { PermissionFlagsBits, type BaseInteraction } from 'discord.js';
import type { Config } from '../config/config.js';
import { installedByServer } from './installation.js';

/**
 * Who may use the admin commands (/reindex, /corpus, /stats): members with
 * Manage Server, and the users in ADMIN_USER_IDS anywhere, DMs included.
 * Every admin command checks this in its handler whatever Discord shows:
 * `default_member_permissions` only hides a command, and server admins can
 * change who sees it. Managing a server the bot was not invited to (where a
 * member installed the app for themselves) gives no say over the bot.
 */
export function isBotAdmin(interaction: BaseInteraction, config: Config): boolean {
  if (config.discord.adminUserIds.includes(interaction.user.id)) return true;
  return (
    interaction.inGuild() &&
    installedByServer(interaction) &&
    (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false)
  );
}

/** Hides a command from everyone without Manage Server (the handler still checks, with {@link isBotAdmin}). */
export const ADMIN_DEFAULT_PERMISSIONS = PermissionFlagsBits.ManageGuild;
