import { REST, Routes, type RESTGetCurrentApplicationResult } from 'discord.js';
import { readConfig } from '../config/config.js';
import { scrubbedStderr } from '../logger.js';
import { runProgram } from '../startup/run-program.js';
import { describeDiscordFailure, missingTokenHelp } from './onboarding.js';
import { registerCommands } from './register.js';

/**
 * `npm run register`: registers the slash commands without starting the bot,
 * a standalone deploy script as in discord.js's create-discord-bot template.
 */
runProgram(async () => {
  const config = readConfig();
  const { token, apiUrl } = config.discord;
  if (!token) {
    process.stderr.write(missingTokenHelp());
    return 1;
  }
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  try {
    const application = (await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult;
    const registration = await registerCommands(rest, application.id, config);
    const slash = registration.names.filter((name) => !registration.messageCommandNames.includes(name));
    const names =
      slash.map((name) => `/${name}`).join(', ') +
      registration.messageCommandNames.map((name) => ` and the message command “${name}”`).join('');
    process.stdout.write(
      registration.scope === 'guild'
        ? `Registered ${names} in the server ${registration.guildId}; they are available there now.\n`
        : `Registered ${names} globally: in every server the bot is in and in DMs with it, and (all but the admin commands) wherever users who installed the app use Discord. Discord may take a few minutes to show changes.\n`,
    );
    return 0;
  } catch (error) {
    // A Discord error may quote the request, token included.
    scrubbedStderr([token])(`${describeDiscordFailure(error, apiUrl).message}\n`);
    return 1;
  }
});
