import { readConfig, type Config } from '../config/config.js';
import { scrubbedStderr } from '../logger.js';
import { configuredLogger } from '../startup/configured-logger.js';
import { isExpectedStartupError } from '../startup/run-program.js';
import { createBot, type Bot } from './bot.js';
import { DiscordLoginError, missingTokenHelp } from './onboarding.js';
import { handleUnhandledRejection } from './unhandled-rejections.js';

/** After a stop, anything still holding the process open (a model still loading) gets this long. */
const EXIT_AFTER_STOP_MS = 3000;

function exitSoon(): void {
  setTimeout(() => process.exit(), EXIT_AFTER_STOP_MS).unref();
}

function isExpected(error: unknown): error is Error {
  return isExpectedStartupError(error) || error instanceof DiscordLoginError;
}

/** The token, once the settings are read. */
let token: string | undefined;

/** What this program prints itself is scrubbed like the log: an error from Discord may quote the token. */
function say(text: string): void {
  scrubbedStderr([token])(text);
}

/** `npm start`: runs the bot until SIGINT or SIGTERM. */
async function main(): Promise<number | undefined> {
  let config: Config;
  try {
    config = readConfig();
  } catch (error) {
    if (!isExpected(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (!config.discord.token) {
    process.stderr.write(missingTokenHelp());
    return 1;
  }

  token = config.discord.token;
  const logger = configuredLogger(config);
  let bot: Bot | undefined;
  let stopping: Promise<void> | undefined;
  // Discord's and the network's carry on; the bot's own stop it for the supervisor to restart (unhandled-rejections.ts).
  process.on('unhandledRejection', (reason) =>
    handleUnhandledRejection(reason, {
      logger,
      restart: () => {
        if (stopping) return;
        stopping = (bot?.stop() ?? Promise.resolve()).then(() => {
          process.exitCode = 1;
          exitSoon();
        });
      },
    }),
  );

  try {
    bot = createBot({ config, logger });
  } catch (error) {
    // A question log this version cannot use (a newer schema, a damaged key) is the owner's to fix.
    if (!isExpected(error)) throw error;
    say(`${error.message}\n`);
    return 1;
  }
  const running = bot;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping: finishing the replies in flight');
    stopping = running.stop().then(() => {
      logger.info('stopped');
      process.exitCode = 0;
      exitSoon();
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await Promise.all([running.start(), running.ready]);
    logger.info('ready: answering questions');
    return undefined;
  } catch (error) {
    if (stopping) return undefined;
    if (isExpected(error)) say(`${error.message}\n`);
    else logger.fatal({ err: error }, 'the bot could not start');
    await running.stop();
    exitSoon();
    return 1;
  }
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    say(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
