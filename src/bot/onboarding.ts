import {
  ApplicationIntegrationType,
  DiscordAPIError,
  OAuth2Scopes,
  PermissionFlagsBits,
  PermissionsBitField,
  RESTJSONErrorCodes,
} from 'discord.js';

/**
 * What the bot needs in a channel: to see it, to answer in it and in its
 * threads, to send its answers as embeds, and to reply to the message that
 * asked (a reply references an earlier message, which needs its history).
 */
export const INVITE_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.ReadMessageHistory,
]).bitfield;

/** `bot` adds the bot user to the server; `applications.commands` lets it register its slash commands there. */
export const INVITE_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands] as const;

/** The link that adds the bot to a server with exactly the permissions above. */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: INVITE_SCOPES.join(' '),
    permissions: INVITE_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/**
 * The link that adds the app to a user's own account (docs/discord.md#install-it-to-your-account):
 * its commands then work in any server, group DM or DM, without the bot being a member there.
 * User install must be turned on for the application in the Developer Portal first.
 */
export function userInstallUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    integration_type: String(ApplicationIntegrationType.UserInstall),
    scope: OAuth2Scopes.ApplicationsCommands,
  });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/** Printed when DISCORD_TOKEN is missing: everything a new user needs to get the bot online. */
export function missingTokenHelp(): string {
  return [
    'DISCORD_TOKEN is not set, so the bot cannot log in to Discord.',
    '',
    'To get a token:',
    '  1. Open https://discord.com/developers/applications and click "New Application".',
    '  2. On the "Bot" page, click "Reset Token" and copy the token (it is shown once).',
    '  3. Put it in a file named .env in the project folder (it is git-ignored):',
    '       DISCORD_TOKEN=your-token-here',
    '  4. Invite the bot to your server with this link, putting in the Application ID',
    '     from the "General Information" page (scopes bot and applications.commands):',
    `       ${inviteUrl('YOUR_APPLICATION_ID')}`,
    'Then run `npm start` again.',
    '',
    'To ask questions without Discord: npm run ask -- "your question"',
    '',
  ].join('\n');
}

/** Logging in failed for a reason the user can fix: a rejected token, or a Discord API that cannot be reached. */
export class DiscordLoginError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscordLoginError';
  }
}

function isTokenRejection(error: unknown): boolean {
  if (error instanceof DiscordAPIError) return error.status === 401;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'TokenInvalid';
}

/** Explains a failure to log in or to call the API at start-up, in words that say what to do. */
export function describeDiscordFailure(error: unknown, apiUrl: string | undefined): DiscordLoginError {
  if (isTokenRejection(error)) {
    return new DiscordLoginError(
      'Discord rejected DISCORD_TOKEN. Reset the token in the Discord Developer Portal (your application → Bot → Reset Token) and put the new one in .env.',
      { cause: error },
    );
  }
  if (error instanceof DiscordAPIError) {
    const hint =
      error.code === RESTJSONErrorCodes.MissingAccess || error.status === 403
        ? ' If DISCORD_GUILD_ID is set, check that the bot is in that server and was invited with the applications.commands scope.'
        : '';
    return new DiscordLoginError(`Discord refused the request (${error.status}: ${error.message}).${hint}`, {
      cause: error,
    });
  }
  const where = apiUrl ?? 'https://discord.com/api';
  const reason = error instanceof Error ? error.message : String(error);
  return new DiscordLoginError(
    `Could not connect to Discord at ${where}: ${reason}. Check the network${apiUrl ? ' and DISCORD_API_URL' : ''}.`,
    { cause: error },
  );
}
